// The request fuzzer: seeded requests over every action of the service model, model-shaped and
// malformed, signed and badly signed, against a running endpoint. What it checks: no answer is a
// 5xx, none is missing (a crash or a hang), a bad signature never gets in, and a baseline of
// resources created before the fuzz describes exactly the same after it.
import { request, Agent } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../apps/api/dist/auth/verify-sigv4.js';
import { rng } from '../soak/options.mjs';
import { definitions, generator, loadModel } from './generate.mjs';

const POOL_MAX = 40;
/** A GetActivityTask with nothing to hand out waits 60 s: the fuzzer hangs up sooner, as pollers may. */
const POLL_HANG_UP_MS = 1_000;
const ANSWER_TIMEOUT_MS = 30_000;
const ARN_FIELDS = ['stateMachineArn', 'executionArn', 'activityArn', 'stateMachineVersionArn', 'stateMachineAliasArn', 'mapRunArn'];

/**
 * A caller of one endpoint: `call(action, body)` answers `{ status, json, text }`; with a
 * credential every request is SigV4-signed as the SDKs sign it, and `mode` spoils the signature.
 */
export function caller(endpoint, { credential, region = 'us-east-1' } = {}) {
  const url = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const signer = (secretAccessKey, accessKeyId = credential.accessKeyId) =>
    new SignatureV4({ credentials: { accessKeyId, secretAccessKey, sessionToken: credential.sessionToken }, region, service: 'states', sha256: NodeSha256 });
  async function headersFor(action, text, mode) {
    const headers = { host: url.host, 'content-type': 'application/x-amz-json-1.0' };
    if (action !== undefined) headers['x-amz-target'] = `AWSStepFunctions.${action}`;
    if (!credential || mode === 'unsigned') return headers;
    const at = mode === 'expired' ? new Date(Date.now() - 20 * 60_000) : new Date();
    const s = mode === 'wrongSecret' ? signer('not-the-secret') : mode === 'unknownKey' ? signer(credential.secretAccessKey, 'AKIAFUZZUNKNOWN') : signer(credential.secretAccessKey);
    const signed = await s.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers, body: text }, { signingDate: at });
    const out = { ...signed.headers };
    if (mode === 'garbage') out.authorization = `AWS4-HMAC-SHA256 ${'Credential=x, '.repeat(3)}Signature`;
    if (mode === 'noDate') delete out['x-amz-date'];
    if (mode === 'oddSignedHeaders') out.authorization = out.authorization.replace('SignedHeaders=', 'SignedHeaders=constructor;__proto__;x-absent;');
    return out;
  }
  async function call(action, text, { mode = 'signed', tamper, timeoutMs = ANSWER_TIMEOUT_MS } = {}) {
    const headers = await headersFor(action, text, mode);
    const body = tamper ?? text;
    return new Promise((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: '/', method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const t = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(t);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, json, text: t });
        });
        res.on('error', (e) => resolve({ status: 0, error: String(e) }));
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ status: 0, error: e.message }));
      req.end(body);
    });
  }
  return { call, json: async (action, body) => call(action, JSON.stringify(body)), close: () => agent.destroy() };
}

/** Adds what an answer names (ARNs, tokens) to the pool the generator draws from; never the baseline's. */
function harvest(pool, out) {
  const add = (list, v) => {
    if (typeof v !== 'string' || v.includes('baseline-') || list.includes(v)) return;
    if (list.length >= POOL_MAX) list.splice(Math.floor(Math.random() * list.length), 1);
    list.push(v);
  };
  const visit = (o) => {
    if (!o || typeof o !== 'object') return;
    if (Array.isArray(o)) return o.forEach(visit);
    for (const f of ARN_FIELDS) {
      const v = o[f];
      if (typeof v !== 'string') continue;
      const bucket = f === 'executionArn' ? pool.executions : f === 'activityArn' ? pool.activities : f === 'mapRunArn' ? pool.mapRuns : f === 'stateMachineVersionArn' ? pool.versions : f === 'stateMachineAliasArn' ? pool.aliases : /:stateMachine:[^:]+:[^:]+$/.test(v) ? pool.versions : pool.stateMachines;
      add(bucket, v);
    }
    add(pool.tokens, o.taskToken);
    add(pool.pageTokens, o.nextToken);
    add(pool.revisions, o.revisionId);
    for (const v of Object.values(o)) if (v && typeof v === 'object') visit(v);
  };
  visit(out);
}

