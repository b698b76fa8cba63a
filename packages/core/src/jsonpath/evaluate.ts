import { EvaluationBoundError } from '../bounded/budget.js';
import { StatesError } from '../errors.js';
import { invalidPathCause } from './causes.js';
import type { PathContext } from './context.js';
import { queryPath } from './query.js';
import { definiteSegments, normalizePath, type Segment } from './tokens.js';

export type PathLookup = { found: true; value: unknown } | { found: false; reason: string };

interface Rooted {
  root: unknown;
  /** The path with its root replaced by `$`, so that it reads the root value. */
  rest: string;
}

const VARIABLE = /^\$([^$.[\s]+)(.*)$/s;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `$$...` reads the context object, `$name...` a variable, `$...` the input. */
function splitRoot(path: string, input: unknown, ctx: PathContext): Rooted | PathLookup {
  if (path.startsWith('$$')) return { root: ctx.context, rest: path.slice(2) };
  const variable = VARIABLE.exec(path);
  if (variable) {
    const [, name, rest] = variable as unknown as [string, string, string];
    const vars = ctx.variables ?? {};
    if (!Object.prototype.hasOwnProperty.call(vars, name)) {
      return { found: false, reason: `No results for path: $${name}` };
    }
    return { root: vars[name], rest };
  }
  if (path.startsWith('$')) return { root: input, rest: path.slice(1) };
  return { found: false, reason: `Path must start with '$'` };
}

/** Walks a definite path the way Jayway does, with its messages for a miss. */
function walk(root: unknown, segments: readonly Segment[]): PathLookup {
  let current = root;
  for (const [k, segment] of segments.entries()) {
    const isLeaf = k === segments.length - 1;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return { found: false, reason: `No results for path: ${normalizePath(segments)}` };
      const index = segment < 0 ? current.length + segment : segment;
      if (index < 0 || index >= current.length) {
        return { found: false, reason: `No results for path: ${normalizePath(segments)}` };
      }
      current = current[index];
    } else if (isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = current[segment];
    } else if (isLeaf) {
      return { found: false, reason: `No results for path: ${normalizePath(segments)}` };
    } else {
      return { found: false, reason: `Missing property in path ${normalizePath(segments.slice(0, k + 1))}` };
    }
  }
  return { found: true, value: current };
}

/**
 * Reads a Path. A definite path yields its single node or a miss; any other path
 * (wildcard, slice, union, filter, deep scan) yields the list of matches, possibly empty.
 */
export function lookupPath(path: string, input: unknown, ctx: PathContext): PathLookup {
  const rooted = splitRoot(path.trim(), input, ctx);
  if ('found' in rooted) return rooted;
  ctx.budget?.tick();
  const segments = definiteSegments(rooted.rest);
  if (segments) return walk(rooted.root, segments);
  let matches: unknown[];
  try {
    matches = queryPath(`$${rooted.rest}`, rooted.root, ctx.budget);
  } catch (e) {
    if (e instanceof EvaluationBoundError) throw e;
    return { found: false, reason: e instanceof Error ? e.message : String(e) };
  }
  return { found: true, value: matches };
}

export function evaluatePath(path: string, input: unknown, ctx: PathContext): unknown {
  const result = lookupPath(path, input, ctx);
  if (!result.found) throw new StatesError('States.Runtime', invalidPathCause(path, result.reason));
  return result.value;
}
