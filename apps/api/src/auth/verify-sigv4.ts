import { createHash, createHmac, timingSafeEqual, type BinaryLike, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
  UnrecognizedClientException,
} from '@redstep/core';
import type { Credential } from './credentials-file.js';

/** The service name every signature must be scoped to. */
export const SIGNING_SERVICE = 'states';
const ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS accepts signing times this far from its own clock, either way. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

/** Who signed a request: the credential's account and the region the signature is scoped to. */
export interface Caller {
  accessKeyId: string;
  accountId: string;
  region: string;
}

/** What the verifier reads of a request. */
export interface SignedRequest {
  method: string;
  /** The request target: a path with an optional query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface AuthorizationHeader {
  algorithm: string;
  credential: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Verifies a header-signed SigV4 request (the form every AWS SDK and the CLI send) for the
 * `states` service in any region, in the order AWS checks: the header's presence and form, the
 * signing time (15 minutes either way), Host among the signed headers, the algorithm, the
 * credential scope, the access key, the signature (recalculated with @smithy/signature-v4 from
 * the received method, path, query, signed headers and body, compared in constant time), then
 * the session token. Throws the AWS error of the first check that fails.
 */
export async function verifySigV4(req: SignedRequest, lookup: (accessKeyId: string) => Credential | undefined, now: number): Promise<Caller> {
  const auth = header(req.headers, 'authorization');
  if (auth === undefined || !auth.trimStart().startsWith('AWS4-')) throw new MissingAuthenticationTokenException();
  const amzDate = header(req.headers, 'x-amz-date') ?? header(req.headers, 'date');
  const parsed = parseAuthorization(auth, amzDate !== undefined);
  const signedAt = parseBasicDate(amzDate!);
  checkSkew(amzDate!, signedAt, now);
  if (!parsed.signedHeaders.includes('host')) throw new InvalidSignatureException("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (parsed.algorithm !== ALGORITHM) throw new IncompleteSignatureException(`Unsupported AWS 'algorithm': '${parsed.algorithm}' (only ${ALGORITHM} for now). `);
  const scope = parseScope(parsed.credential, amzDate!);
  const credential = lookup(scope.accessKeyId);
  if (!credential) throw new UnrecognizedClientException();
  const expected = await expectedSignature(req, parsed.signedHeaders, credential, scope.region, signedAt);
  if (!SIGNATURE.test(parsed.signature) || expected.length !== parsed.signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(parsed.signature)) || !payloadHashMatches(req)) {
    throw new InvalidSignatureException(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  checkSessionToken(header(req.headers, 'x-amz-security-token'), credential);
  return { accessKeyId: credential.accessKeyId, accountId: credential.accountId, region: scope.region };
}

/**
 * A header's value; node joins repeated headers with ", ", as SigV4's canonical form does. Own
 * members only: the client names the headers (SignedHeaders), and `constructor` is not one.
 */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = Object.hasOwn(headers, name) ? headers[name] : undefined;
  return Array.isArray(v) ? v.join(', ') : v;
}

/** `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b, Signature=hex`, refused part by part as AWS does. */
function parseAuthorization(auth: string, hasDate: boolean): AuthorizationHeader {
  const trimmed = auth.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const params: Record<string, string> = {};
  if (space >= 0) {
    for (const part of trimmed.slice(space).split(',')) {
      const pair = part.trim();
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq < 0) throw new IncompleteSignatureException(`'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'.`);
      params[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  let missing = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params[name]) missing += `Authorization header requires '${name}' parameter. `;
  }
  if (!hasDate) missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (missing) throw new IncompleteSignatureException(`${missing}Authorization=${auth}`);
  return {
    algorithm,
    credential: params.Credential!,
    signedHeaders: params.SignedHeaders!.split(';').map((h) => h.trim().toLowerCase()),
    signature: params.Signature!,
  };
}

function parseBasicDate(raw: string): Date {
  const m = BASIC_DATE.exec(raw);
  const at = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
  if (!at || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z' !== raw) {
    throw new IncompleteSignatureException(`Date must be in ISO-8601 'basic format'. Got '${raw}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  return at;
}

const basic = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function checkSkew(raw: string, signedAt: Date, now: number): void {
  const t = signedAt.getTime();
  if (t < now - MAX_SKEW_MS) {
    throw new InvalidSignatureException(`Signature expired: ${raw} is now earlier than ${basic(now - MAX_SKEW_MS)} (${basic(now)} - 15 min.)`);
  }
  if (t > now + MAX_SKEW_MS) {
    throw new InvalidSignatureException(`Signature not yet current: ${raw} is still later than ${basic(now + MAX_SKEW_MS)} (${basic(now)} + 15 min.)`);
  }
}

/** `<key>/<yyyymmdd>/<region>/states/aws4_request`: every fault of the scope in one message. */
function parseScope(credential: string, amzDate: string): { accessKeyId: string; region: string } {
  const parts = credential.replace(/\/+$/, '').split('/');
  if (parts.length !== 5) {
    throw new IncompleteSignatureException(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  let faults = '';
  if (!REGION.test(region)) faults += `Credential should be scoped to a valid region, not '${region}'. `;
  if (service !== SIGNING_SERVICE) faults += `Credential should be scoped to correct service: '${SIGNING_SERVICE}'. `;
  if (terminator !== 'aws4_request') faults += `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
  if (date !== amzDate.slice(0, 8)) faults += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`;
  if (faults) throw new InvalidSignatureException(faults.trimEnd());
  return { accessKeyId, region };
}

/** The signature @smithy/signature-v4 makes of this request with the credential's secret. */
async function expectedSignature(req: SignedRequest, signedHeaders: string[], credential: Credential, region: string, signedAt: Date): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = header(req.headers, name);
    // A header signed but not sent has no value to sign: no signature can match.
    if (value === undefined) return '';
    headers[name] = value;
  }
  const url = new URL(req.url, 'http://localhost');
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Not percent-encoded UTF-8: signed as received (the signature will not match).
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prior = query[k];
    query[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
  }
  // The session token header, when signed, is among `headers` already: the signer must not add its own.
  const signer = new SignatureV4({
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    region,
    service: SIGNING_SERVICE,
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: headers.host ?? '', path, query, headers, body: req.body },
    { signingDate: signedAt, signableHeaders: new Set(signedHeaders) },
  );
  return /Signature=([0-9a-f]+)/.exec(signed.headers.authorization ?? '')?.[1] ?? '';
}

/**
 * A client may send the body's hash in X-Amz-Content-Sha256; the signer trusts that header, so
 * it must be the hash of the body actually received.
 */
function payloadHashMatches(req: SignedRequest): boolean {
  const claimed = header(req.headers, 'x-amz-content-sha256');
  if (claimed === undefined) return true;
  const actual = createHash('sha256').update(req.body).digest('hex');
  return claimed.length === actual.length && timingSafeEqual(Buffer.from(claimed), Buffer.from(actual));
}

/** A credential with a session token needs it on every request; one without takes none. */
function checkSessionToken(sent: string | undefined, credential: Credential): void {
  const expected = credential.sessionToken;
  if (expected === undefined && sent === undefined) return;
  if (expected !== undefined && sent !== undefined) {
    const a = createHash('sha256').update(sent).digest();
    const b = createHash('sha256').update(expected).digest();
    if (timingSafeEqual(a, b)) return;
  }
  throw new UnrecognizedClientException();
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): BinaryLike =>
  typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape @smithy/signature-v4 asks for. */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}
