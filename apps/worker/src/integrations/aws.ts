import type { AwsConfig } from '@redstep/store';
import type { EgressGuard } from './egress-guard.js';
import { failed, requestObject, type Integration, type InvokeCall, type InvokeResult } from './types.js';

/**
 * AWS service calls through the AWS SDK for JavaScript v3: the optimized integrations
 * (`sqs:sendMessage`, `sns:publish`, `dynamodb:getItem|putItem|updateItem|deleteItem`,
 * `events:putEvents`) and `aws-sdk:<service>:<action>` for any installed `@aws-sdk/client-<service>`.
 * A service is called only when an endpoint (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) or
 * credentials are configured; otherwise the Task fails at once with `<Service>.SdkClientException`.
 */

/** How the optimized integrations name their service in errors. */
const OPTIMIZED_PREFIX: Record<string, string> = {
  sqs: 'SQS',
  sns: 'SNS',
  dynamodb: 'DynamoDB',
  events: 'EventBridge',
  s3: 'S3',
  states: 'StepFunctions',
  ecs: 'ECS',
  apigateway: 'ApiGateway',
};

/** aws-sdk:<service> errors: the service id in PascalCase (`DynamoDb`, `Sqs`, `AcmPca`). */
const SDK_PREFIX: Record<string, string> = {
  sqs: 'Sqs',
  sns: 'Sns',
  dynamodb: 'DynamoDb',
  eventbridge: 'EventBridge',
  s3: 'S3',
  sfn: 'Sfn',
  lambda: 'Lambda',
  secretsmanager: 'SecretsManager',
  ssm: 'Ssm',
  ec2: 'Ec2',
  ecs: 'Ecs',
  acmpca: 'AcmPca',
};

/** Step Functions service names whose JS client package is spelled otherwise. */
const PACKAGES: Record<string, string> = {
  events: 'eventbridge',
  secretsmanager: 'secrets-manager',
  acmpca: 'acm-pca',
  cloudwatchlogs: 'cloudwatch-logs',
  emrserverless: 'emr-serverless',
  emrcontainers: 'emr-containers',
};

/** The optimized integrations offered here, with the request changes Step Functions makes. */
export const OPTIMIZED_ACTIONS: Record<string, Record<string, (p: Record<string, unknown>) => Record<string, unknown>>> = {
  sqs: { sendMessage: (p) => ({ ...p, ...(p.MessageBody !== undefined && { MessageBody: asText(p.MessageBody) }) }) },
  sns: { publish: (p) => ({ ...p, ...(p.Message !== undefined && { Message: asText(p.Message) }) }) },
  dynamodb: { getItem: (p) => p, putItem: (p) => p, updateItem: (p) => p, deleteItem: (p) => p },
  events: {
    putEvents: (p) => ({
      ...p,
      ...(Array.isArray(p.Entries) && {
        Entries: p.Entries.map((e) => {
          const entry = requestObject(e);
          return entry && entry.Detail !== undefined ? { ...entry, Detail: asText(entry.Detail) } : e;
        }),
      }),
    }),
  },
};

const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** `SQS` for `sqs`, `DynamoDb` for `aws-sdk:dynamodb`: the prefix of the service's error names. */
export function errorPrefix(service: string, serviceId?: string): string {
  if (!service.startsWith('aws-sdk:')) return OPTIMIZED_PREFIX[service] ?? capitalize(service);
  const name = service.slice('aws-sdk:'.length);
  return SDK_PREFIX[name] ?? (serviceId ? pascalServiceId(serviceId) : capitalize(name));
}

