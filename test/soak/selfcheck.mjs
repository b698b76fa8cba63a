// The soak's checks, checked: synthetic descriptions and histories, each with one known fault,
// must be flagged in the right category, and a clean one must pass. Run before every soak
// (a harness that cannot see a loss proves nothing), or alone: node test/soak/selfcheck.mjs
import { checkExecution } from './check.mjs';
import { expectation } from './workload.mjs';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:soak-activity:x';
const T0 = Date.parse('2026-01-01T00:00:00Z');

function events(types) {
  return types.map(([type, extra = {}, at = 0], k) => ({ id: k + 1, type, timestamp: new Date(T0 + at), ...extra }));
}
const entered = (name) => ({ stateEnteredEventDetails: { name } });
const exited = (name) => ({ stateExitedEventDetails: { name } });

const plan = { kind: 'activity', name: 'x', input: { id: 1, mode: 'plain' } };
const exp = expectation(plan);
const good = () => events([
  ['ExecutionStarted', {}, 0],
  ['WaitStateEntered', entered('Before'), 10],
  ['WaitStateExited', exited('Before'), 1000],
  ['TaskStateEntered', entered('Work'), 1000],
  ['ActivityScheduled', {}, 1000],
  ['ActivityStarted', {}, 1100],
  ['ActivitySucceeded', {}, 1500],
  ['TaskStateExited', exited('Work'), 1500],
  ['PassStateEntered', entered('After'), 1500],
  ['PassStateExited', exited('After'), 1500],
  ['ExecutionSucceeded', {}, 1500],
]);
const described = (over = {}) => ({ executionArn: ARN, status: 'SUCCEEDED', output: JSON.stringify(exp.output), redriveCount: 0, ...over });
const tokens = (list) => ({ tokensOf: (arn) => (arn === ARN ? list : []), parentAcks: new Map() });
const oneToken = (over = {}) => tokens([{ owner: ARN, times: 1, receivedAt: T0 + 1150, beats: [], answerAt: T0 + 1400, ...over }]);

const cases = [
  ['a clean execution', described(), good(), oneToken(), []],
  ['missing', undefined, [], oneToken(), ['lost']],
  ['still RUNNING', described({ status: 'RUNNING' }), good().slice(0, 6), oneToken({ answerAt: undefined }), ['lost']],
  ['wrong output', described({ output: '{"id":1}' }), good(), oneToken(), ['wrong']],
  ['wrong status', described({ status: 'FAILED', error: 'States.Runtime' }), [...good().slice(0, 6), ...events([['ExecutionFailed']]).map((e) => ({ ...e, id: 7 }))], oneToken(), ['wrong']],
  ['a gap in event ids', described(), good().map((e) => (e.id > 5 ? { ...e, id: e.id + 1 } : e)), oneToken(), ['wrong']],
  ['two ExecutionSucceeded', described(), [...good(), { id: 12, type: 'ExecutionSucceeded', timestamp: new Date(T0 + 1600) }], oneToken(), ['duplicated']],
  ['a state entered twice', described(), (() => {
    const h = good();
    h.splice(9, 0, { type: 'PassStateEntered', ...entered('After'), timestamp: new Date(T0 + 1500) });
    return h.map((e, k) => ({ ...e, id: k + 1 }));
  })(), oneToken(), ['duplicated']],
  ['two activity answers for one token', described(), (() => {
    const h = good();
    h.splice(7, 0, { type: 'ActivitySucceeded', timestamp: new Date(T0 + 1500) }, { type: 'ActivityScheduled', timestamp: new Date(T0 + 1500) });
    return h.map((e, k) => ({ ...e, id: k + 1 }));
  })(), oneToken(), ['duplicated']],
  ['an acknowledged answer overridden by a later time-out', described(), (() => {
    const h = good();
    h.splice(6, 0,
      { type: 'ActivityTimedOut', activityTimedOutEventDetails: { error: 'States.Timeout' }, timestamp: new Date(T0 + 9000) },
      { type: 'ActivityScheduled', timestamp: new Date(T0 + 10000) },
      { type: 'ActivityStarted', timestamp: new Date(T0 + 10100) });
    return h.map((e, k) => ({ ...e, id: k + 1, timestamp: k >= 9 ? new Date(T0 + 11000) : e.timestamp }));
  })(), tokens([
    { owner: ARN, times: 1, receivedAt: T0 + 1150, beats: [], answerAt: T0 + 1400 },
    { owner: ARN, times: 1, receivedAt: T0 + 10150, beats: [], answerAt: T0 + 10400 },
  ]), ['wrong']],
  ['an acknowledged heartbeat ignored by a heartbeat time-out', described(), (() => {
    const h = good();
    h.splice(6, 0,
      { type: 'ActivityTimedOut', activityTimedOutEventDetails: { error: 'States.HeartbeatTimeout' }, timestamp: new Date(T0 + 8000) },
      { type: 'ActivityScheduled', timestamp: new Date(T0 + 9000) },
      { type: 'ActivityStarted', timestamp: new Date(T0 + 9100) });
    return h.map((e, k) => ({ ...e, id: k + 1, timestamp: k >= 9 ? new Date(T0 + 9500) : e.timestamp }));
  })(), tokens([
    { owner: ARN, times: 1, receivedAt: T0 + 1150, beats: [T0 + 5000] },
    { owner: ARN, times: 1, receivedAt: T0 + 9150, beats: [], answerAt: T0 + 9400 },
  ]), ['wrong']],
  ['more tokens received than hand-outs recorded', described(), good(), tokens([
    { owner: ARN, times: 1, receivedAt: T0 + 1150, beats: [], answerAt: T0 + 1400 },
    { owner: ARN, times: 1, receivedAt: T0 + 1160, beats: [] },
  ]), ['wrong']],
];

export function selfCheck() {
  const failures = [];
  for (const [label, d, h, pollers, want] of cases) {
    const { problems } = checkExecution(d, h, exp, pollers);
    const got = [...new Set(problems.map((p) => p.category))].sort();
    const ok = want.length === 0 ? got.length === 0 : want.every((c) => got.includes(c));
    if (process.env.SOAK_SELFCHECK_VERBOSE) console.log(`${label}: ${problems.map((p) => `[${p.category}] ${p.msg}`).join('; ') || 'ok'}`);
    if (!ok) failures.push(`${label}: expected [${want}], got [${got}] ${problems.map((p) => p.msg).join('; ')}`);
  }
  return failures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const failures = selfCheck();
  for (const f of failures) console.log(`✗ ${f}`);
  console.log(`selfcheck: ${cases.length - failures.length} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}
