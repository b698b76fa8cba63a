/**
 * One ApiError subclass per error code: the 33 the service model declares plus the
 * protocol-level ones every AWS JSON 1.0 service can answer. Handlers throw by name; the api
 * app writes `err.toBody()` with `err.httpStatus` and the `x-amzn-errortype` header = `err.code`.
 *
 * `__type` carries the bare code. AWS prefixes some with a namespace
 * (`com.amazon.coral.service#SerializationException`); every SDK strips up to `#`, so the bare
 * code reads the same to clients and keeps the body predictable.
 */
import { ApiError } from '../errors.js';
import type { ModelErrorCode } from './model.generated.js';

export type ProtocolErrorCode =
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'InternalFailure'
  | 'AccessDeniedException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'ThrottlingException';

export type ErrorCode = ModelErrorCode | ProtocolErrorCode;

/**
 * Code -> HTTP status. A mapped type over ErrorCode, so a code added to the model (after
 * regenerating) fails to compile until it gets a status here. The model declares no
 * `httpStatusCode` on its errors, so all of them are 400; so are the protocol ones: AWS JSON 1.0
 * services answer every client fault, authentication included, with 400 (as recorded on AWS:
 * `Status Code: 400; Error Code: UnrecognizedClientException` from AWSStepFunctions). The 403 of
 * the common-errors tables is the query and REST protocols' answer.
 */
export const ERROR_HTTP_STATUS: { readonly [K in ErrorCode]: number } = {
  ActivityAlreadyExists: 400,
  ActivityDoesNotExist: 400,
  ActivityLimitExceeded: 400,
  ActivityWorkerLimitExceeded: 400,
  ConflictException: 400,
  ExecutionAlreadyExists: 400,
  ExecutionDoesNotExist: 400,
  ExecutionLimitExceeded: 400,
  ExecutionNotRedrivable: 400,
  InvalidArn: 400,
  InvalidDefinition: 400,
  InvalidEncryptionConfiguration: 400,
  InvalidExecutionInput: 400,
  InvalidLoggingConfiguration: 400,
  InvalidName: 400,
  InvalidOutput: 400,
  InvalidToken: 400,
  InvalidTracingConfiguration: 400,
  KmsAccessDeniedException: 400,
  KmsInvalidStateException: 400,
  KmsThrottlingException: 400,
  MissingRequiredParameter: 400,
  ResourceNotFound: 400,
  ServiceQuotaExceededException: 400,
  StateMachineAlreadyExists: 400,
  StateMachineDeleting: 400,
  StateMachineDoesNotExist: 400,
  StateMachineLimitExceeded: 400,
  StateMachineTypeNotSupported: 400,
  TaskDoesNotExist: 400,
  TaskTimedOut: 400,
  TooManyTags: 400,
  ValidationException: 400,
  UnknownOperationException: 400,
  SerializationException: 400,
  InternalFailure: 500,
  AccessDeniedException: 400,
  MissingAuthenticationTokenException: 400,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 400,
  UnrecognizedClientException: 400,
  ThrottlingException: 400,
};

/** The JSON body AWS writes for an error. */
export interface ErrorBody {
  readonly __type: ErrorCode;
  readonly message?: string;
  readonly [extra: string]: unknown;
}

/** Base of every RedStep API error: a typed code and a body with the model's extra members. */
export abstract class AwsApiError extends ApiError {
  declare readonly code: ErrorCode;

  protected constructor(code: ErrorCode, message: string) {
    super(code, message, ERROR_HTTP_STATUS[code]);
  }

  /** Members beyond `message` the model declares for this error (e.g. resourceName). */
  protected extra(): Record<string, unknown> {
    return {};
  }

  toBody(): ErrorBody {
    const body: Record<string, unknown> = { __type: this.code };
    // Some protocol errors (e.g. unparseable JSON) carry no message at all on AWS.
    if (this.message !== '') body.message = this.message;
    for (const [k, v] of Object.entries(this.extra())) if (v !== undefined) body[k] = v;
    return body as unknown as ErrorBody;
  }
}

// ---- errors declared by the service model ------------------------------------------------

