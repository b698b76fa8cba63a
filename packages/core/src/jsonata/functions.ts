/**
 * The functions Step Functions adds to JSONata: $partition, $range, $hash, $random, $uuid, $parse.
 * Errors are thrown as jsonata-style `{code, message}` objects so causes read like jsonata's own.
 */
import { createHash, randomUUID } from 'node:crypto';
import type jsonata from 'jsonata';

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

export function registerStepFunctionsFunctions(expression: jsonata.Expression): void {
  expression.registerFunction('partition', partition, '<an:a>');
  expression.registerFunction('range', (s: number, e: number, st?: number) => range(s, e, st ?? 1), '<nnn?:a>');
  expression.registerFunction('hash', hash, '<xs:s>');
  expression.registerFunction('random', (seed?: number) => (seed === undefined ? Math.random() : seeded(seed)), '<n?:n>');
  expression.registerFunction('uuid', () => randomUUID(), '<:s>');
  expression.registerFunction('parse', parse, '<s:x>');
}
