import type { RequestInit } from 'undici';
import type { GuardedFetch, ResponseHeaders } from './egress-guard.js';
import { failed, requestObject, type Integration, type InvokeCall, type InvokeResult } from './types.js';

/**
 * Lambda: `arn:aws:states:::lambda:invoke` (FunctionName, Payload, InvocationType, Qualifier,
 * ClientContext, LogType; the result is the Invoke response: Payload, StatusCode, ...) and plain
 * function ARNs (the input is the payload and the function's answer is the result). Calls go to
 * the Invoke API of LAMBDA_ENDPOINT (`POST /2015-03-31/functions/<name>/invocations`).
 */
export class LambdaIntegration implements Integration {
  readonly patterns = ['callback'] as const;

  constructor(
    private readonly endpoint: string | undefined,
    private readonly timeoutMs: number,
    private readonly fetch: GuardedFetch,
  ) {}

  async invoke(call: InvokeCall): Promise<InvokeResult> {
    const plain = call.task.integration.function === true;
    let functionName: string;
    let payload: string | undefined;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    let qualifier: string | undefined;
    if (plain) {
      functionName = call.task.resource;
      payload = JSON.stringify(call.request);
    } else {
      const p = requestObject(call.request);
      if (!p || typeof p.FunctionName !== 'string') return failed('States.Runtime', "The field 'FunctionName' is required and must be a string.");
      functionName = p.FunctionName;
      if (p.Payload !== undefined) payload = typeof p.Payload === 'string' ? p.Payload : JSON.stringify(p.Payload);
      if (typeof p.InvocationType === 'string') headers['x-amz-invocation-type'] = p.InvocationType;
      if (typeof p.LogType === 'string') headers['x-amz-log-type'] = p.LogType;
      if (typeof p.ClientContext === 'string') headers['x-amz-client-context'] = p.ClientContext;
      if (typeof p.Qualifier === 'string') qualifier = p.Qualifier;
    }
    if (!this.endpoint) return failed('Lambda.SdkClientException', 'Unable to execute HTTP request: no Lambda endpoint is configured (LAMBDA_ENDPOINT).');
    const url = `${this.endpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations${qualifier ? `?Qualifier=${encodeURIComponent(qualifier)}` : ''}`;
    let res: Awaited<ReturnType<GuardedFetch>>;
    let text: string;
    try {
      const init: RequestInit = { method: 'POST', headers, signal: AbortSignal.timeout(this.timeoutMs) };
      if (payload !== undefined) init.body = payload;
      res = await this.fetch(url, init);
      text = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: Error };
      return failed('Lambda.SdkClientException', `Unable to execute HTTP request: ${err.cause?.message ?? err.message}`);
    }
    return lambdaResult(res.status, res.headers, text, plain);
  }
}

/** Shapes an Invoke response as the Task's result or its Lambda.* / function error (pure). */
export function lambdaResult(status: number, headers: ResponseHeaders, text: string, plain: boolean): InvokeResult {
  if (status >= 300) {
    // A Lambda service error: its type names the error (Lambda.ResourceNotFoundException, ...).
    let type = headers.get('x-amzn-errortype')?.split(':')[0];
    let message = text;
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      type ??= (body.Type === 'User' || body.Type === 'Service' ? undefined : (body.Type as string)) ?? (body.__type as string | undefined)?.split('#').pop();
      message = String(body.message ?? body.Message ?? text);
    } catch {
      // not JSON: the text is the message
    }
    type ??= status >= 500 ? 'ServiceException' : 'AWSLambdaException';
    return failed(`Lambda.${type}`, `${message} (Service: Lambda, Status Code: ${status})`);
  }
  const functionError = headers.get('x-amz-function-error');
  if (functionError) {
    // A function error: the errorType it reports is the error, its whole answer the cause.
    let error = 'Lambda.Unknown';
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      if (typeof body.errorType === 'string') error = body.errorType;
      else if (typeof body.errorMessage === 'string') error = 'Exception';
    } catch {
      // keep Lambda.Unknown
    }
    return failed(error, text);
  }
  let parsed: unknown = text === '' ? null : text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // a payload that is not JSON stays text
  }
  if (plain) return { kind: 'succeeded', output: parsed };
  const output: Record<string, unknown> = {
    ExecutedVersion: headers.get('x-amz-executed-version') ?? '$LATEST',
    Payload: parsed,
    SdkHttpMetadata: { HttpHeaders: Object.fromEntries(headers.entries()), HttpStatusCode: status },
    SdkResponseMetadata: { RequestId: headers.get('x-amzn-requestid') ?? '' },
    StatusCode: status,
  };
  const log = headers.get('x-amz-log-result');
  if (log) output.LogResult = log;
  return { kind: 'succeeded', output };
}
