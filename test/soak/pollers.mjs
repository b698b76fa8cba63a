// The soak's activity workers: long polls on GetActivityTask, every token recorded (a token
// handed out twice is a duplicated dispatch), answers sent until acknowledged or refused.
import { GetActivityTaskCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, isRetryable, withRetry } from './client.mjs';

export class Pollers {
  /** `aim()`: ms to wait so an answer reaches the api just after a barrier, when the kills come. */
  constructor({ pollClient, client, activityArn, count, stats, aim = () => 0 }) {
    Object.assign(this, { pollClient, client, activityArn, count, stats, aim });
    this.running = false;
    this.abort = new AbortController();
    /** token -> { owner, times, receivedAt, beats: [ack times], answerAt (acknowledged), refused } */
    this.tokens = new Map();
    /** owner execution ARN -> the records of the tokens its activity tasks were handed out with */
    this.owners = new Map();
    /** parent execution ARN -> acknowledged answers to its callback token */
    this.parentAcks = new Map();
    this.duplicates = [];
    this.inFlight = new Set();
    this.loops = [];
    this.pollErrors = 0;
    this.pollErrorSamples = [];
  }

  start() {
    this.running = true;
    for (let k = 0; k < this.count; k++) this.loops.push(this.loop(k));
  }

  async stop() {
    this.running = false;
    this.abort.abort();
    await Promise.allSettled(this.loops);
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(5_000)]);
  }

  tokensOf(arn) {
    return this.owners.get(arn) ?? [];
  }

  async loop(k) {
    while (this.running) {
      let task;
      try {
        task = await this.pollClient.send(new GetActivityTaskCommand({ activityArn: this.activityArn, workerName: `soak-${k}` }), { abortSignal: this.abort.signal });
      } catch (e) {
        if (!this.running) return;
        // The poll died (api killed, Redis down): a task the api had recorded as handed out is
        // lost to this poller and ends by its TimeoutSeconds, as on AWS.
        this.pollErrors++;
        if (this.pollErrorSamples.length < 5 && !isRetryable(e)) this.pollErrorSamples.push(describeError(e));
        await sleep(200);
        continue;
      }
      if (!task.taskToken) continue;
      const input = JSON.parse(task.input ?? '{}');
      const seen = this.tokens.get(task.taskToken);
      if (seen) {
        seen.times++;
        this.duplicates.push({ owner: input.owner, kind: input.soak });
        continue; // answered (or held) once already
      }
      const rec = { owner: input.owner, times: 1, receivedAt: Date.now(), beats: [] };
      this.tokens.set(task.taskToken, rec);
      if (!this.owners.has(input.owner)) this.owners.set(input.owner, []);
      this.owners.get(input.owner).push(rec);
      const job = this.handle(task.taskToken, input, rec).catch((e) => {
        this.stats.pollerFaults.push(`${input.owner}: ${describeError(e)}`);
      });
      this.inFlight.add(job);
      void job.finally(() => this.inFlight.delete(job));
    }
  }

  async handle(token, input, rec) {
    await sleep(Math.floor(Math.random() * 300)); // hold it a moment: kills land while tasks are out
    switch (input.soak) {
      case 'work':
        if (input.mode === 'heartbeat') {
          for (let beat = 0; beat < 2; beat++) {
            if (!(await this.send('SendTaskHeartbeat', () => new SendTaskHeartbeatCommand({ taskToken: token })))) return;
            rec.beats.push(Date.now());
            await sleep(1000);
          }
        }
        await sleep(this.aim());
        if (input.mode === 'flaky' && input.retry === 0) return this.answer(token, rec, { error: 'Soak.Flaky', cause: 'the first attempt fails' });
        return this.answer(token, rec, { output: { ok: input.id } });
      case 'gate':
        await sleep(this.aim());
        if (input.redrive === 0) return this.answer(token, rec, { error: 'Soak.Deliberate', cause: 'fails until redriven' });
        return this.answer(token, rec, { output: { redriven: input.redrive } });
      case 'callback': {
        await sleep(this.aim());
        const acked = await this.send('callback', () => new SendTaskSuccessCommand({ taskToken: input.token, output: JSON.stringify({ cb: input.id }) }));
        if (acked) this.parentAcks.set(input.parent, (this.parentAcks.get(input.parent) ?? 0) + 1);
        return this.answer(token, rec, { output: { answered: true } });
      }
      case 'hold':
        return; // held until the execution is stopped
      default:
        throw new Error(`unknown task ${JSON.stringify(input)}`);
    }
  }

  async answer(token, rec, { output, error, cause }) {
    const make = () => (output !== undefined
      ? new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })
      : new SendTaskFailureCommand({ taskToken: token, error, cause }));
    if (await this.send(output !== undefined ? 'SendTaskSuccess' : 'SendTaskFailure', make)) rec.answerAt = Date.now();
    else rec.refused = true;
  }

  /**
   * Sends until acknowledged (true) or refused (false: TaskTimedOut, as for a task a retried
   * call already answered, or one that timed out while the api was down).
   */
  async send(label, make) {
    try {
      await withRetry(this.stats, label, () => this.client.send(make()), { deadlineMs: 120_000 });
      return true;
    } catch (e) {
      if (e?.name === 'TaskTimedOut') return false;
      throw e;
    }
  }
}
