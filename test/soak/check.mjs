// The final check of every execution (and every child it started) against its expectation.
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { isDeepStrictEqual } from 'node:util';
import { withRetry } from './client.mjs';

const TERMINAL = { SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', ABORTED: 'ExecutionAborted', TIMED_OUT: 'ExecutionTimedOut' };
const CLOSES = Object.values(TERMINAL);
const ACTIVITY_CLOSES = ['ActivitySucceeded', 'ActivityFailed', 'ActivityTimedOut'];
/** Clock slack between the soak's own timestamps and the history's (one machine, one clock). */
const SLACK_MS = 300;

export async function describe(client, stats, executionArn) {
  try {
    return await withRetry(stats, 'DescribeExecution', () => client.send(new DescribeExecutionCommand({ executionArn })));
  } catch (e) {
    if (e?.name === 'ExecutionDoesNotExist') return undefined;
    throw e;
  }
}

export async function history(client, stats, executionArn) {
  const events = [];
  let nextToken;
  do {
    const page = await withRetry(stats, 'GetExecutionHistory', () => client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 })));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export async function listAll(client, stats, stateMachineArn) {
  const out = [];
  let nextToken;
  do {
    const page = await withRetry(stats, 'ListExecutions', () => client.send(new ListExecutionsCommand({ stateMachineArn, nextToken, maxResults: 1000 })));
    out.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

const parse = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * Checks one execution's description and history against `exp`; returns problems as
 * `{ category, msg }` with category lost | wrong | duplicated. `pollers` supplies the tokens
 * the soak's pollers received and the answers the api acknowledged, per owning execution.
 */
export function checkExecution(d, events, exp, pollers) {
  const problems = [];
  const wrong = (msg) => problems.push({ category: 'wrong', msg });
  const dup = (msg) => problems.push({ category: 'duplicated', msg });
  if (!d) return { problems: [{ category: 'lost', msg: 'does not exist' }], activityTimeouts: 0, lateAnswers: 0 };
  if (d.status === 'RUNNING') problems.push({ category: 'lost', msg: `still RUNNING (expected ${exp.status})` });
  else if (d.status !== exp.status) wrong(`status ${d.status} (${d.error ?? ''}: ${String(d.cause ?? '').slice(0, 160)}), expected ${exp.status}`);
  if (d.status === exp.status) {
    if ('output' in exp && !isDeepStrictEqual(parse(d.output), exp.output)) wrong(`output ${d.output}, expected ${JSON.stringify(exp.output)}`);
    if ('error' in exp && d.error !== exp.error) wrong(`error ${d.error}, expected ${exp.error}`);
    if ('cause' in exp && d.cause !== exp.cause) wrong(`cause ${d.cause}, expected ${exp.cause}`);
  }
  if ((d.redriveCount ?? 0) !== (exp.redriveCount ?? 0)) wrong(`redriveCount ${d.redriveCount}, expected ${exp.redriveCount ?? 0}`);

  // History: ids 1..n, one start, one close per run (a redrive reopens), the last event the close.
  const gaps = events.findIndex((e, k) => e.id !== k + 1);
  if (gaps >= 0) wrong(`history ids not 1..n: event #${gaps + 1} has id ${events[gaps].id} (${events[gaps].type})`);
  const count = (type) => events.filter((e) => e.type === type).length;
  if (events[0]?.type !== 'ExecutionStarted') wrong(`first event ${events[0]?.type}`);
  if (count('ExecutionStarted') > 1) dup(`ExecutionStarted x${count('ExecutionStarted')}`);
  const closes = events.filter((e) => CLOSES.includes(e.type)).length;
  const runs = 1 + count('ExecutionRedriven');
  if (closes > runs) dup(`${closes} close events for ${runs} run(s): ${events.filter((e) => CLOSES.includes(e.type)).map((e) => e.type).join(', ')}`);
  if (d.status !== 'RUNNING') {
    if (closes < runs) wrong(`${closes} close events for ${runs} run(s)`);
    const last = events[events.length - 1]?.type;
    if (last !== TERMINAL[d.status]) wrong(`last event ${last}, status ${d.status}`);
  }
  if (count('ExecutionRedriven') > (exp.redriveCount ?? 0)) dup(`ExecutionRedriven x${count('ExecutionRedriven')}`);

  // Each named state entered as often as the definition says; every exit after its entry.
  const entered = {};
  const exited = {};
  for (const e of events) {
    const name = e.stateEnteredEventDetails?.name;
    if (name !== undefined) entered[name] = (entered[name] ?? 0) + 1;
    const out = e.stateExitedEventDetails?.name;
    if (out !== undefined) exited[out] = (exited[out] ?? 0) + 1;
  }
  if (d.status === exp.status) {
    for (const [name, n] of Object.entries(exp.entered ?? {})) {
      const got = entered[name] ?? 0;
      if (got > n) dup(`state ${name} entered ${got} times, expected ${n}`);
      else if (got < n) wrong(`state ${name} entered ${got} times, expected ${n}`);
    }
  } else {
    for (const [name, n] of Object.entries(exp.entered ?? {})) if ((entered[name] ?? 0) > n) dup(`state ${name} entered ${entered[name]} times, expected ${n}`);
  }
  for (const [name, n] of Object.entries(exp.enteredAtMost ?? {})) if ((entered[name] ?? 0) > n) dup(`state ${name} entered ${entered[name]} times, at most ${n}`);
  for (const name of Object.keys(exited)) if (exited[name] > (entered[name] ?? 0)) dup(`state ${name} exited ${exited[name]} times, entered ${entered[name] ?? 0}`);
  for (const name of Object.keys(entered)) if (!(name in (exp.entered ?? {})) && !(name in (exp.enteredAtMost ?? {}))) wrong(`unexpected state ${name} entered`);

  for (const [type, n] of Object.entries(exp.exact ?? {})) {
    const got = count(type);
    if (got > n) dup(`${type} x${got}, expected ${n}`);
    else if (got < n && d.status === exp.status) wrong(`${type} x${got}, expected ${n}`);
  }
  for (const [type, n] of Object.entries(exp.atMost ?? {})) if (count(type) > n) dup(`${type} x${count(type)}, at most ${n}`);

  // Activities: every hand-out recorded as started, no more answers than tokens handed out,
  // every scheduled task closed once, and no acknowledged answer or heartbeat overridden by a
  // time-out that came later. Each owner has one activity task open at a time, so a token's
  // attempt closes with the first close event after the poller received it.
  const scheduled = count('ActivityScheduled');
  const started = count('ActivityStarted');
  const answered = count('ActivitySucceeded') + count('ActivityFailed');
  const timedOut = count('ActivityTimedOut');
  const tokens = pollers.tokensOf(d.executionArn);
  if (started > scheduled) dup(`ActivityStarted x${started} for ActivityScheduled x${scheduled}`);
  if (answered + timedOut > scheduled) dup(`${answered + timedOut} activity closes for ${scheduled} scheduled`);
  if (d.status !== 'RUNNING' && d.status !== 'ABORTED' && answered + timedOut < scheduled) wrong(`${scheduled - answered - timedOut} activity task(s) never closed`);
  if (tokens.length > started) wrong(`pollers received ${tokens.length} tokens, history has ActivityStarted x${started}`);
  if (answered > tokens.length) dup(`${answered} activity answers recorded for ${tokens.length} tokens handed out`);
  const at = (ms) => new Date(ms).toISOString().slice(11, 23);
  const closesOfActivities = events.filter((e) => ACTIVITY_CLOSES.includes(e.type));
  let lateAnswers = 0;
  for (const t of tokens) {
    const close = closesOfActivities.find((e) => e.timestamp.getTime() >= t.receivedAt - SLACK_MS);
    if (!close) {
      if (t.answerAt !== undefined && d.status !== 'RUNNING' && d.status !== 'ABORTED') wrong(`answer acknowledged at ${at(t.answerAt)}, but its task never closed`);
      continue;
    }
    if (close.type !== 'ActivityTimedOut') continue;
    const closedAt = close.timestamp.getTime();
    const error = close.activityTimedOutEventDetails?.error;
    if (t.answerAt !== undefined) {
      if (t.answerAt < closedAt - SLACK_MS) {
        problems.push({
          category: 'wrong',
          tag: 'answer-lost',
          msg: `answer acknowledged at ${at(t.answerAt)} (token received ${at(t.receivedAt)}), yet the task timed out (${error}) ${((closedAt - t.answerAt) / 1000).toFixed(1)} s later at ${at(closedAt)}: an acknowledged answer lost`,
        });
      } else {
        lateAnswers++; // acknowledged as the time-out was committing: a race, not a loss
      }
    }
    const lastBeat = t.beats[t.beats.length - 1];
    if (error === 'States.HeartbeatTimeout' && exp.heartbeatSeconds && lastBeat !== undefined && closedAt < lastBeat + exp.heartbeatSeconds * 1000 - SLACK_MS) {
      problems.push({ category: 'wrong', tag: 'heartbeat-lost', msg: `HeartbeatTimeout at ${at(closedAt)}, ${((closedAt - lastBeat) / 1000).toFixed(1)} s after a heartbeat acknowledged at ${at(lastBeat)} (HeartbeatSeconds ${exp.heartbeatSeconds})` });
    }
  }
  const parentAcks = pollers.parentAcks.get(d.executionArn) ?? 0;
  if (parentAcks > count('TaskSucceeded')) wrong(`callback answer acknowledged ${parentAcks}x, TaskSucceeded x${count('TaskSucceeded')}`);
  return { problems, activityTimeouts: timedOut, lateAnswers };
}

/** The ExecutionArn a nested-execution Task's TaskSubmitted event answered, if any. */
export function submittedChild(events) {
  for (const e of events) {
    if (e.type !== 'TaskSubmitted') continue;
    const out = parse(e.taskSubmittedEventDetails?.output ?? '');
    if (out && typeof out === 'object' && typeof out.ExecutionArn === 'string') return out.ExecutionArn;
  }
  return undefined;
}
