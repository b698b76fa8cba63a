/**
 * Two error families live here.
 *
 * - StatesError: a runtime error inside an execution (`States.Runtime`, a task's own error, ...).
 *   It is matched by Retry/Catch and ends up in history; it never leaves the service as an HTTP error.
 * - ApiError: an AWS API fault answered to the client as `{"__type": code, "message": ...}`.
 *   Each AWS error code is its own subclass (see api/errors.ts) so a handler throws by name.
 */
export class StatesError extends Error {
  /**
   * @param located the cause already says where it happened; otherwise the interpreter prefixes
   *   runtime errors with "An error occurred while executing the state ..." as AWS does.
   */
  constructor(
    readonly error: string,
    override readonly cause: string,
    readonly located = false,
  ) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = code;
  }
}
