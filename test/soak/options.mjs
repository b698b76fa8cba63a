// Command-line flags (or SOAK_* environment variables) of the chaos soak.
const HELP = `npm run chaos -- [options]

  --executions N      executions to start (SOAK_EXECUTIONS, default 300)
  --duration S        seconds of workload and faults (SOAK_DURATION, default 150)
  --settle S          seconds allowed after the faults stop for every execution to end (SOAK_SETTLE, default 120)
  --workers N         worker processes (SOAK_WORKERS, default 3)
  --latency-ms N      latency the proxy adds per chunk, each direction, workers <-> Redis (SOAK_LATENCY_MS, default 3)
  --api-latency-ms N  the same between the api and Redis (SOAK_API_LATENCY_MS, default: --latency-ms)
  --pollers N         concurrent GetActivityTask long polls (SOAK_POLLERS, default 6)
  --seed N            seed of every random choice: workload and fault schedule (SOAK_SEED, default random)
  --redis-kills N     Redis SIGKILLs per run (SOAK_REDIS_KILLS, default 3)
  --no-redis-kill     never kill Redis (same as --redis-kills 0)
  --no-faults         no faults at all: checks the harness itself against a healthy system
  --fault-interval-ms A-B  pause between faults, uniformly in [A, B] ms (default 3000-8000)
  --root DIR          the RedStep checkout whose built apps (apps/*/dist/main.js) run (SOAK_ROOT, default: this one)
  --worker-log-level L  LOG_LEVEL of the workers (SOAK_WORKER_LOG_LEVEL, default debug: a line per committed step)
  --api-log-level L   LOG_LEVEL of the api (SOAK_API_LOG_LEVEL, default info)
  --keep              keep the temp dir (Redis AOF, process logs) even when the run passes
`;

export function parseOptions(argv = process.argv.slice(2), env = process.env) {
  const o = {
    executions: num(env.SOAK_EXECUTIONS, 300),
    duration: num(env.SOAK_DURATION, 150),
    settle: num(env.SOAK_SETTLE, 120),
    workers: num(env.SOAK_WORKERS, 3),
    latencyMs: num(env.SOAK_LATENCY_MS, 3),
    apiLatencyMs: env.SOAK_API_LATENCY_MS === undefined ? undefined : num(env.SOAK_API_LATENCY_MS, 3),
    pollers: num(env.SOAK_POLLERS, 6),
    seed: env.SOAK_SEED === undefined ? Math.floor(Math.random() * 1e9) : num(env.SOAK_SEED, 1),
    redisKills: num(env.SOAK_REDIS_KILLS, 3),
    faults: true,
    faultInterval: [3000, 8000],
    keep: false,
    root: env.SOAK_ROOT || undefined,
    workerLogLevel: env.SOAK_WORKER_LOG_LEVEL || 'debug',
    apiLogLevel: env.SOAK_API_LOG_LEVEL || 'info',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--executions': o.executions = num(value()); break;
      case '--duration': o.duration = num(value()); break;
      case '--settle': o.settle = num(value()); break;
      case '--workers': o.workers = num(value()); break;
      case '--latency-ms': o.latencyMs = num(value()); break;
      case '--api-latency-ms': o.apiLatencyMs = num(value()); break;
      case '--pollers': o.pollers = num(value()); break;
      case '--seed': o.seed = num(value()); break;
      case '--redis-kills': o.redisKills = num(value()); break;
      case '--no-redis-kill': o.redisKills = 0; break;
      case '--no-faults': o.faults = false; break;
      case '--fault-interval-ms': {
        const m = /^(\d+)-(\d+)$/.exec(value());
        if (!m || Number(m[1]) > Number(m[2])) throw new Error('--fault-interval-ms takes A-B, A <= B');
        o.faultInterval = [Number(m[1]), Number(m[2])];
        break;
      }
      case '--keep': o.keep = true; break;
      case '--root': o.root = value(); break;
      case '--worker-log-level': o.workerLogLevel = value(); break;
      case '--api-log-level': o.apiLogLevel = value(); break;
      case '--help': case '-h': process.stdout.write(HELP); process.exit(0); break;
      default: throw new Error(`unknown option ${argv[i]}\n\n${HELP}`);
    }
  }
  o.apiLatencyMs ??= o.latencyMs;
  if (o.executions < 1 || o.workers < 1 || o.pollers < 1 || o.duration < 10) throw new Error('need --executions >= 1, --workers >= 1, --pollers >= 1, --duration >= 10');
  if (!o.faults) o.redisKills = 0;
  return o;
}

function num(raw, fallback) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a non-negative number: '${raw}'`);
  return n;
}

/** mulberry32: a small seeded PRNG, so a seed replays the same workload and fault choices. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (weighted) => {
      const total = weighted.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [v, w] of weighted) if ((r -= w) < 0) return v;
      return weighted[weighted.length - 1][0];
    },
  };
}
