import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
// @ts-expect-error: the fuzzer is plain JavaScript, shared with `npm run fuzz`.
import { createBaseline, fuzz, snapshotBaseline, stillRuns } from '../fuzz/fuzz.mjs';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

/** Small in `npm test` (FUZZ_N, FUZZ_SEED to change); `npm run fuzz -- --n 100000` runs it at full size. */
const N = Number(process.env.FUZZ_N ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const credential = { accessKeyId: 'AKIAFUZZTEST', secretAccessKey: 'fuzz-secret', accountId: '123456789012' };
/** A second account: some fuzzed requests are its, aimed at the first account's resources. */
const otherCredential = { accessKeyId: 'AKIAFUZZOTHER', secretAccessKey: 'other-secret', accountId: '210987654321' };
const opts = { credential, region: 'us-east-1' };

let redis: TestRedis;
let dir: string;
let api: AppProcess & { endpoint: string };
let worker: AppProcess;

beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'redstep-fuzz-'));
  writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ credentials: [credential, otherCredential] }));
  const env = { ...redis.env, SFN_CREDENTIALS_FILE: join(dir, 'credentials.json') };
  api = await startApiProcess(redis.url, env);
  worker = await startWorkerProcess(redis.url, env);
});

afterAll(async () => {
  await Promise.all([api?.kill(), worker?.kill()]);
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test(`${N} fuzzed requests (seed ${SEED}): no 5xx, no crash, no bad signature let in, no account crossed, the baseline intact`, async () => {
  const baseline = await createBaseline(api.endpoint, opts);
  const before = await snapshotBaseline(api.endpoint, baseline, opts);
  const stats = await fuzz({ endpoint: api.endpoint, n: N, seed: SEED, ...opts, other: { credential: otherCredential, region: 'us-east-1' } });
  expect(stats.findings, JSON.stringify(stats.findings.slice(0, 5), null, 1)).toEqual([]);
  expect(stats.sent).toBe(N);
  expect(stats.foreign).toBeGreaterThan(0);
  expect(api.child.exitCode).toBeNull();
  expect(worker.child.exitCode).toBeNull();
  expect(await snapshotBaseline(api.endpoint, baseline, opts)).toEqual(before);
  expect(await stillRuns(api.endpoint, baseline, opts)).toBe('SUCCEEDED');
}, 300_000);
