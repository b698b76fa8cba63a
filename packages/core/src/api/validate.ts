/**
 * Request validation against the service model, in the two phases AWS's JSON 1.0 stack runs:
 *
 * 1. Deserialization: a member whose JSON type cannot become its model type stops the request
 *    with a SerializationException (first one wins, AWS's wording below). `null` counts as absent.
 *    Unknown members are ignored.
 * 2. Constraints: every violation (required, length, pattern, enum, range) is collected in model
 *    member order and reported in one ValidationException:
 *    `N validation error(s) detected: Value 'x' at 'a.b' failed to satisfy constraint: ...; ...`
 *    List items are addressed `list.<1-based index>.member`.
 *
 * Sensitive shapes (definition, input, output, cause, ...) are reported as `Value at 'x'`
 * without the value, as AWS does, so secrets never reach logs or clients. A missing value is
 * still reported as `Value null at 'x'`: there is nothing to hide.
 */
import type { ModelShape } from './model-types.js';
import { OPERATIONS, SHAPES } from './model.generated.js';
import { SerializationException, UnknownOperationException, ValidationException } from './errors.js';
import { compileJavaPattern } from './java-regex.js';

type Json = unknown;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function shapeOf(name: string): ModelShape {
  const s = SHAPES[name];
  if (!s) throw new Error(`model shape ${name} missing from model.generated.ts`);
  return s;
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates one decoded request body; throws the AWS error the service would answer. */
export function validateRequest(operation: string, body: unknown): void {
  if (!Object.hasOwn(OPERATIONS, operation)) throw new UnknownOperationException();
  const input = OPERATIONS[operation];
  if (!input) return;
  // SDKs always send at least `{}`; an absent body is read the same way.
  const value = body === undefined ? {} : body;
  if (Array.isArray(value)) throw new SerializationException('Start of list found where not expected');
  if (!isObject(value)) throw new SerializationException();
  checkTypes(input, value);
  const violations: string[] = [];
  checkConstraints(input, value, '', false, violations);
  if (violations.length > 0) {
    const n = violations.length;
    throw new ValidationException(
      `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
    );
  }
}

// ---- phase 1: JSON types --------------------------------------------------------------------

/** AWS's name for the JSON token it could not convert. */
function tokenName(v: Json): string {
  if (typeof v === 'string') return 'STRING_VALUE';
  if (typeof v === 'number') return 'NUMBER_VALUE';
  return v === true ? 'TRUE_VALUE' : 'FALSE_VALUE';
}

/** The SerializationException AWS answers for a value of the wrong JSON kind. */
function mismatch(v: Json, target: string): SerializationException {
  if (Array.isArray(v)) return new SerializationException('Start of list found where not expected');
  if (isObject(v)) return new SerializationException('Start of structure or map found where not expected.');
  return new SerializationException(`${tokenName(v)} can not be converted to ${target}`);
}

function checkTypes(shapeName: string, v: Json): void {
  if (v === null) return;
  const shape = shapeOf(shapeName);
  switch (shape.type) {
    case 'string':
      if (typeof v !== 'string') throw mismatch(v, 'a String');
      return;
    case 'boolean':
      // AWS really writes "an Boolean".
      if (typeof v !== 'boolean') throw mismatch(v, 'an Boolean');
      return;
    case 'integer':
    case 'long': {
      if (typeof v !== 'number') throw mismatch(v, shape.type === 'integer' ? 'an Integer' : 'a Long');
      const fits = shape.type === 'integer' ? v >= INT32_MIN && v <= INT32_MAX : Number.isSafeInteger(v);
      // Fractions and overflow: AWS answers without a message.
      if (!Number.isInteger(v) || !fits) throw new SerializationException();
      return;
    }
    case 'float':
    case 'double':
      if (typeof v !== 'number') throw mismatch(v, shape.type === 'float' ? 'a Float' : 'a Double');
      return;
    case 'timestamp':
      // JSON 1.0 timestamps are epoch seconds.
      if (typeof v !== 'number') throw new SerializationException();
      return;
    case 'blob':
      if (typeof v !== 'string') throw mismatch(v, 'a String');
      return;
    case 'structure': {
      if (Array.isArray(v)) throw mismatch(v, '');
      if (!isObject(v)) throw new SerializationException('Expected null');
      for (const [member, target] of Object.entries(shape.members ?? {})) {
        if (Object.hasOwn(v, member)) checkTypes(target, v[member]);
      }
      return;
    }
    case 'list':
      if (!Array.isArray(v)) {
        throw isObject(v) ? mismatch(v, '') : new SerializationException('Expected list or null');
      }
      for (const item of v) checkTypes(shape.member!, item);
      return;
    case 'map':
      if (Array.isArray(v)) throw mismatch(v, '');
      if (!isObject(v)) throw new SerializationException('Expected map or null');
      for (const item of Object.values(v)) checkTypes(shape.value!, item);
      return;
    default: {
      const never: never = shape.type;
      throw new Error(`unhandled shape type ${String(never)}`);
    }
  }
}

// ---- phase 2: constraints -------------------------------------------------------------------

/** Length as Smithy defines it for strings: Unicode code points. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Java's Float/Double.toString for the values a request can carry (101 -> "101.0"). */
function javaDecimal(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/** The value as AWS's Java stack prints it inside `Value '...'`. */
/**
 * JSON text of a member the model does not know (validation ignores them, so they may be nested
 * as deep as JSON.parse allows: past the stack JSON.stringify needs).
 */
function stringifyBounded(x: Json): string {
  try {
    return JSON.stringify(x);
  } catch {
    return '{...}';
  }
}

function render(v: Json, shape: ModelShape): string {
  switch (shape.type) {
    case 'float':
    case 'double':
      return javaDecimal(v as number);
    case 'list':
      return `[${(v as Json[]).map((x) => (x === null ? 'null' : render(x, shapeOf(shape.member!)))).join(', ')}]`;
    case 'structure':
    case 'map':
      return `{${Object.entries(v as Record<string, Json>)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => `${k}=${typeof x === 'object' ? stringifyBounded(x) : String(x)}`)
        .join(', ')}}`;
    case 'string':
    case 'boolean':
    case 'integer':
    case 'long':
    case 'timestamp':
    case 'blob':
      return String(v);
    default: {
      const never: never = shape.type;
      throw new Error(`unhandled shape type ${String(never)}`);
    }
  }
}

function violation(value: string, path: string, constraint: string): string {
  return `Value ${value}at '${path}' failed to satisfy constraint: ${constraint}`;
}

function join(path: string, member: string): string {
  return path === '' ? member : `${path}.${member}`;
}

function checkConstraints(
  shapeName: string,
  v: Json,
  path: string,
  parentSensitive: boolean,
  out: string[],
): void {
  const shape = shapeOf(shapeName);
  const sensitive = parentSensitive || shape.sensitive === true;
  // Rendered only for a violation: a valid value (the whole body, at the top) is never printed.
  const add = (constraint: string) => out.push(violation(sensitive ? '' : `'${render(v, shape)}' `, path, constraint));
  const lengthOf = (n: number) => {
    if (shape.min !== undefined && n < shape.min) add(`Member must have length greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && n > shape.max) add(`Member must have length less than or equal to ${shape.max}`);
  };

  switch (shape.type) {
    case 'structure': {
      const obj = v as Record<string, Json>;
      for (const [member, target] of Object.entries(shape.members ?? {})) {
        const child = obj[member];
        const memberPath = join(path, member);
        if (child === undefined || child === null) {
          if (shape.required?.includes(member)) {
            out.push(violation('null ', memberPath, 'Member must not be null'));
          }
          continue;
        }
        checkConstraints(target, child, memberPath, sensitive, out);
      }
      return;
    }
    case 'string': {
      const s = v as string;
      lengthOf(codePoints(s));
      if (shape.pattern !== undefined && !compileJavaPattern(shape.pattern).test(s)) {
        add(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      if (shape.enum && !shape.enum.includes(s)) {
        add(`Member must satisfy enum value set: [${javaHashSetOrder(shape.enum).join(', ')}]`);
      }
      return;
    }
    case 'list': {
      const items = v as Json[];
      lengthOf(items.length);
      items.forEach((item, i) => {
        if (item !== null) checkConstraints(shape.member!, item, `${join(path, String(i + 1))}.member`, sensitive, out);
      });
      return;
    }
    case 'map': {
      // No Step Functions input carries a map; keys and values are checked at `map.<key>`.
      const entries = Object.entries(v as Record<string, Json>);
      lengthOf(entries.length);
      for (const [k, item] of entries) {
        checkConstraints(shape.key!, k, join(path, k), sensitive, out);
        if (item !== null) checkConstraints(shape.value!, item, join(path, k), sensitive, out);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const n = v as number;
      if (shape.min !== undefined && n < shape.min) add(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) add(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'boolean':
    case 'timestamp':
    case 'blob':
      return;
    default: {
      const never: never = shape.type;
      throw new Error(`unhandled shape type ${String(never)}`);
    }
  }
}

// ---- enum order -----------------------------------------------------------------------------

/** Java's String.hashCode. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

const orderCache = new Map<readonly string[], readonly string[]>();

/**
 * AWS lists enum values in a hash-set order, not model order: observed
 * `[SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]` for ExecutionStatus.
 * That and the other recorded messages we found all fit a 32-bucket table indexed by the low
 * bits of String.hashCode, with later insertions first within a bucket. Past 24 values the
 * table would resize in ways we have no sample of, so those keep model order.
 */
export function javaHashSetOrder(values: readonly string[]): readonly string[] {
  const cached = orderCache.get(values);
  if (cached) return cached;
  let ordered: readonly string[] = values;
  if (values.length <= 24) {
    const buckets: string[][] = Array.from({ length: 32 }, () => []);
    for (const v of values) buckets[javaStringHash(v) & 31]!.unshift(v);
    ordered = buckets.flat();
  }
  orderCache.set(values, ordered);
  return ordered;
}