const BAD_SIGNATURES = ['unsigned', 'garbage', 'wrongSecret', 'unknownKey', 'expired', 'noDate', 'oddSignedHeaders', 'tampered'];

/** ARN fields of an answer (at any depth) that name the given account. */
function namesAccount(out, account) {
  if (!out || typeof out !== 'object') return false;
  if (Array.isArray(out)) return out.some((o) => namesAccount(o, account));
  if (ARN_FIELDS.some((f) => typeof out[f] === 'string' && out[f].split(':')[4] === account)) return true;
  return Object.values(out).some((v) => v && typeof v === 'object' && namesAccount(v, account));
}

/**
 * Sends `n` seeded requests, `concurrency` at a time. Answers `{ sent, byStatus, byMode,
 * foreign, findings }`: a finding is a 5xx, a request that got no answer, or a badly signed
 * request let in. With `other` (a credential of another account, and its region), some requests
 * are that account's, drawing on the same pool of ARNs and tokens: an answer to it that names an
 * ARN of the first account is a finding too (accounts must never cross).
 */
export async function fuzz({ endpoint, n, seed, credential, region, other, concurrency = 8, progress = () => {} }) {
  const model = loadModel();
  const r = rng(seed);
  const api = caller(endpoint, { credential, region });
  const otherApi = other ? caller(endpoint, other) : undefined;
  const pool = { stateMachines: [], executions: [], activities: [], versions: [], aliases: [], mapRuns: [], tokens: [], pageTokens: [], revisions: [], definitions: [] };
  const seedActivity = await api.json('CreateActivity', { name: `fz-seed-${seed}` });
  if (seedActivity.status !== 200) throw new Error(`the fuzzer could not create its activity: ${seedActivity.status} ${seedActivity.text}`);
  pool.definitions.push(...definitions(seedActivity.json.activityArn));
  harvest(pool, seedActivity.json);
  const gen = generator(model, r, pool);
  const weighted = model.actions.map((a) => [a, /^(Create|Start|Publish)/.test(a) ? 3 : a === 'GetActivityTask' ? 0.5 : 1]);
  const stats = { sent: 0, byStatus: {}, byMode: {}, foreign: 0, findings: [] };
  let next = 0;
  const one = async () => {
    const unknown = gen.chance(0.02);
    const action = unknown ? gen.pick([undefined, 'NoSuchAction', '__proto__', 'constructor', '']) : r.pick(weighted);
    const { mode, text } = unknown ? { mode: 'unknownAction', text: '{}' } : gen.body(action);
    const sig = credential && gen.chance(0.08) ? gen.pick(BAD_SIGNATURES) : 'signed';
    const tamper = sig === 'tampered' ? `${text} ` : undefined;
    const foreign = otherApi !== undefined && gen.chance(0.15);
    if (foreign) stats.foreign++;
    const res = await (foreign ? otherApi : api).call(action, text, { mode: sig === 'tampered' ? 'signed' : sig, tamper, timeoutMs: action === 'GetActivityTask' ? POLL_HANG_UP_MS : ANSWER_TIMEOUT_MS });
    stats.sent++;
    const label = sig === 'signed' ? mode : `sig:${sig}`;
    stats.byMode[label] = (stats.byMode[label] ?? 0) + 1;
    const hungUp = action === 'GetActivityTask' && res.status === 0 && res.error === 'timeout';
    const status = hungUp ? 'hung-up' : res.status;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    const badLetIn = sig !== 'signed' && res.status === 200;
    const crossed = foreign && res.status === 200 && namesAccount(res.json, credential?.accountId);
    if ((res.status === 0 && !hungUp) || res.status >= 500 || badLetIn || crossed) {
      stats.findings.push({ action: action ?? '(none)', mode: foreign ? `other:${label}` : label, status: res.status, error: res.error, answer: res.text?.slice(0, 500), body: text.slice(0, 500), bodyBytes: Buffer.byteLength(text) });
    }
    if (res.status === 200) harvest(pool, res.json);
  };
  const lanes = Array.from({ length: concurrency }, async () => {
    while (next < n) {
      next++;
      await one();
      if (stats.sent % 1000 === 0) progress(stats);
    }
  });
  await Promise.all(lanes);
  api.close();
  otherApi?.close();
  return stats;
}

