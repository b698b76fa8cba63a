import type { Redis } from 'ioredis';
import { keys, type ActivityStore, type QueuedTask } from '@redstep/store';

/** A task taken for a poll: `raw` is the entry as it sits in the activity's hand-out list. */
export interface Taken {
  task: QueuedTask;
  raw: string;
}

/** At most this many tasks per take: one round trip serves that many waiting polls. */
const TAKE_BATCH = 64;
/** Waiting polls also look this often, in case a ready message was missed (a reconnect, an older worker). */
const SWEEP_MS = 1_000;

interface Poll {
  /** Answers the poll once: a task, or nothing (time-out, hang-up, shutdown). */
  settle(taken: Taken | undefined): void;
  settled: boolean;
}

/** One activity's waiting polls, oldest first. Polls that left are skipped, and swept out when they pile up. */
class PollQueue {
  private polls: Poll[] = [];
  live = 0;

  add(poll: Poll, first: boolean): void {
    if (first) this.polls.unshift(poll);
    else this.polls.push(poll);
    this.live++;
  }

  /** The oldest poll still waiting, taken off the queue. */
  next(): Poll | undefined {
    for (let poll = this.polls.shift(); poll; poll = this.polls.shift()) {
      if (!poll.settled) {
        this.live--;
        return poll;
      }
    }
    return undefined;
  }

  left(): void {
    this.live--;
    if (this.polls.length > 64 && this.live < this.polls.length / 2) this.polls = this.polls.filter((p) => !p.settled);
  }

  drop(): Poll[] {
    const polls = this.polls;
    this.polls = [];
    this.live = 0;
    return polls;
  }
}

/**
 * GetActivityTask's long polls, multiplexed: however many polls wait, an api process holds one
 * Redis connection more, a subscriber to the activity ready channel. Pushes announce the task
 * list they grew; when polls wait on that activity, tasks are taken for them without blocking,
 * on the shared connection, and handed to the oldest poll first.
 */
export class ActivityPolls {
  private readonly queues = new Map<string, PollQueue>();
  /** Task list key -> activity name, for the activities with waiting polls. */
  private readonly byList = new Map<string, string>();
  private readonly busy = new Set<string>();
  private readonly again = new Set<string>();
  private subscriber: Redis | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly activities: ActivityStore,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Subscribes to the ready channel on a connection of its own; polls may wait meanwhile (the sweep serves them). */
  start(base: Redis): void {
    const sub = base.duplicate({ enableAutoPipelining: false });
    this.subscriber = sub;
    sub.on('error', this.onError);
    sub.on('message', (_channel: string, list: string) => {
      const name = this.byList.get(list);
      if (name !== undefined) this.serve(name);
    });
    // Resubscribed after a reconnect: a push may have been announced while it was down.
    sub.on('ready', () => this.sweep());
    sub.subscribe(keys.activityReady()).catch(this.onError);
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /**
   * Waits up to `ms` for a task of activity `name`: undefined on time-out, when `gone` aborts,
   * or on close. `first` keeps a poll's place at the head (the task it got was stale).
   */
  wait(name: string, ms: number, gone: AbortSignal, first = false): Promise<Taken | undefined> {
    if (this.closed || gone.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const queue = this.queueOf(name);
      const poll: Poll = {
        settled: false,
        settle(taken) {
          if (poll.settled) return;
          poll.settled = true;
          clearTimeout(timer);
          gone.removeEventListener('abort', leave);
          resolve(taken);
        },
      };
      const leave = () => {
        if (poll.settled) return;
        poll.settle(undefined);
        queue.left();
        this.forgetIfIdle(name, queue);
      };
      const timer = setTimeout(leave, ms);
      gone.addEventListener('abort', leave, { once: true });
      queue.add(poll, first);
      this.serve(name);
    });
  }

  /** Waiting polls on this process, for tests and metrics. */
  waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.live;
    return n;
  }

  /** Answers every waiting poll with nothing and lets go of the subscriber. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const queue of this.queues.values()) for (const poll of queue.drop()) poll.settle(undefined);
    this.queues.clear();
    this.byList.clear();
    this.subscriber?.disconnect();
  }

  private queueOf(name: string): PollQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new PollQueue();
      this.queues.set(name, queue);
      this.byList.set(keys.activityTasks(name), name);
    }
    return queue;
  }

  private forgetIfIdle(name: string, queue: PollQueue): void {
    if (queue.live > 0 || this.queues.get(name) !== queue) return;
    this.queues.delete(name);
    this.byList.delete(keys.activityTasks(name));
  }

  private sweep(): void {
    for (const name of this.queues.keys()) this.serve(name);
  }

  /** Takes tasks for the activity's waiting polls; one round at a time per activity, another round if asked meanwhile. */
  private serve(name: string): void {
    if (this.busy.has(name)) {
      this.again.add(name);
      return;
    }
    this.busy.add(name);
    this.drain(name)
      .catch(this.onError)
      .finally(() => this.busy.delete(name));
  }

  private async drain(name: string): Promise<void> {
    for (;;) {
      this.again.delete(name);
      const queue = this.queues.get(name);
      if (!queue || queue.live === 0) return;
      const want = Math.min(queue.live, TAKE_BATCH);
      const taken = await this.activities.take(name, want);
      const unclaimed: string[] = [];
      for (const t of taken) {
        const poll = queue.next();
        if (poll) poll.settle(t);
        else unclaimed.push(t.raw); // its poll left while the take was on its way
      }
      this.forgetIfIdle(name, queue);
      // Back at the head of the list, and announced: another process's poll may want them.
      if (unclaimed.length > 0) await this.activities.putBack(name, unclaimed);
      // Fewer than asked: the list is empty, unless a push was announced meanwhile.
      if (taken.length < want && !this.again.has(name)) return;
    }
  }
}
