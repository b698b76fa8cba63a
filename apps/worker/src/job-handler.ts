import { STEP_QUEUE, type Logger, type Metrics, type StepJob } from '@redstep/store';
import { RetryLater, type StepProcessor } from './step-processor.js';

/** What the handler reads of a BullMQ job: its data and how many attempts it has had and has. */
export interface AttemptedJob {
  data: StepJob;
  attemptsMade: number;
  opts: { attempts?: number };
}

/**
 * The BullMQ processor of the step queue. A failed attempt is thrown back for BullMQ to retry;
 * the last attempt instead fails the job's execution (States.Runtime, through a fenced commit),
 * so an execution never waits for ever on a job that is gone (DESIGN.md rule 2).
 */
export function stepJobHandler(processor: StepProcessor, m: Metrics, log: Logger) {
  const labels = { queue: STEP_QUEUE };
  let inFlight = 0;
  const idle: (() => void)[] = [];
  const handle = async (job: AttemptedJob): Promise<void> => {
    inFlight++;
    m.workerJobsInFlight.inc(labels);
    const end = m.workerJobDuration.startTimer(labels);
    try {
      const committed = await processor.process(job.data);
      m.workerJobs.inc({ ...labels, outcome: committed ? 'committed' : 'fenced' });
    } catch (e) {
      const retried = e instanceof RetryLater;
      const err = String((e as Error)?.stack ?? e);
      const about = { executionArn: job.data.e, job: job.data.k, path: job.data.p };
      const attempt = job.attemptsMade + 1;
      if (attempt < (job.opts.attempts ?? 1)) {
        // BullMQ retries the job; the line says which execution and which wake it was about.
        log[retried ? 'info' : 'error']({ ...about, attempt, err }, 'step job failed');
        m.workerJobs.inc({ ...labels, outcome: retried ? 'retried' : 'failed' });
        throw e;
      }
      m.workerJobs.inc({ ...labels, outcome: 'exhausted' });
      log.error({ ...about, attempts: attempt, err }, 'step job exhausted its attempts: failing its execution');
      await processor.failExecution(job.data, `A step job exhausted its ${attempt} attempts: ${(e as Error)?.message ?? String(e)}`);
    } finally {
      end();
      m.workerJobsInFlight.dec(labels);
      if (--inFlight === 0) for (const resolve of idle.splice(0)) resolve();
    }
  };
  /** Resolves once no job is being processed, or after `ms` (whatever is left then is retried elsewhere). */
  const drained = (ms: number): Promise<void> => {
    if (inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  };
  return Object.assign(handle, { drained });
}