// ---- the baseline: resources made before the fuzz, which must come through it unchanged ----------

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

async function ok(api, action, body) {
  const res = await api.json(action, body);
  if (res.status !== 200) throw new Error(`baseline ${action} answered ${res.status}: ${res.text}`);
  return res.json;
}

/** Creates a state machine (tagged, a version, an alias), an activity (tagged) and a finished execution. */
export async function createBaseline(endpoint, opts = {}) {
  const api = caller(endpoint, opts);
  const tag = `baseline-${Date.now().toString(36)}`;
  const definition = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { baseline: true }, End: true } } });
  const sm = await ok(api, 'CreateStateMachine', { name: tag, definition, roleArn: 'arn:aws:iam::123456789012:role/baseline', tags: [{ key: 'kept', value: 'yes' }], publish: true });
  const alias = await ok(api, 'CreateStateMachineAlias', { name: 'live', routingConfiguration: [{ stateMachineVersionArn: sm.stateMachineVersionArn, weight: 100 }] });
  const activity = await ok(api, 'CreateActivity', { name: tag, tags: [{ key: 'kept', value: 'too' }] });
  const { executionArn } = await ok(api, 'StartExecution', { stateMachineArn: sm.stateMachineArn, name: tag, input: '{"in":1}' });
  const deadline = Date.now() + 60_000;
  while (!TERMINAL.has((await ok(api, 'DescribeExecution', { executionArn })).status) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  api.close();
  return { arns: { stateMachineArn: sm.stateMachineArn, stateMachineVersionArn: sm.stateMachineVersionArn, stateMachineAliasArn: alias.stateMachineAliasArn, activityArn: activity.activityArn, executionArn } };
}

/** Everything the API says of the baseline, for comparing before and after. */
export async function snapshotBaseline(endpoint, baseline, opts = {}) {
  const api = caller(endpoint, opts);
  const a = baseline.arns;
  const snap = {
    stateMachine: await ok(api, 'DescribeStateMachine', { stateMachineArn: a.stateMachineArn }),
    version: await ok(api, 'DescribeStateMachine', { stateMachineArn: a.stateMachineVersionArn }),
    alias: await ok(api, 'DescribeStateMachineAlias', { stateMachineAliasArn: a.stateMachineAliasArn }),
    versions: await ok(api, 'ListStateMachineVersions', { stateMachineArn: a.stateMachineArn }),
    aliases: await ok(api, 'ListStateMachineAliases', { stateMachineArn: a.stateMachineArn }),
    machineTags: await ok(api, 'ListTagsForResource', { resourceArn: a.stateMachineArn }),
    activity: await ok(api, 'DescribeActivity', { activityArn: a.activityArn }),
    activityTags: await ok(api, 'ListTagsForResource', { resourceArn: a.activityArn }),
    execution: await ok(api, 'DescribeExecution', { executionArn: a.executionArn }),
    history: await ok(api, 'GetExecutionHistory', { executionArn: a.executionArn, maxResults: 1000 }),
    executions: await ok(api, 'ListExecutions', { stateMachineArn: a.stateMachineArn }),
  };
  api.close();
  return snap;
}

/** Whether the system still runs an execution to its end after the fuzz. */
export async function stillRuns(endpoint, baseline, opts = {}) {
  const api = caller(endpoint, opts);
  const { executionArn } = await ok(api, 'StartExecution', { stateMachineArn: baseline.arns.stateMachineArn, name: `after-${Date.now().toString(36)}` });
  const deadline = Date.now() + 60_000;
  let d;
  do d = await ok(api, 'DescribeExecution', { executionArn });
  while (!TERMINAL.has(d.status) && Date.now() < deadline && (await new Promise((res) => setTimeout(res, 100, true))));
  api.close();
  return d.status;
}
