/**
 * The console's client of the Step Functions JSON API: `POST /` on the page's own origin with
 * `X-Amz-Target: AWSStepFunctions.<Action>`, exactly what any AWS SDK sends. With credentials
 * (asked for when the api answers that it wants a signature) every request is signed with
 * SigV4 in the browser; they are kept in sessionStorage only, so they end with the tab.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
}

const STORAGE_KEY = 'redstep.console.credentials';

/** The error an API call answered: AWS's `__type` and `message`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }

  /** The api wants a (valid) signature: the console asks for credentials. */
  get isAuth(): boolean {
    return /^(MissingAuthenticationToken|UnrecognizedClient|InvalidSignature|IncompleteSignature|AccessDenied)/.test(this.code);
  }
}

export function loadCredentials(): Credentials | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Credentials) : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredentials(c: Credentials | undefined): void {
  if (c) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(c));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** Called when a request is refused for want of a signature: the app shows the sign-in form. */
let onAuthNeeded: (err: ApiError) => void = () => {};
export function whenAuthNeeded(fn: (err: ApiError) => void): void {
  onAuthNeeded = fn;
}

async function signedHeaders(c: Credentials, headers: Record<string, string>, body: string): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'states',
    region: c.region,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken || undefined },
    sha256: Sha256,
  });
  const url = new URL(location.href);
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: '/',
    query: {},
    headers: { ...headers, host: url.host },
    body,
  });
  // The browser sets Host itself (to the same value): fetch may not.
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') out[k] = v;
  return out;
}

/** Calls one action; resolves to its answer, or rejects with an ApiError. */
export async function call<T = Record<string, unknown>>(action: string, input: object = {}): Promise<T> {
  const body = JSON.stringify(input);
  let headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` };
  const creds = loadCredentials();
  if (creds) headers = await signedHeaders(creds, headers, body);
  let res: Response;
  try {
    res = await fetch('/', { method: 'POST', headers, body });
  } catch (e) {
    throw new ApiError('NetworkError', `the api did not answer: ${String(e)}`, 0);
  }
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    throw new ApiError('BadResponse', text.slice(0, 200), res.status);
  }
  if (!res.ok) {
    const type = String(res.headers.get('x-amzn-errortype') ?? json['__type'] ?? 'UnknownError');
    const code = type.split(':')[0]!.split('#').pop()!;
    const err = new ApiError(code, String(json['message'] ?? json['Message'] ?? res.statusText), res.status);
    if (err.isAuth) onAuthNeeded(err);
    throw err;
  }
  return json as T;
}

/** Every page of a list action, concatenated (bounded, so a runaway list cannot hang the page). */
export async function callAll<T>(action: string, input: object, key: string, maxPages = 50): Promise<T[]> {
  const out: T[] = [];
  let nextToken: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await call<Record<string, unknown>>(action, { ...input, ...(nextToken ? { nextToken } : {}) });
    out.push(...((page[key] as T[] | undefined) ?? []));
    nextToken = page['nextToken'] as string | undefined;
    if (!nextToken) break;
  }
  return out;
}
