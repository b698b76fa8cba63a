import { StatesError } from '../errors.js';

/** Every argument, range and limit violation inside an intrinsic is a States.IntrinsicFailure. */
export function intrinsicFailure(cause: string): StatesError {
  return new StatesError('States.IntrinsicFailure', cause);
}
