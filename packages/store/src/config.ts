import { isIP } from 'node:net';

/**
 * Configuration, parsed once from the environment and passed down; nothing else reads
 * process.env. Every variable here is documented in the README's table.
 */
export interface Config {
  /**
   * Redis to use; absent in one-process mode, which starts its own redis-server. In cluster
   * mode the seed nodes, in sentinel mode the sentinels, comma-separated.
   */
  redisUrl?: string;
  /** How REDIS_URL is reached (REDIS_MODE). */
  redisMode: RedisMode;
  /** The master's name in sentinel mode (REDIS_SENTINEL_NAME). */
  sentinelName?: string;
  /**
   * How many shards executions are spread over (REDSTEP_SHARDS), fixed when the data is first
   * created; absent: the count the data was created with, or DEFAULT_SHARDS for new data.
   */
  shards?: number;
  port: number;
  host: string;
  accountId: string;
  region: string;
  dataDir: string;
  redisServerBin: string;
  workerConcurrency: number;
  /** The worker's /metrics, /healthz and /readyz listener; 0 turns it off. */
  metricsPort: number;
  logLevel: string;
  /** Step Functions Local mock configuration file (SFN_MOCK_CONFIG); executions on `<arn>#<TestCase>` use it. */
  mockConfigPath?: string;
  /** Time-out of one HTTP Task call (SFN_HTTP_TIMEOUT_SECONDS), in ms. */
  httpTimeoutMs: number;
  /** JSON file of ConnectionArn -> authentication for HTTP Tasks (SFN_HTTP_CONNECTIONS). */
  httpConnectionsPath?: string;
  /** Base URL of a Lambda-compatible Invoke API (LAMBDA_ENDPOINT); unset: Lambda Tasks fail at once. */
  lambdaEndpoint?: string;
  /** Where HTTP Tasks, Lambda and AWS SDK calls may connect (SFN_HTTP_DENY, SFN_HTTP_ALLOW, SFN_HTTP_HOSTS). */
  egress: EgressConfig;
  /** Where the AWS SDK integrations (sqs, sns, dynamodb, events, aws-sdk:*) send their calls. */
  aws: AwsConfig;
  /** How long a closed execution is kept (EXECUTION_RETENTION_DAYS), in ms; 0 keeps it for ever. */
  retentionMs: number;
  /**
   * How long a running execution may go without a commit before the reconciler re-derives what
   * it waits for (REDSTEP_RECONCILE_IDLE_SECONDS), in ms.
   */
  reconcileIdleMs: number;
  /** What an acknowledgement means on disk (REDSTEP_DURABILITY): see the README. */
  durability: 'everysec' | 'strict';
  /**
   * Client connections the api holds at once (REDSTEP_MAX_CONNECTIONS); past it, a new
   * connection's requests are answered 503. Absent: what the open-file limit leaves.
   */
  maxConnections?: number;
  /**
   * JSON file of the credentials whose SigV4 signatures the api accepts (SFN_CREDENTIALS_FILE);
   * absent: requests are not authenticated.
   */
  credentialsFile?: string;
  /** Token buckets per account and action group (SFN_THROTTLE_<GROUP>); a group absent is not throttled. */
  throttle: ThrottleConfig;
}

/** The action groups AWS throttles separately. */
export const THROTTLE_GROUPS = ['START_EXECUTION', 'GET_ACTIVITY_TASK', 'SEND_TASK', 'OTHER'] as const;
export type ThrottleGroup = (typeof THROTTLE_GROUPS)[number];

/** A token bucket: at most `burst` calls at once, refilled by `perSecond` tokens a second. */
export interface BucketConfig {
  burst: number;
  perSecond: number;
}

export type ThrottleConfig = Partial<Record<ThrottleGroup, BucketConfig>>;

