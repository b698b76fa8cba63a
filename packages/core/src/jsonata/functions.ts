/**
 * The functions Step Functions adds to JSONata: $partition, $range, $hash, $random, $uuid, $parse;
 * and bounded stand-ins for two of jsonata's own whose cost no timeout reaches (they run as
 * one native call): $sort without a comparator (jsonata's merge sort copies its arrays at every
 * step, minutes for 100,000 items) and $distinct (all pairs compared: 20 s for 128,000 items).
 * Errors are thrown as jsonata-style `{code, message}` objects so causes read like jsonata's own.
 */
import { createHash, randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import { canonicalJson } from '../intrinsics/functions/deep-equal.js';

const HASH_ALGORITHMS: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const MAX_RANGE_ITEMS = 1000;

function fail(name: string, message: string): never {
  throw { code: 'States.QueryEvaluationError', message: `$${name}: ${message}` };
}

function partition(array: unknown[], size: number): unknown[][] {
  if (!Number.isInteger(size) || size <= 0) fail('partition', 'the chunk size must be a positive integer');
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
  return chunks;
}

/** A jsonata sequence: a one-item result collapses to the item, as AWS's $range does. */
function sequence<T>(items: T[]): T[] {
  return Object.assign(items, { sequence: true });
}

function range(start: number, end: number, step: number): number[] {
  if (![start, end, step].every(Number.isInteger) || step === 0) fail('range', 'the arguments must be integers and the step non-zero');
  const out: number[] = [];
  for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
    if (out.length >= MAX_RANGE_ITEMS) fail('range', `the range exceeds ${MAX_RANGE_ITEMS} items`);
    out.push(v);
  }
  return sequence(out);
}

function hash(value: unknown, algorithm: string): string {
  const digest = HASH_ALGORITHMS[algorithm];
  if (!digest) fail('hash', `unsupported algorithm '${algorithm}'`);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return createHash(digest).update(text, 'utf8').digest('hex');
}

/** A deterministic generator for a seed (mulberry32), so `$random(seed)` repeats its value. */
function seeded(seed: number): number {
  let t = (Math.trunc(seed) + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail('parse', 'the argument is not valid JSON text');
  }
}

type Native = (this: unknown, ...args: unknown[]) => Promise<unknown>;

let jsonataSort: Promise<Native> | undefined;

/** jsonata's own $sort, for a comparator function: each comparison it makes is evaluated, so its timeout applies. */
function originalSort(): Promise<Native> {
  jsonataSort ??= jsonata('$sort')
    .evaluate(undefined)
    .then((f) => (f as { implementation: Native }).implementation);
  return jsonataSort;
}

/** $sort: numbers or strings in ascending order (stable), as jsonata's, in n log n. */
async function sort(this: unknown, array: unknown[] | undefined, comparator?: unknown): Promise<unknown> {
  if (comparator !== undefined) return (await originalSort()).call(this, array, comparator);
  if (array === undefined || array.length <= 1) return array;
  const numbers = array.every((v) => typeof v === 'number');
  if (!numbers && !array.every((v) => typeof v === 'string')) throw { code: 'D3070', index: 1 };
  return [...(array as (number | string)[])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** $distinct: the first of each group of deep-equal items, in order, in one pass. */
function distinct(array: unknown): unknown {
  if (!Array.isArray(array) || array.length <= 1) return array;
  const seen = new Set<string>();
  const unique = array.filter((item) => {
    const key = canonicalJson(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return (array as { sequence?: boolean }).sequence ? sequence(unique) : unique;
}

export function registerStepFunctionsFunctions(expression: jsonata.Expression): void {
  expression.registerFunction('sort', sort, '<af?:a>');
  expression.registerFunction('distinct', distinct, '<x:x>');
  expression.registerFunction('partition', partition, '<an:a>');
  expression.registerFunction('range', (s: number, e: number, st?: number) => range(s, e, st ?? 1), '<nnn?:a>');
  expression.registerFunction('hash', hash, '<xs:s>');
  expression.registerFunction('random', (seed?: number) => (seed === undefined ? Math.random() : seeded(seed)), '<n?:n>');
  expression.registerFunction('uuid', () => randomUUID(), '<:s>');
  expression.registerFunction('parse', parse, '<s:x>');
}
