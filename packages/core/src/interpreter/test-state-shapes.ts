/**
 * TestState's check of a mocked Task result against the output shape of the API the Task calls
 * (`mock.fieldValidationMode`): STRICT checks types, constraints and required members; PRESENT
 * checks only the members the mock has; NONE checks nothing. Members a shape does not know are
 * accepted in every mode, as AWS accepts them.
 *
 * The catalogue below describes the output shapes of commonly used integrations, written from the
 * services' public API references; a resource not in it is not checked.
 */

export type Shape =
  | { type: 'string'; min?: number; enum?: readonly string[] }
  | { type: 'blob'; min?: number }
  | { type: 'timestamp' }
  | { type: 'integer' | 'long' | 'double' | 'float'; min?: number; max?: number }
  | { type: 'boolean' }
  | { type: 'list'; member: Shape }
  | { type: 'map'; value: Shape }
  | { type: 'structure'; members: Record<string, Shape>; required?: readonly string[] };

export type FieldValidationMode = 'STRICT' | 'PRESENT' | 'NONE';

const str: Shape = { type: 'string' };
const int: Shape = { type: 'integer' };
const long: Shape = { type: 'long' };
const double: Shape = { type: 'double' };
const bool: Shape = { type: 'boolean' };
const time: Shape = { type: 'timestamp' };
const struct = (members: Record<string, Shape>, required?: readonly string[]): Shape =>
  required ? { type: 'structure', members, required } : { type: 'structure', members };
const list = (member: Shape): Shape => ({ type: 'list', member });
const strMap: Shape = { type: 'map', value: str };

const STORAGE_CLASSES = [
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER',
  'DEEP_ARCHIVE', 'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE', 'FSX_OPENZFS',
] as const;

const consumedCapacity = struct({
  TableName: str,
  CapacityUnits: double,
  ReadCapacityUnits: double,
  WriteCapacityUnits: double,
  Table: struct({ ReadCapacityUnits: double, WriteCapacityUnits: double, CapacityUnits: double }),
  LocalSecondaryIndexes: { type: 'map', value: struct({ ReadCapacityUnits: double, WriteCapacityUnits: double, CapacityUnits: double }) },
  GlobalSecondaryIndexes: { type: 'map', value: struct({ ReadCapacityUnits: double, WriteCapacityUnits: double, CapacityUnits: double }) },
});
const attributeMap: Shape = { type: 'map', value: struct({}) };

const lambdaConfiguration = struct({
  FunctionName: str,
  FunctionArn: str,
  Runtime: str,
  Role: str,
  Handler: str,
  CodeSize: long,
  Description: str,
  Timeout: { type: 'integer', min: 1 },
  MemorySize: { type: 'integer', min: 128, max: 10240 },
  LastModified: str,
  CodeSha256: str,
  Version: str,
  State: { type: 'string', enum: ['Pending', 'Active', 'Inactive', 'Failed'] },
  PackageType: { type: 'string', enum: ['Zip', 'Image'] },
  Architectures: list({ type: 'string', enum: ['x86_64', 'arm64'] }),
  Environment: struct({ Variables: strMap }),
});

