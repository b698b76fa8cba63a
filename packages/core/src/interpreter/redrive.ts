import type { Cursor, Fanout } from './types.js';

/**
 * The cursor a redriven execution resumes from, given the one it closed with (the failed frames
 * on a failure, the running ones on an abort or timeout). Frames that were waiting or failed
 * run their state again from its start (entered anew, retries counted afresh); a Parallel or
 * Map keeps its children's results and runs again only the children that failed or were
 * aborted, each from where it stood. A distributed Map's map run records that it was redriven.
 * `closedAt`: when the execution closed (its children running then were aborted with it).
 */
export function redriveCursor(cursor: Cursor, closedAt?: number): Cursor {
  const out: Cursor = { ...cursor, attempts: [] };
  delete out.wake;
  delete out.task;
  delete out.until;
  delete out.untilKind;
  if (!cursor.fanout) {
    out.entered = false;
    return out;
  }
  out.fanout = redriveFanout(cursor.fanout, closedAt);
  return out;
}

function redriveFanout(f: Fanout, closedAt: number | undefined): Fanout {
  const redo: Record<string, Cursor> = {};
  for (const [index, child] of Object.entries(f.redo ?? {})) redo[index] = child;
  for (const [index, child] of Object.entries(f.running)) redo[index] = redriveCursor(child, closedAt);
  const failed = Object.entries(f.failedFrames ?? {});
  for (const [index, child] of failed) redo[index] = redriveCursor(child, closedAt);
  const out: Fanout = { ...f, running: {}, done: f.done - failed.length, failed: f.failed - failed.length };
  delete out.failedFrames;
  delete out.errors;
  delete out.stopped;
  delete out.timedOut;
  delete out.deadlines;
  if (Object.keys(redo).length > 0) out.redo = redo;
  else delete out.redo;
  if (f.mapRun) out.mapRun = { ...f.mapRun, redriven: true };
  // A distributed Map's children still running when the parent closed were aborted with it; their
  // histories, which no step of theirs ended, record it when the redrive runs them again.
  if (f.children && closedAt !== undefined) {
    const children = { ...f.children };
    for (const index of Object.keys(f.running)) {
      const known = children[index];
      if (known && !known.e) children[index] = { ...known, x: closedAt };
    }
    out.children = children;
  }
  return out;
}