export class ActivityAlreadyExists extends AwsApiError {
  constructor(message: string) { super('ActivityAlreadyExists', message); }
}
export class ActivityDoesNotExist extends AwsApiError {
  constructor(message: string) { super('ActivityDoesNotExist', message); }
}
export class ActivityLimitExceeded extends AwsApiError {
  constructor(message: string) { super('ActivityLimitExceeded', message); }
}
export class ActivityWorkerLimitExceeded extends AwsApiError {
  constructor(message: string) { super('ActivityWorkerLimitExceeded', message); }
}
export class ConflictException extends AwsApiError {
  constructor(message: string) { super('ConflictException', message); }
}
export class ExecutionAlreadyExists extends AwsApiError {
  constructor(message: string) { super('ExecutionAlreadyExists', message); }
}
export class ExecutionDoesNotExist extends AwsApiError {
  constructor(message: string) { super('ExecutionDoesNotExist', message); }
}
export class ExecutionLimitExceeded extends AwsApiError {
  constructor(message: string) { super('ExecutionLimitExceeded', message); }
}
export class ExecutionNotRedrivable extends AwsApiError {
  constructor(message: string) { super('ExecutionNotRedrivable', message); }
}
export class InvalidArn extends AwsApiError {
  constructor(message: string) { super('InvalidArn', message); }
}
export class InvalidDefinition extends AwsApiError {
  constructor(message: string) { super('InvalidDefinition', message); }
}
export class InvalidEncryptionConfiguration extends AwsApiError {
  constructor(message: string) { super('InvalidEncryptionConfiguration', message); }
}
export class InvalidExecutionInput extends AwsApiError {
  constructor(message: string) { super('InvalidExecutionInput', message); }
}
export class InvalidLoggingConfiguration extends AwsApiError {
  constructor(message: string) { super('InvalidLoggingConfiguration', message); }
}
export class InvalidName extends AwsApiError {
  constructor(message: string) { super('InvalidName', message); }
}
export class InvalidOutput extends AwsApiError {
  constructor(message: string) { super('InvalidOutput', message); }
}
export class InvalidToken extends AwsApiError {
  constructor(message: string) { super('InvalidToken', message); }
}
export class InvalidTracingConfiguration extends AwsApiError {
  constructor(message: string) { super('InvalidTracingConfiguration', message); }
}
export class KmsAccessDeniedException extends AwsApiError {
  constructor(message: string) { super('KmsAccessDeniedException', message); }
}
export type KmsKeyState = 'DISABLED' | 'PENDING_DELETION' | 'PENDING_IMPORT' | 'UNAVAILABLE' | 'CREATING';
export class KmsInvalidStateException extends AwsApiError {
  constructor(message: string, readonly kmsKeyState?: KmsKeyState) {
    super('KmsInvalidStateException', message);
  }
  protected override extra() { return { kmsKeyState: this.kmsKeyState }; }
}
export class KmsThrottlingException extends AwsApiError {
  constructor(message: string) { super('KmsThrottlingException', message); }
}
export class MissingRequiredParameter extends AwsApiError {
  constructor(message: string) { super('MissingRequiredParameter', message); }
}
export class ResourceNotFound extends AwsApiError {
  constructor(message: string, readonly resourceName?: string) {
    super('ResourceNotFound', message);
  }
  protected override extra() { return { resourceName: this.resourceName }; }
}
export class ServiceQuotaExceededException extends AwsApiError {
  constructor(message: string) { super('ServiceQuotaExceededException', message); }
}
export class StateMachineAlreadyExists extends AwsApiError {
  constructor(message: string) { super('StateMachineAlreadyExists', message); }
}
export class StateMachineDeleting extends AwsApiError {
  constructor(message: string) { super('StateMachineDeleting', message); }
}
export class StateMachineDoesNotExist extends AwsApiError {
  constructor(message: string) { super('StateMachineDoesNotExist', message); }
}
export class StateMachineLimitExceeded extends AwsApiError {
  constructor(message: string) { super('StateMachineLimitExceeded', message); }
}
export class StateMachineTypeNotSupported extends AwsApiError {
  constructor(message: string) { super('StateMachineTypeNotSupported', message); }
}
export class TaskDoesNotExist extends AwsApiError {
  constructor(message: string) { super('TaskDoesNotExist', message); }
}
export class TaskTimedOut extends AwsApiError {
  constructor(message: string) { super('TaskTimedOut', message); }
}
export class TooManyTags extends AwsApiError {
  constructor(message: string, readonly resourceName?: string) {
    super('TooManyTags', message);
  }
  protected override extra() { return { resourceName: this.resourceName }; }
}
export type ValidationExceptionReason =
  | 'API_DOES_NOT_SUPPORT_LABELED_ARNS'
  | 'MISSING_REQUIRED_PARAMETER'
  | 'CANNOT_UPDATE_COMPLETED_MAP_RUN'
  | 'INVALID_ROUTING_CONFIGURATION';