export interface AwsConfig {
  /** AWS_REGION, else AWS_DEFAULT_REGION, else SFN_REGION. */
  region: string;
  /** AWS_ENDPOINT_URL: every service's endpoint unless a service has its own. */
  endpoint?: string;
  /** AWS_ENDPOINT_URL_<SERVICE> by <SERVICE> (the SDK's service id in upper case, spaces as `_`: SQS, DYNAMODB, SECRETS_MANAGER). */
  endpoints: Record<string, string>;
  /** Credentials are set in the environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, web identity, container credentials). */
  credentials: boolean;
}

export interface EgressConfig {
  /** SFN_HTTP_DENY: CIDR blocks, addresses and host names no call may reach; DEFAULT_HTTP_DENY when unset. */
  deny: string[];
  /** SFN_HTTP_ALLOW: when set, the only CIDR blocks, addresses and host names calls may reach. */
  allow?: string[];
  /** SFN_HTTP_HOSTS: `name=address` pairs answered before DNS (as /etc/hosts); their addresses are checked like any other. */
  hosts: Record<string, string>;
}

/** SFN_HTTP_DENY's default: the cloud instance metadata services (IPv4, and EC2's IPv6 address). */
export const DEFAULT_HTTP_DENY = ['169.254.169.254', 'fd00:ec2::254'];

export type RedisMode = 'standalone' | 'cluster' | 'sentinel';

/**
 * Twelve shards divide evenly over 1, 2, 3, 4, 6 or 12 masters, the usual cluster sizes (see
 * docs/redis-cluster.md), while one Redis pays only twelve small queues for them.
 */
