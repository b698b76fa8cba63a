import { InvalidExecutionInput } from './errors.js';

/** AWS's payload limit: 256 KiB. */
export const MAX_INPUT_BYTES = 262_144;

/**
 * An execution's input must be JSON within the payload limit: StartExecution, StartSyncExecution
 * and the nested `states:startExecution` Task answer the same InvalidExecutionInput.
 */
export function checkExecutionInput(input: string): void {
  if (Buffer.byteLength(input) > MAX_INPUT_BYTES) {
    throw new InvalidExecutionInput(`Invalid State Machine Execution Input: 'The input exceeds the maximum size of ${MAX_INPUT_BYTES} bytes'`);
  }
  try {
    JSON.parse(input);
  } catch (e) {
    throw new InvalidExecutionInput(`Invalid State Machine Execution Input: '${(e as Error).message}'`);
  }
}
