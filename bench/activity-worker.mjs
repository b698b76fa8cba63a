// The activity worker of `npm run bench:activity`, in a process of its own: @redstep/activity-worker
// on one activity, answering each task at once. Driven over IPC by bench/activity.mjs: `report`
// answers with the tasks answered so far, its CPU seconds and the dispatch times (task received minus the `t`
// its input carries, epoch ms), `stop` drains and exits.
import http from 'node:http';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ActivityWorker } from '@redstep/activity-worker';

const { endpoint, activityArn, pollers, concurrency } = JSON.parse(process.argv[2]);
const client = new SFNClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  requestHandler: { requestTimeout: 70_000, httpAgent: new http.Agent({ keepAlive: true, maxSockets: pollers + concurrency + 8 }) },
});
let answered = 0;
let dispatch = [];
const worker = new ActivityWorker({
  activityArn,
  client,
  pollers,
  concurrency,
  shutdownSignals: false,
  logger: false,
  async handler(input) {
    dispatch.push(Date.now() - input.t);
    return {};
  },
  hooks: { taskSucceeded: () => answered++ },
});
worker.start();
process.on('message', async (m) => {
  if (m === 'report') {
    const cpu = process.cpuUsage();
    process.send({ answered, dispatch, cpu: (cpu.user + cpu.system) / 1e6 });
    dispatch = [];
  } else if (m === 'stop') {
    await worker.stop();
    process.exit(0);
  }
});
process.send('ready');
