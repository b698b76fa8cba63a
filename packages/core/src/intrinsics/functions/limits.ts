import { intrinsicFailure } from '../failure.js';

/** AWS's input cap for Base64Encode, Base64Decode and Hash. */
export const MAX_INPUT_CHARS = 10_000;

export function checkInputLength(fn: string, text: string): void {
  if (text.length > MAX_INPUT_CHARS) {
    throw intrinsicFailure(
      `The function ${fn} accepts at most ${MAX_INPUT_CHARS} characters, but received ${text.length}.`,
    );
  }
}
