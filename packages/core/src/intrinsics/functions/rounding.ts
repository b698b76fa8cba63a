/**
 * AWS rounds non-integer arguments of MathAdd and MathRandom to the nearest integer, halves
 * upward (-1.5 -> -1, 2.5 -> 3), which is exactly Math.round. `+ 0` turns -0 into 0.
 */
export function roundHalfUp(value: number): number {
  return Math.round(value) + 0;
}

/** AWS works on Java ints here. */
export const INT_MIN = -2_147_483_648;
export const INT_MAX = 2_147_483_647;