export class ValidationException extends AwsApiError {
  constructor(message: string, readonly reason?: ValidationExceptionReason) {
    super('ValidationException', message);
  }
  protected override extra() { return { reason: this.reason }; }
}

// ---- protocol-level errors (any AWS JSON 1.0 service) ------------------------------------

/** Unknown X-Amz-Target. AWS sends no message. */
export class UnknownOperationException extends AwsApiError {
  constructor(message = '') { super('UnknownOperationException', message); }
}
/** Body is not JSON or a member has the wrong JSON type; AWS omits the message for some cases. */
export class SerializationException extends AwsApiError {
  constructor(message = '') { super('SerializationException', message); }
}
export class InternalFailure extends AwsApiError {
  constructor(message = 'An internal error occurred.') { super('InternalFailure', message); }
}
export class AccessDeniedException extends AwsApiError {
  constructor(message: string) { super('AccessDeniedException', message); }
}
/** No `Authorization: AWS4-...` header on a service that checks signatures. */
export class MissingAuthenticationTokenException extends AwsApiError {
  constructor(message = 'Request is missing Authentication Token') {
    super('MissingAuthenticationTokenException', message);
  }
}
/** An Authorization header lacking a part, or a part of the wrong form (credential, date, algorithm). */
export class IncompleteSignatureException extends AwsApiError {
  constructor(message: string) { super('IncompleteSignatureException', message); }
}
/** A well-formed signature that does not verify: wrong scope, expired, or not the one calculated. */
export class InvalidSignatureException extends AwsApiError {
  constructor(message: string) { super('InvalidSignatureException', message); }
}
export class UnrecognizedClientException extends AwsApiError {
  constructor(message = 'The security token included in the request is invalid.') {
    super('UnrecognizedClientException', message);
  }
}
export class ThrottlingException extends AwsApiError {
  constructor(message = 'Rate exceeded') { super('ThrottlingException', message); }
}

/** Every concrete class by code, so the api layer can map a code back to its class. */
export const ERROR_CLASSES = {
  ActivityAlreadyExists, ActivityDoesNotExist, ActivityLimitExceeded, ActivityWorkerLimitExceeded,
  ConflictException, ExecutionAlreadyExists, ExecutionDoesNotExist, ExecutionLimitExceeded,
  ExecutionNotRedrivable, InvalidArn, InvalidDefinition, InvalidEncryptionConfiguration,
  InvalidExecutionInput, InvalidLoggingConfiguration, InvalidName, InvalidOutput, InvalidToken,
  InvalidTracingConfiguration, KmsAccessDeniedException, KmsInvalidStateException,
  KmsThrottlingException, MissingRequiredParameter, ResourceNotFound,
  ServiceQuotaExceededException, StateMachineAlreadyExists, StateMachineDeleting,
  StateMachineDoesNotExist, StateMachineLimitExceeded, StateMachineTypeNotSupported,
  TaskDoesNotExist, TaskTimedOut, TooManyTags, ValidationException,
  UnknownOperationException, SerializationException, InternalFailure, AccessDeniedException,
  MissingAuthenticationTokenException, IncompleteSignatureException, InvalidSignatureException,
  UnrecognizedClientException, ThrottlingException,
} satisfies { readonly [K in ErrorCode]: new (message: string) => AwsApiError };

export function isAwsApiError(e: unknown): e is AwsApiError {
  return e instanceof AwsApiError;
}