/** Output shapes by Task resource (without the `arn:<partition>:states:::` prefix). */
const OUTPUT_SHAPES: Record<string, Shape> = {
  'lambda:invoke': struct({ StatusCode: int, FunctionError: str, LogResult: str, ExecutedVersion: str }),
  'aws-sdk:lambda:invoke': struct({ StatusCode: int, FunctionError: str, LogResult: str, ExecutedVersion: str }),
  'aws-sdk:lambda:getFunction': struct({
    Configuration: lambdaConfiguration,
    Code: struct({ RepositoryType: str, Location: str }),
    Tags: strMap,
    Concurrency: struct({ ReservedConcurrentExecutions: { type: 'integer', min: 0 } }),
  }),
  'events:putEvents': struct({
    FailedEntryCount: int,
    Entries: list(struct({ EventId: str, ErrorCode: str, ErrorMessage: str })),
  }),
  'dynamodb:putItem': struct({ Attributes: attributeMap, ConsumedCapacity: consumedCapacity, ItemCollectionMetrics: struct({}) }),
  'dynamodb:getItem': struct({ Item: attributeMap, ConsumedCapacity: consumedCapacity }),
  'dynamodb:deleteItem': struct({ Attributes: attributeMap, ConsumedCapacity: consumedCapacity }),
  'dynamodb:updateItem': struct({ Attributes: attributeMap, ConsumedCapacity: consumedCapacity }),
  'sqs:sendMessage': struct({ MD5OfMessageBody: str, MD5OfMessageAttributes: str, MD5OfMessageSystemAttributes: str, MessageId: str, SequenceNumber: str }),
  'sns:publish': struct({ MessageId: str, SequenceNumber: str }),
  'states:startExecution': struct({ ExecutionArn: { type: 'string', min: 1 }, StartDate: time }, ['ExecutionArn', 'StartDate']),
  'aws-sdk:kms:encrypt': struct({
    CiphertextBlob: { type: 'blob', min: 1 },
    KeyId: { type: 'string', min: 1 },
    EncryptionAlgorithm: { type: 'string', enum: ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] },
  }),
  'aws-sdk:s3:getObject': struct({
    Body: { type: 'blob' },
    DeleteMarker: bool,
    AcceptRanges: str,
    Expiration: str,
    LastModified: time,
    ContentLength: long,
    ETag: str,
    MissingMeta: int,
    VersionId: str,
    CacheControl: str,
    ContentDisposition: str,
    ContentEncoding: str,
    ContentLanguage: str,
    ContentRange: str,
    ContentType: str,
    Metadata: strMap,
    StorageClass: { type: 'string', enum: STORAGE_CLASSES },
    PartsCount: int,
    TagCount: int,
  }),
};

/** The output shape a Task resource's result has, when the catalogue knows it. */
export function outputShapeOf(resource: string): Shape | undefined {
  const match = /^arn:[\w-]+:states:::(.+)$/.exec(resource);
  if (!match) return undefined;
  return OUTPUT_SHAPES[match[1]!];
}

/** The first problem with `value` against `shape`, as AWS words it; undefined when it conforms. */
export function mockResultProblem(value: unknown, shape: Shape, mode: FieldValidationMode): string | undefined {
  if (mode === 'NONE') return undefined;
  return check(value, shape, mode, undefined);
}

function check(value: unknown, shape: Shape, mode: FieldValidationMode, name: string | undefined): string | undefined {
  const field = `Field '${name ?? ''}'`;
  switch (shape.type) {
    case 'string':
    case 'blob':
    case 'timestamp':
      if (typeof value !== 'string') return `${field} must be a string`;
      if ('min' in shape && shape.min !== undefined && value.length < shape.min) return `${field} is smaller than the minimum length`;
      if ('enum' in shape && shape.enum && !shape.enum.includes(value)) return `${field} is not an expected value`;
      return undefined;
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      if (typeof value !== 'number') return `${field} must be a number`;
      if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(value)) return `${field} must be an integer`;
      if (shape.min !== undefined && value < shape.min) return `${field} is less than the minimum value`;
      if (shape.max !== undefined && value > shape.max) return `${field} exceeds the maximum value`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${field} must be a boolean`;
    case 'list':
      if (!Array.isArray(value)) return `${field} must be an array`;
      for (const item of value) {
        const problem = check(item, shape.member, mode, name);
        if (problem) return problem;
      }
      return undefined;
    case 'map':
      if (!isObject(value)) return `${field} must be an object`;
      for (const item of Object.values(value)) {
        const problem = check(item, shape.value, mode, name);
        if (problem) return problem;
      }
      return undefined;
    case 'structure': {
      if (!isObject(value)) return `${field} must be an object`;
      if (mode === 'STRICT') {
        for (const member of shape.required ?? []) if (!(member in value)) return `Required field '${member}' is missing`;
      }
      for (const [member, memberValue] of Object.entries(value)) {
        const memberShape = shape.members[member];
        if (!memberShape) continue;
        const problem = check(memberValue, memberShape, mode, member);
        if (problem) return problem;
      }
      return undefined;
    }
    default: {
      const unreachable: never = shape;
      throw new Error(`unknown shape ${JSON.stringify(unreachable)}`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
