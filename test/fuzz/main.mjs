// `npm run fuzz -- [--n N] [--seed S] [--concurrency C] [--keep]`: builds, starts a redis-server,
// an api (with SigV4 on) and a worker of its own, makes a baseline, fuzzes, checks, and exits 1
// on any finding. `--endpoint URL` fuzzes a running RedStep instead (unsigned unless
// --access-key/--secret-key/--region name a key it accepts).
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Fleet } from '../soak/apps.mjs';
import { freePort } from '../soak/net.mjs';
import { startRedis } from '../soak/redis.mjs';
import { createBaseline, fuzz, snapshotBaseline, stillRuns } from './fuzz.mjs';

const HELP = `npm run fuzz -- [--n 100000] [--seed N] [--concurrency 8] [--keep]
       npm run fuzz -- --endpoint http://host:port [--access-key K --secret-key S --region R]`;

function options(argv) {
  const o = { n: 10_000, seed: Math.floor(Math.random() * 1e9), concurrency: 8, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--n') o.n = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--concurrency') o.concurrency = Number(v());
    else if (a === '--endpoint') o.endpoint = v();
    else if (a === '--access-key') o.accessKey = v();
    else if (a === '--secret-key') o.secretKey = v();
    else if (a === '--region') o.region = v();
    else if (a === '--keep') o.keep = true;
    else {
      console.log(HELP);
      process.exit(a === '--help' ? 0 : 2);
    }
  }
  return o;
}

const o = options(process.argv.slice(2));
const say = (m) => console.log(`[fuzz] ${m}`);
let fleet;
let redis;
let dir;
let exits = 0;
let endpoint = o.endpoint;
let credential = o.accessKey ? { accessKeyId: o.accessKey, secretAccessKey: o.secretKey } : undefined;
/** Self-hosted, a second account's credential: some requests are its, aimed at the first's resources. */
let other;
const region = o.region ?? 'us-east-1';

if (!endpoint) {
  dir = mkdtempSync(join(tmpdir(), 'redstep-fuzz-'));
  credential = { accessKeyId: 'AKIAFUZZ', secretAccessKey: 'fuzz-secret', accountId: '123456789012' };
  other = { credential: { accessKeyId: 'AKIAFUZZOTHER', secretAccessKey: 'other-secret', accountId: '210987654321' }, region };
  writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ credentials: [credential, other.credential] }));
  const redisPort = await freePort();
  redis = await startRedis({ dir: join(dir, 'redis'), port: redisPort });
  fleet = new Fleet({ logDir: dir, onUnexpectedExit: (p, code, signal) => (exits++, say(`${p.id} exited (${code ?? signal})`)) });
  const env = { REDIS_URL: `redis://127.0.0.1:${redisPort}`, SFN_CREDENTIALS_FILE: join(dir, 'credentials.json'), EXECUTION_RETENTION_DAYS: '90' };
  const port = await freePort();
  await fleet.start('api', { ...env, PORT: String(port), HOST: '127.0.0.1' });
  await fleet.start('worker', { ...env, METRICS_PORT: '0' });
  endpoint = `http://127.0.0.1:${port}`;
}

say(`seed ${o.seed}, ${o.n} requests, concurrency ${o.concurrency}, against ${endpoint}${credential ? ' (signed)' : ''}`);
const opts = { credential, region };
const baseline = await createBaseline(endpoint, opts);
const before = await snapshotBaseline(endpoint, baseline, opts);
const started = Date.now();
const stats = await fuzz({ endpoint, n: o.n, seed: o.seed, concurrency: o.concurrency, ...opts, other, progress: (s) => say(`${s.sent} sent, ${s.findings.length} findings`) });
const seconds = (Date.now() - started) / 1000;
say(`${stats.sent} requests in ${seconds.toFixed(1)} s (${Math.round(stats.sent / seconds)}/s)`);
say(`by status: ${JSON.stringify(stats.byStatus)}`);
say(`by kind: ${JSON.stringify(stats.byMode)}${other ? `; ${stats.foreign} from a second account` : ''}`);
const after = await snapshotBaseline(endpoint, baseline, opts).catch((e) => ({ error: String(e) }));
const intact = isDeepStrictEqual(before, after);
const runs = await stillRuns(endpoint, baseline, opts).catch((e) => String(e));
for (const f of stats.findings.slice(0, 20)) say(`finding: ${JSON.stringify(f)}`);
say(`findings: ${stats.findings.length}; baseline ${intact ? 'intact' : 'CHANGED'}; a new execution ${runs}; unexpected exits ${exits}`);
if (!intact) say(`before: ${JSON.stringify(before).slice(0, 2000)}\nafter: ${JSON.stringify(after).slice(0, 2000)}`);
const failed = stats.findings.length > 0 || !intact || runs !== 'SUCCEEDED' || exits > 0;
if (fleet) {
  if (failed) for (const p of fleet.all) say(`${p.id} log tail:\n${readFileSync(p.logPath, 'utf8').slice(-4000)}`);
  await fleet.stopAll();
  await redis.kill();
  if (failed || o.keep) say(`logs and AOF kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
