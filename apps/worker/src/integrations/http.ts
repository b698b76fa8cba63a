import { readFileSync } from 'node:fs';
import type { RequestInit } from 'undici';
import type { GuardedFetch, ResponseHeaders } from './egress-guard.js';
import { failed, requestObject, type Integration, type InvokeCall, type InvokeResult } from './types.js';

/**
 * How a ConnectionArn authenticates, from the SFN_HTTP_CONNECTIONS file: the EventBridge
 * connection's authorization, plus the extra parameters a connection may add to every call.
 */
export interface ConnectionAuth {
  Basic?: { Username: string; Password: string };
  ApiKey?: { ApiKeyName: string; ApiKeyValue: string };
  /** A bearer token (stands in for OAuth client credentials, which need a token endpoint). */
  Bearer?: { Token: string };
  InvocationHttpParameters?: {
    HeaderParameters?: { Key: string; Value: string }[];
    QueryStringParameters?: { Key: string; Value: string }[];
    BodyParameters?: { Key: string; Value: string }[];
  };
}

export function loadConnections(path: string | undefined): Record<string, ConnectionAuth> {
  if (!path) return {};
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const connections = requestObject(parsed);
  if (!connections) throw new Error(`SFN_HTTP_CONNECTIONS: ${path} must hold a JSON object of ConnectionArn -> authentication`);
  return connections as Record<string, ConnectionAuth>;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A request the HTTP Task's parameters do not allow: the Task fails with States.Runtime's cause. */
export class HttpParameterError extends Error {}

/** Builds the call from the Task's parameters (pure). */
export function buildHttpRequest(params: unknown, connections: Record<string, ConnectionAuth>): HttpRequest {
  const p = requestObject(params);
  if (!p) throw new HttpParameterError('The HTTP Task parameters must be a JSON object.');
  const endpoint = p.ApiEndpoint;
  if (typeof endpoint !== 'string') throw new HttpParameterError("The field 'ApiEndpoint' is required and must be a string.");
  const method = typeof p.Method === 'string' ? p.Method.toUpperCase() : undefined;
  if (!method || !METHODS.has(method)) throw new HttpParameterError(`The field 'Method' must be one of ${[...METHODS].join(', ')}.`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new HttpParameterError(`The ApiEndpoint '${endpoint}' is not a valid URL.`);
  }
  const transform = requestObject(p.Transform) ?? {};
  const arrayFormat = String(requestObject(transform.RequestEncodingOptions)?.ArrayFormat ?? 'INDICES');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(requestObject(p.Headers) ?? {})) headers[k.toLowerCase()] = String(v);
  for (const [k, v] of Object.entries(requestObject(p.QueryParameters) ?? {})) url.searchParams.append(k, String(v));

  let bodyValue: unknown = p.RequestBody;
  const connectionArn = requestObject(p.Authentication)?.ConnectionArn;
  const auth = typeof connectionArn === 'string' ? connections[connectionArn] : undefined;
  if (auth) {
    if (auth.Basic) headers.authorization = `Basic ${Buffer.from(`${auth.Basic.Username}:${auth.Basic.Password}`).toString('base64')}`;
    if (auth.ApiKey) headers[auth.ApiKey.ApiKeyName.toLowerCase()] = auth.ApiKey.ApiKeyValue;
    if (auth.Bearer) headers.authorization = `Bearer ${auth.Bearer.Token}`;
    const extra = auth.InvocationHttpParameters ?? {};
    for (const { Key, Value } of extra.HeaderParameters ?? []) headers[Key.toLowerCase()] ??= Value;
    for (const { Key, Value } of extra.QueryStringParameters ?? []) if (!url.searchParams.has(Key)) url.searchParams.append(Key, Value);
    if (extra.BodyParameters?.length && (bodyValue === undefined || requestObject(bodyValue))) {
      const merged: Record<string, unknown> = { ...(requestObject(bodyValue) ?? {}) };
      for (const { Key, Value } of extra.BodyParameters) merged[Key] ??= Value;
      bodyValue = merged;
    }
  }

  const request: HttpRequest = { url: url.toString(), method, headers };
  if (bodyValue !== undefined && method !== 'GET' && method !== 'HEAD') {
    if (transform.RequestBodyEncoding === 'URL_ENCODED') {
      const body = requestObject(bodyValue);
      if (!body) throw new HttpParameterError('A URL_ENCODED RequestBody must be a JSON object.');
      request.body = urlEncode(body, arrayFormat);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (typeof bodyValue === 'string') {
      request.body = bodyValue;
      headers['content-type'] ??= 'text/plain';
    } else {
      request.body = JSON.stringify(bodyValue);
      headers['content-type'] ??= 'application/json';
    }
  }
  return request;
}

/** x-www-form-urlencoded with AWS's array formats: INDICES a[0]=x, REPEAT a=x&a=y, COMMAS a=x,y, BRACKETS a[]=x. */
export function urlEncode(body: Record<string, unknown>, arrayFormat: string): string {
  const pairs: [string, string][] = [];
  const scalar = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  for (const [key, value] of Object.entries(body)) {
    if (!Array.isArray(value)) {
      pairs.push([key, scalar(value)]);
      continue;
    }
    switch (arrayFormat) {
      case 'REPEAT':
        for (const v of value) pairs.push([key, scalar(v)]);
        break;
      case 'COMMAS':
        pairs.push([key, value.map(scalar).join(',')]);
        break;
      case 'BRACKETS':
        for (const v of value) pairs.push([`${key}[]`, scalar(v)]);
        break;
      default:
        value.forEach((v, i) => pairs.push([`${key}[${i}]`, scalar(v)]));
    }
  }
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** The Task's result: headers (each a list of values), the body (parsed when JSON), status code and text. */
export function httpOutput(status: number, statusText: string, headers: ResponseHeaders, text: string): Record<string, unknown> {
  const out: Record<string, string[]> = {};
  headers.forEach((value, name) => {
    out[name] = name === 'set-cookie' ? headers.getSetCookie() : [value];
  });
  let body: unknown = text;
  if (text !== '' && /json/i.test(headers.get('content-type') ?? '')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const result: Record<string, unknown> = { Headers: out, StatusCode: status, StatusText: statusText };
  if (text !== '') result.ResponseBody = body;
  return result;
}

/** `arn:aws:states:::http:invoke`: non-2xx answers fail with States.Http.StatusCode.<code>, transport failures with States.Http.Socket. */
export class HttpIntegration implements Integration {
  readonly patterns = [] as const;

  constructor(
    private readonly connections: Record<string, ConnectionAuth>,
    private readonly timeoutMs: number,
    private readonly fetch: GuardedFetch,
  ) {}

  async invoke(call: InvokeCall): Promise<InvokeResult> {
    let request: HttpRequest;
    try {
      request = buildHttpRequest(call.request, this.connections);
    } catch (e) {
      if (e instanceof HttpParameterError) return failed('States.Runtime', e.message);
      throw e;
    }
    let res: Awaited<ReturnType<GuardedFetch>>;
    let text: string;
    try {
      const init: RequestInit = { method: request.method, headers: request.headers, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'manual' };
      if (request.body !== undefined) init.body = request.body;
      res = await this.fetch(request.url, init);
      text = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: Error };
      const why = err.name === 'TimeoutError' ? `The request timed out after ${this.timeoutMs / 1000} seconds.` : (err.cause?.message ?? err.message);
      return failed('States.Http.Socket', `Call to ${request.url} failed: ${why}`);
    }
    const output = httpOutput(res.status, res.statusText, res.headers, text);
    if (res.status < 200 || res.status > 299) return failed(`States.Http.StatusCode.${res.status}`, JSON.stringify(output));
    return { kind: 'succeeded', output };
  }
}
