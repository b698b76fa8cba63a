import type { IncomingMessage, ServerResponse } from 'node:http';
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
import type { RequestGuard } from './auth/guard.js';
import type { Caller } from './auth/verify-sigv4.js';

export const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';
/** Far above AWS's own request limits (256 KiB payloads); a larger body is refused unread. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * A handler gets the validated request body and returns the response body. `gone` aborts when
 * the caller's connection closes before the answer (a long poll stops waiting for nobody).
 * `caller` is who the guard found signed the request (undefined without a guard: then every
 * caller is the configured account and region).
 */
export type Handler = (body: Record<string, unknown>, gone: AbortSignal, caller?: Caller) => Promise<unknown>;

/** What the protocol reports of each request once its answer is written. */
export interface RequestOutcome {
  action: string;
  status: number;
  errorCode: string | undefined;
  seconds: number;
}

export interface ProtocolHooks {
  /** A request arrived; `action` is a known action name or 'unknown'. */
  begin(action: string, requestId: string): void;
  /** Its answer went out (or its connection closed first). */
  end(outcome: RequestOutcome, requestId: string): void;
  /** A server fault, with the stack, for the error log. */
  fault(entry: Record<string, unknown>): void;
  newRequestId(): string;
}

/**
 * The AWS JSON 1.0 protocol: `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>`, a JSON
 * body validated against the service model, and errors as `{"__type", "message"}` with the
 * code also in `x-amzn-ErrorType` (where AWS clients look first). A plain node handler: this is
 * every API call's path, so it skips express's routing and body parsing.
 */
export function awsJsonProtocol(handlers: Record<string, Handler>, hooks: ProtocolHooks, guard?: RequestGuard) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
    const action = handler ? name : 'unknown';
    const requestId = hooks.newRequestId();
    res.setHeader('x-amzn-RequestId', requestId);
    hooks.begin(action, requestId);
    const started = performance.now();
    let errorCode: string | undefined;
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
      hooks.end({ action, status: res.statusCode, errorCode, seconds: (performance.now() - started) / 1000 }, requestId);
    });
    const fail = (e: unknown) => {
      const err = toAwsError(e);
      if (err.httpStatus >= 500) hooks.fault({ requestId, action, err: String((e as Error)?.stack ?? e) });
      errorCode = err.code;
      res.setHeader('x-amzn-ErrorType', err.code);
      reply(res, err.httpStatus, JSON.stringify(err.toBody()));
    };
    readBody(req).then(
      async (raw) => {
        try {
          if (raw === undefined) {
            errorCode = 'RequestEntityTooLarge';
            res.setHeader('x-amzn-ErrorType', errorCode);
            reply(res, 413, JSON.stringify({ __type: errorCode, message: `Request body exceeds ${MAX_BODY_BYTES} bytes` }));
            return;
          }
          // Authentication and throttling come first: nothing of the request is read before them.
          const caller = guard ? await guard.check(req, raw, handler ? name : '') : undefined;
          if (!handler) throw new UnknownOperationException('');
          const body = decodeBody(raw);
          validateRequest(name, body);
          const out = await handler(withoutNulls(body) as Record<string, unknown>, gone.signal, caller);
          reply(res, 200, typeof out === 'string' ? out : JSON.stringify(out ?? {}));
        } catch (e) {
          fail(e);
        }
      },
      () => res.destroy(),
    );
  };
}

/**
 * How deep nulls are dropped. The model's inputs nest a few levels; deeper values are members it
 * does not know (ignored), which may nest as deep as JSON.parse allows: past the call stack.
 */
const NULLS_DEPTH = 32;

/**
 * The body with `null` members and list elements dropped, at every depth the model reaches: AWS
 * JSON reads a null member as an absent one (validation already did), so handlers never meet one.
 */
function withoutNulls(value: unknown, depth = 0): unknown {
  if (depth > NULLS_DEPTH) return value;
  if (Array.isArray(value)) return value.filter((v) => v !== null).map((v) => withoutNulls(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  // A `__proto__` member (never one of the model's) would become the copy's prototype, and its
  // members would reach handlers as if sent, unvalidated: it is dropped with the nulls.
  for (const [k, v] of Object.entries(value)) if (v !== null && k !== '__proto__') out[k] = withoutNulls(v, depth + 1);
  return out;
}

/** The whole body, or undefined once it passes MAX_BODY_BYTES (the rest is drained unread). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) over = true;
      else chunks.push(chunk);
    });
    req.once('end', () => resolve(over ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Writes a JSON answer with its length. */
function reply(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
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
