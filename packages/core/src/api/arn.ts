/**
 * Step Functions ARNs: builders, one parser, and kind filters that throw AWS's InvalidArn.
 *
 *   stateMachine  arn:<p>:states:<region>:<account>:stateMachine:<name>[/<mapLabel>]
 *   version       ...:stateMachine:<name>:<n>            (n a positive integer)
 *   alias         ...:stateMachine:<name>:<alias>        (alias has a non-digit)
 *   execution     ...:execution:<sm>[/<mapRunLabel>]:<execution>
 *   express       ...:express:<sm>:<execution>:<id>
 *   mapRun        ...:mapRun:<sm>/<label>:<id>
 *   activity      ...:activity:<name>
 *
 * Messages: AWS answers `Invalid Arn: 'Invalid ARN prefix: <value>'` for a value that is not an
 * ARN and `Invalid Arn: 'Resource type not valid in this context: <type>'` for an ARN of the
 * wrong kind. For an ARN that is structurally broken (partition, service, region, account,
 * segment count, names) we answer `Invalid Arn: 'Malformed ARN'`; no AWS sample of that case
 * was found, so that wording is ours.
 */
import { InvalidArn } from './errors.js';
import { isValidName } from './names.js';

export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type Partition = (typeof PARTITIONS)[number];

export interface ArnScope {
  readonly partition: Partition;
  readonly region: string;
  readonly account: string;
}

export type StepFunctionsArn =
  | { readonly kind: 'stateMachine'; readonly scope: ArnScope; readonly name: string; readonly label?: string }
  | { readonly kind: 'stateMachineVersion'; readonly scope: ArnScope; readonly name: string; readonly version: number }
  | { readonly kind: 'stateMachineAlias'; readonly scope: ArnScope; readonly name: string; readonly alias: string }
  | {
      readonly kind: 'execution';
      readonly scope: ArnScope;
      readonly stateMachineName: string;
      readonly executionName: string;
      /** Set for a child execution started by a Distributed Map run. */
      readonly mapRunLabel?: string;
    }
  | {
      readonly kind: 'expressExecution';
      readonly scope: ArnScope;
      readonly stateMachineName: string;
      readonly executionName: string;
      readonly executionId: string;
    }
  | {
      readonly kind: 'mapRun';
      readonly scope: ArnScope;
      readonly stateMachineName: string;
      readonly mapRunLabel: string;
      readonly mapRunId: string;
    }
  | { readonly kind: 'activity'; readonly scope: ArnScope; readonly name: string };

export type ArnKind = StepFunctionsArn['kind'];
export type ArnOf<K extends ArnKind> = Extract<StepFunctionsArn, { kind: K }>;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;
const VERSION = /^[1-9]\d{0,9}$/;

// ---- builders -------------------------------------------------------------------------------

function prefix(s: ArnScope): string {
  return `arn:${s.partition}:states:${s.region}:${s.account}`;
}

/** The string form of any parsed or built ARN. */
export function formatArn(arn: StepFunctionsArn): string {
  const p = prefix(arn.scope);
  switch (arn.kind) {
    case 'stateMachine':
      return `${p}:stateMachine:${arn.name}${arn.label !== undefined ? `/${arn.label}` : ''}`;
    case 'stateMachineVersion':
      return `${p}:stateMachine:${arn.name}:${arn.version}`;
    case 'stateMachineAlias':
      return `${p}:stateMachine:${arn.name}:${arn.alias}`;
    case 'execution': {
      const sm = arn.mapRunLabel !== undefined ? `${arn.stateMachineName}/${arn.mapRunLabel}` : arn.stateMachineName;
      return `${p}:execution:${sm}:${arn.executionName}`;
    }
    case 'expressExecution':
      return `${p}:express:${arn.stateMachineName}:${arn.executionName}:${arn.executionId}`;
    case 'mapRun':
      return `${p}:mapRun:${arn.stateMachineName}/${arn.mapRunLabel}:${arn.mapRunId}`;
    case 'activity':
      return `${p}:activity:${arn.name}`;
    default: {
      const never: never = arn;
      throw new Error(`unknown ARN kind ${JSON.stringify(never)}`);
    }
  }
}

export const stateMachineArn = (scope: ArnScope, name: string): string =>
  formatArn({ kind: 'stateMachine', scope, name });
export const stateMachineVersionArn = (scope: ArnScope, name: string, version: number): string =>
  formatArn({ kind: 'stateMachineVersion', scope, name, version });
export const stateMachineAliasArn = (scope: ArnScope, name: string, alias: string): string =>
  formatArn({ kind: 'stateMachineAlias', scope, name, alias });
export const executionArn = (scope: ArnScope, stateMachineName: string, executionName: string, mapRunLabel?: string): string =>
  formatArn({ kind: 'execution', scope, stateMachineName, executionName, ...(mapRunLabel !== undefined ? { mapRunLabel } : {}) });
export const expressExecutionArn = (scope: ArnScope, stateMachineName: string, executionName: string, executionId: string): string =>
  formatArn({ kind: 'expressExecution', scope, stateMachineName, executionName, executionId });