export const DEFAULT_SHARDS = 12;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got '${raw}'`);
    return n;
  };
  const days = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || n > 36_500) throw new ConfigError(`${name} must be a number of days in [0, 36500], got '${raw}'`);
    return n;
  };
  const accountId = env.SFN_ACCOUNT_ID || '123456789012';
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError(`SFN_ACCOUNT_ID must be 12 digits, got '${accountId}'`);
  const config: Config = {
    port: int('PORT', 8083, 0, 65535),
    host: env.HOST || '0.0.0.0',
    accountId,
    region: env.SFN_REGION || 'us-east-1',
    dataDir: env.REDSTEP_DATA_DIR || '.data',
    redisServerBin: env.REDIS_SERVER_BIN || 'redis-server',
    workerConcurrency: int('WORKER_CONCURRENCY', 64, 1, 10_000),
    metricsPort: int('METRICS_PORT', 9464, 0, 65535),
    logLevel: env.LOG_LEVEL || 'info',
    httpTimeoutMs: int('SFN_HTTP_TIMEOUT_SECONDS', 60, 1, 3600) * 1000,
    aws: awsConfig(env),
    egress: egressConfig(env),
    retentionMs: days('EXECUTION_RETENTION_DAYS', 90) * 24 * 3600 * 1000,
    reconcileIdleMs: int('REDSTEP_RECONCILE_IDLE_SECONDS', 60, 1, 86_400) * 1000,
    durability: durability(env.REDSTEP_DURABILITY),
    redisMode: redisMode(env.REDIS_MODE),
    throttle: throttle(env),
  };
  if (env.REDSTEP_SHARDS) config.shards = int('REDSTEP_SHARDS', DEFAULT_SHARDS, 1, 1024);
  if (env.REDSTEP_MAX_CONNECTIONS) config.maxConnections = int('REDSTEP_MAX_CONNECTIONS', 0, 1, 10_000_000);
  if (env.REDIS_SENTINEL_NAME) config.sentinelName = env.REDIS_SENTINEL_NAME;
  if (config.redisMode === 'sentinel' && !config.sentinelName) throw new ConfigError('REDIS_MODE=sentinel needs REDIS_SENTINEL_NAME, the name of the master the sentinels watch');
  if (config.redisMode !== 'standalone' && !env.REDIS_URL) throw new ConfigError(`REDIS_MODE=${config.redisMode} needs REDIS_URL: the ${config.redisMode === 'cluster' ? 'seed nodes' : 'sentinels'}, comma-separated`);
  if (env.SFN_MOCK_CONFIG) config.mockConfigPath = env.SFN_MOCK_CONFIG;
  if (env.SFN_HTTP_CONNECTIONS) config.httpConnectionsPath = env.SFN_HTTP_CONNECTIONS;
  if (env.LAMBDA_ENDPOINT) config.lambdaEndpoint = env.LAMBDA_ENDPOINT.replace(/\/+$/, '');
  if (env.REDIS_URL) config.redisUrl = env.REDIS_URL;
  if (env.SFN_CREDENTIALS_FILE) config.credentialsFile = env.SFN_CREDENTIALS_FILE;
  return config;
}

/** SFN_THROTTLE_<GROUP>=<burst>/<refill per second>, e.g. `1300/300`; positive numbers. */
function throttle(env: NodeJS.ProcessEnv): ThrottleConfig {
  const out: ThrottleConfig = {};
  for (const group of THROTTLE_GROUPS) {
    const name = `SFN_THROTTLE_${group}`;
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(raw);
    const burst = Number(m?.[1]);
    const perSecond = Number(m?.[2]);
    if (!m || burst < 1 || perSecond <= 0) throw new ConfigError(`${name} must be '<bucket size>/<refill per second>' (e.g. 1300/300), got '${raw}'`);
    out[group] = { burst, perSecond };
  }
  return out;
}

function redisMode(raw: string | undefined): RedisMode {
  if (raw === undefined || raw === '' || raw === 'standalone') return 'standalone';
  if (raw === 'cluster' || raw === 'sentinel') return raw;
  throw new ConfigError(`REDIS_MODE must be 'standalone', 'cluster' or 'sentinel', got '${raw}'`);
}

function durability(raw: string | undefined): Config['durability'] {
  if (raw === undefined || raw === '' || raw === 'everysec') return 'everysec';
  if (raw === 'strict') return 'strict';
  throw new ConfigError(`REDSTEP_DURABILITY must be 'everysec' or 'strict', got '${raw}'`);
}

/** Comma-separated lists; SFN_HTTP_DENY=none denies nothing (unset or empty keeps the default). */
function egressConfig(env: NodeJS.ProcessEnv): EgressConfig {
  const list = (raw: string) => raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const deny = env.SFN_HTTP_DENY?.trim();
  const egress: EgressConfig = { deny: !deny ? [...DEFAULT_HTTP_DENY] : deny.toLowerCase() === 'none' ? [] : list(deny), hosts: {} };
  if (env.SFN_HTTP_ALLOW?.trim()) egress.allow = list(env.SFN_HTTP_ALLOW);
  for (const pair of list(env.SFN_HTTP_HOSTS ?? '')) {
    const at = pair.indexOf('=');
    if (at <= 0 || isIP(pair.slice(at + 1).trim()) === 0) throw new ConfigError(`SFN_HTTP_HOSTS must list name=address pairs, got '${pair}'`);
    egress.hosts[pair.slice(0, at).trim().toLowerCase()] = pair.slice(at + 1).trim();
  }
  return egress;
}

/** The SDK's own variables; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true drops the endpoint ones, as in the SDK. */
function awsConfig(env: NodeJS.ProcessEnv): AwsConfig {
  const aws: AwsConfig = {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || env.SFN_REGION || 'us-east-1',
    endpoints: {},
    credentials: ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'].some((k) => !!env[k]),
  };
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return aws;
  for (const [key, value] of Object.entries(env)) {
    if (!value) continue;
    if (key === 'AWS_ENDPOINT_URL') aws.endpoint = value.replace(/\/+$/, '');
    else if (key.startsWith('AWS_ENDPOINT_URL_')) aws.endpoints[key.slice('AWS_ENDPOINT_URL_'.length)] = value.replace(/\/+$/, '');
  }
  return aws;
}
