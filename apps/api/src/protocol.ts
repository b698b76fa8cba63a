import type { NextFunction, Request, Response } from 'express';
import {
  ApiError,
  ERROR_CLASSES,
  InternalFailure,
  isAwsApiError,
  SerializationException,
  UnknownOperationException,
  validateRequest,
  type AwsApiError,
} from '@redstep/core';

export const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';

/** A handler gets the validated request body and returns the response body. */
export type Handler = (body: Record<string, unknown>) => Promise<unknown>;

/**
 * The AWS JSON 1.0 protocol: `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>`, a JSON
 * body validated against the service model, and errors as `{"__type", "message"}` with the
 * code also in `x-amzn-ErrorType` (where AWS clients look first).
 */
export function awsJsonProtocol(handlers: Record<string, Handler>, log: (entry: Record<string, unknown>) => void) {
  return async (req: Request, res: Response, _next: NextFunction): Promise<void> => {
    const target = req.header('x-amz-target') ?? '';
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    res.locals.action = action || 'unknown';
    try {
      const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
      if (!handler) throw new UnknownOperationException('');
      const body = decodeBody(req.body as Buffer | undefined);
      validateRequest(action, body);
      const out = await handler(body);
      res.status(200).type(CONTENT_TYPE).send(typeof out === 'string' ? out : JSON.stringify(out ?? {}));
    } catch (e) {
      const err = toAwsError(e);
      if (err.httpStatus >= 500) log({ level: 'error', msg: 'request failed', action, err: String((e as Error)?.stack ?? e) });
      res.locals.errorCode = err.code;
      res.status(err.httpStatus).set('x-amzn-ErrorType', err.code).type(CONTENT_TYPE).send(JSON.stringify(err.toBody()));
    }
  };
}

function decodeBody(raw: Buffer | undefined): Record<string, unknown> {
  const text = raw && raw.length ? raw.toString('utf8') : '{}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SerializationException('');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SerializationException('Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Typed errors pass through; a plain core ApiError (e.g. InvalidDefinition from the definition
 * validator) becomes the typed class of its code; anything else is an internal failure.
 */
function toAwsError(e: unknown): AwsApiError {
  if (isAwsApiError(e)) return e;
  if (e instanceof ApiError && Object.hasOwn(ERROR_CLASSES, e.code)) {
    return new ERROR_CLASSES[e.code as keyof typeof ERROR_CLASSES](e.message);
  }
  return new InternalFailure('An internal error occurred.');
}
