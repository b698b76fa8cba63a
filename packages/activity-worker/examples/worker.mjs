// An activity worker for a RedStep endpoint (or AWS itself): it greets whoever the task names.
//
//   npm run build                                   # from the repository root
//   export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
//   export AWS_ENDPOINT_URL_SFN=http://localhost:8083   # leave unset to use AWS
//   aws --endpoint-url $AWS_ENDPOINT_URL_SFN stepfunctions create-activity --name greet
//   ACTIVITY_ARN=arn:aws:states:us-east-1:123456789012:activity:greet \
//     node packages/activity-worker/examples/worker.mjs
//
// A Task state with "Resource": "<ACTIVITY_ARN>" and input {"who": "world", "workMs": 500}
// then gets {"greeting": "Hello, world!"}; {"who": ""} fails with MissingName. SIGTERM (or
// Ctrl-C) drains: no new polls, the tasks in hand finish, then the process exits.
//
// Settings: ACTIVITY_ARN (required), CONCURRENCY (8), POLLERS (2), HEARTBEAT_SECONDS (10),
// GRACE_SECONDS (20). The Step Functions client comes from the environment as above.
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityWorker } from '@redstep/activity-worker';

class MissingName extends Error {
  name = 'MissingName';
}

const env = (name, fallback) => (process.env[name] === undefined || process.env[name] === '' ? fallback : Number(process.env[name]));
const activityArn = process.env.ACTIVITY_ARN;
if (!activityArn) {
  process.stderr.write('set ACTIVITY_ARN to the activity to poll\n');
  process.exit(2);
}

const log = (event, fields) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);

const worker = new ActivityWorker({
  activityArn,
  concurrency: env('CONCURRENCY', 8),
  pollers: env('POLLERS', 2),
  heartbeatSeconds: env('HEARTBEAT_SECONDS', 10),
  graceSeconds: env('GRACE_SECONDS', 20),
  shutdownSignals: ['SIGTERM', 'SIGINT'],
  /** @param {{ who?: string, workMs?: number }} input */
  async handler(input, { signal }) {
    if (!input.who) throw new MissingName('the input names no one to greet ("who")');
    // Slow work stands in for a real job; it gives up when the worker gives the task up.
    await sleep(input.workMs ?? 0, undefined, { signal });
    return { greeting: `Hello, ${input.who}!` };
  },
  hooks: {
    taskStarted: ({ taskToken }) => log('taskStarted', { task: taskToken.slice(-12) }),
    taskSucceeded: ({ taskToken, durationMs }) => log('taskSucceeded', { task: taskToken.slice(-12), durationMs: Math.round(durationMs) }),
    taskFailed: ({ taskToken, error, durationMs }) => log('taskFailed', { task: taskToken.slice(-12), error, durationMs: Math.round(durationMs) }),
    taskTimedOut: ({ taskToken }) => log('taskTimedOut', { task: taskToken.slice(-12) }),
    stopped: () => log('stopped', { metrics: worker.metrics() }),
  },
});

worker.start();
log('started', { activityArn, workerName: worker.workerName });