export const mapRunArn = (scope: ArnScope, stateMachineName: string, mapRunLabel: string, mapRunId: string): string =>
  formatArn({ kind: 'mapRun', scope, stateMachineName, mapRunLabel, mapRunId });
export const activityArn = (scope: ArnScope, name: string): string => formatArn({ kind: 'activity', scope, name });

// ---- parser ---------------------------------------------------------------------------------

function invalid(detail: string): InvalidArn {
  return new InvalidArn(`Invalid Arn: '${detail}'`);
}

function isPartition(p: string): p is Partition {
  return (PARTITIONS as readonly string[]).includes(p);
}

/** `name` or `name/label`, each part a valid resource name. */
function splitLabel(segment: string): [string, string | undefined] | undefined {
  const parts = segment.split('/');
  if (parts.length > 2 || !parts.every((x) => isValidName(x))) return undefined;
  return [parts[0]!, parts[1]];
}

/** Parses any Step Functions ARN; throws InvalidArn. */
export function parseArn(value: string): StepFunctionsArn {
  if (!value.startsWith('arn:')) throw invalid(`Invalid ARN prefix: ${value}`);
  // Built only when thrown: an Error captures a stack trace, too costly for every parse.
  const malformed = () => invalid('Malformed ARN');
  const [, partition, service, region, account, type, ...rest] = value.split(':');
  if (partition === undefined || !isPartition(partition) || service !== 'states') throw malformed();
  if (!REGION.test(region ?? '') || !ACCOUNT.test(account ?? '') || type === undefined) throw malformed();
  const scope: ArnScope = { partition, region: region!, account: account! };
  const names = (n: number) => rest.length === n && rest.every((x) => x !== '');

  switch (type) {
    case 'stateMachine': {
      if (names(1)) {
        const parts = splitLabel(rest[0]!);
        if (!parts) throw malformed();
        const [name, label] = parts;
        return label !== undefined ? { kind: 'stateMachine', scope, name, label } : { kind: 'stateMachine', scope, name };
      }
      if (!names(2) || !isValidName(rest[0]!)) throw malformed();
      const [name, qualifier] = [rest[0]!, rest[1]!];
      if (VERSION.test(qualifier)) return { kind: 'stateMachineVersion', scope, name, version: Number(qualifier) };
      if (isValidName(qualifier, 'alias')) return { kind: 'stateMachineAlias', scope, name, alias: qualifier };
      throw malformed();
    }
    case 'execution': {
      const parts = names(2) ? splitLabel(rest[0]!) : undefined;
      if (!parts || !isValidName(rest[1]!, 'execution')) throw malformed();
      const [stateMachineName, mapRunLabel] = parts;
      const executionName = rest[1]!;
      return mapRunLabel !== undefined
        ? { kind: 'execution', scope, stateMachineName, executionName, mapRunLabel }
        : { kind: 'execution', scope, stateMachineName, executionName };
    }
    case 'express': {
      if (!names(3) || !rest.every((x) => isValidName(x))) throw malformed();
      return { kind: 'expressExecution', scope, stateMachineName: rest[0]!, executionName: rest[1]!, executionId: rest[2]! };
    }
    case 'mapRun': {
      const parts = names(2) ? splitLabel(rest[0]!) : undefined;
      if (!parts || parts[1] === undefined || !isValidName(rest[1]!)) throw malformed();
      return { kind: 'mapRun', scope, stateMachineName: parts[0], mapRunLabel: parts[1], mapRunId: rest[1]! };
    }
    case 'activity': {
      if (!names(1) || !isValidName(rest[0]!, 'activity')) throw malformed();
      return { kind: 'activity', scope, name: rest[0]! };
    }
    default:
      throw invalid(`Resource type not valid in this context: ${type}`);
  }
}

/** The resource-type segment AWS names in its message for each kind. */
const RESOURCE_TYPE: { readonly [K in ArnKind]: string } = {
  stateMachine: 'stateMachine',
  stateMachineVersion: 'stateMachine',
  stateMachineAlias: 'stateMachine',
  execution: 'execution',
  expressExecution: 'express',
  mapRun: 'mapRun',
  activity: 'activity',
};

/**
 * Parses and requires one of `kinds`, e.g. `parseArnOf(arn, 'execution')` for DescribeExecution.
 * An ARN of another kind gets AWS's "Resource type not valid in this context".
 */
export function parseArnOf<K extends ArnKind>(value: string, ...kinds: K[]): ArnOf<K> {
  const arn = parseArn(value);
  if (!(kinds as readonly ArnKind[]).includes(arn.kind)) {
    throw invalid(`Resource type not valid in this context: ${RESOURCE_TYPE[arn.kind]}`);
  }
  return arn as ArnOf<K>;
}

/** The unqualified state machine ARN behind a state machine, version or alias ARN. */
export function baseStateMachineArn(arn: ArnOf<'stateMachine' | 'stateMachineVersion' | 'stateMachineAlias'>): string {
  return stateMachineArn(arn.scope, arn.name);
}