/** A service id as Step Functions spells it in errors: `ACM PCA` → `AcmPca`, `DynamoDB` → `DynamoDb`. */
export function pascalServiceId(serviceId: string): string {
  const words = serviceId.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [serviceId];
  return words.map(capitalize).join('');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** The JS client package of a Task's service (`@aws-sdk/client-secrets-manager` for `aws-sdk:secretsmanager`). */
export function clientPackage(service: string): string {
  const name = service.startsWith('aws-sdk:') ? service.slice('aws-sdk:'.length) : service;
  return `@aws-sdk/client-${PACKAGES[name] ?? name}`;
}

/** `getItem` → `GetItemCommand`. */
export const commandName = (action: string): string => `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;

/** An SDK error as the Task's failure: `<Prefix>.<Name>Exception` for a service's answer, else `<Prefix>.SdkClientException`. */
export function sdkFailure(prefix: string, e: unknown): InvokeResult {
  const err = e as Error & { $fault?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  if (err && err.$fault && err.$metadata) {
    const name = err.name.endsWith('Exception') ? err.name : `${err.name}Exception`;
    const status = err.$metadata.httpStatusCode ?? (err.$fault === 'server' ? 500 : 400);
    return failed(`${prefix}.${name}`, `${err.message} (Service: ${prefix}, Status Code: ${status}, Request ID: ${err.$metadata.requestId ?? 'null'})`);
  }
  const cause = (err as { cause?: Error })?.cause?.message ?? err?.message ?? String(e);
  return failed(`${prefix}.SdkClientException`, `Unable to execute HTTP request: ${cause}`);
}

/** The Task's input as the command's: DynamoDB binary values (`B`, `BS`) from base64 text to bytes. */
export function toSdkInput(service: string, params: Record<string, unknown>): Record<string, unknown> {
  const bare = service.replace(/^aws-sdk:/, '');
  return bare === 'dynamodb' ? (binaryIn(params) as Record<string, unknown>) : params;
}

function binaryIn(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(binaryIn);
  const o = requestObject(v);
  if (!o) return v;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === 'B' && typeof o.B === 'string') return { B: Buffer.from(o.B, 'base64') };
  if (keys.length === 1 && keys[0] === 'BS' && Array.isArray(o.BS)) return { BS: o.BS.map((b) => (typeof b === 'string' ? Buffer.from(b, 'base64') : b)) };
  return Object.fromEntries(keys.map((k) => [k, binaryIn(o[k])]));
}

/** The SDK's response as the Task's result: no `$metadata`, bytes as base64, dates as ISO text. */
export function fromSdkOutput(output: unknown): unknown {
  if (output instanceof Uint8Array) return Buffer.from(output).toString('base64');
  if (output instanceof Date) return output.toISOString();
  if (Array.isArray(output)) return output.map(fromSdkOutput);
  if (typeof output !== 'object' || output === null) return output;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(output)) if (k !== '$metadata' && v !== undefined) out[k] = fromSdkOutput(v);
  return out;
}

/** An optimized integration's result: the service response plus the SDK metadata Step Functions adds. */
export function optimizedOutput(output: Record<string, unknown>, headers: Record<string, string>): Record<string, unknown> {
  const meta = (output.$metadata ?? {}) as { httpStatusCode?: number; requestId?: string };
  return {
    ...(fromSdkOutput(output) as Record<string, unknown>),
    SdkHttpMetadata: { AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), HttpHeaders: headers, HttpStatusCode: meta.httpStatusCode ?? 200 },
    SdkResponseMetadata: { RequestId: meta.requestId ?? headers['x-amzn-requestid'] ?? null },
  };
}

interface SdkClient {
  send(command: unknown): Promise<Record<string, unknown>>;
  config: { serviceId?: string };
  middlewareStack: { add(mw: unknown, options: { step: string; name: string }): void };
  destroy(): void;
}
type ClientClass = new (config: Record<string, unknown>) => SdkClient;
type CommandClass = new (input: unknown) => unknown;

interface LoadedService {
  module: Record<string, unknown>;
  client?: SdkClient;
  serviceId?: string;
}

const HEADERS = Symbol('response headers');

export class AwsSdkIntegration implements Integration {
  readonly patterns = ['callback'] as const;
  private readonly services = new Map<string, Promise<LoadedService | undefined>>();

  constructor(
    private readonly config: AwsConfig,
    private readonly timeoutMs: number,
    /** Every client connects through it. */
    private readonly guard: EgressGuard,
    /** Loads a client package; undefined when it is not installed. */
    private readonly load: (pkg: string) => Promise<Record<string, unknown> | undefined> = importIfInstalled,
  ) {}

  async invoke(call: InvokeCall): Promise<InvokeResult> {
    const { service, action } = call.task.integration;
    const sdk = service.startsWith('aws-sdk:');
    const pkg = clientPackage(service);
    const loaded = await this.service(pkg);
    const prefix = errorPrefix(service, loaded?.serviceId);
    if (!loaded) {
      return failed(`${prefix}.SdkClientException`, `The AWS SDK client package '${pkg}' is not installed; install it in the worker (npm i ${pkg}) to call '${call.task.resource}'.`);
    }
    if (!loaded.client) return failed(`${prefix}.SdkClientException`, `RedStep has no endpoint configured for the resource '${call.task.resource}'.`);
    const Command = loaded.module[commandName(action)] as CommandClass | undefined;
    const shape = sdk ? undefined : OPTIMIZED_ACTIONS[service]?.[action];
    if (typeof Command !== 'function' || (!sdk && !shape)) {
      return failed(`${prefix}.SdkClientException`, `The resource '${call.task.resource}' is not supported: ${pkg} has no ${commandName(action)}.`);
    }
    const params = requestObject(call.request) ?? {};
    let output: Record<string, unknown>;
    try {
      output = await loaded.client.send(new Command(toSdkInput(service, shape ? shape(params) : params)));
    } catch (e) {
      return sdkFailure(prefix, e);
    }
    if (sdk) return { kind: 'succeeded', output: fromSdkOutput(output) };
    return { kind: 'succeeded', output: optimizedOutput(output, (output as Record<symbol, Record<string, string>>)[HEADERS] ?? {}) };
  }

  private service(pkg: string): Promise<LoadedService | undefined> {
    let found = this.services.get(pkg);
    if (!found) {
      found = this.connect(pkg);
      this.services.set(pkg, found);
    }
    return found;
  }

  /** Loads the package and builds its client when an endpoint or credentials are configured for it. */
  private async connect(pkg: string): Promise<LoadedService | undefined> {
    const module = await this.load(pkg);
    if (!module) return undefined;
    const name = Object.keys(module).find((k) => /Client$/.test(k) && !k.startsWith('__') && typeof module[k] === 'function');
    if (!name) return { module };
    const Client = module[name] as ClientClass;
    const base = { region: this.config.region, requestHandler: { requestTimeout: this.timeoutMs, connectionTimeout: this.timeoutMs, ...this.guard.nodeAgents() } };
    const probe = new Client(base);
    const serviceId = typeof probe.config.serviceId === 'string' ? probe.config.serviceId : undefined;
    probe.destroy();
    const key = (serviceId ?? pkg.slice('@aws-sdk/client-'.length)).toUpperCase().replace(/[\s-]+/g, '_');
    const endpoint = this.config.endpoints[key] ?? this.config.endpoint;
    if (!endpoint && !this.config.credentials) return serviceId ? { module, serviceId } : { module };
    const client = new Client(endpoint ? { ...base, endpoint } : base);
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<{ output: unknown; response?: { headers?: Record<string, string> } }>) => async (args: unknown) => {
        const result = await next(args);
        if (typeof result.output === 'object' && result.output !== null) {
          Object.defineProperty(result.output, HEADERS, { value: result.response?.headers ?? {}, enumerable: false });
        }
        return result;
      },
      { step: 'initialize', name: 'redstepResponseHeaders' },
    );
    return serviceId ? { module, client, serviceId } : { module, client };
  }
}

async function importIfInstalled(pkg: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(pkg)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}
