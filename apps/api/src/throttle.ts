import { ThrottlingException } from '@redstep/core';
import type { BucketConfig, ThrottleConfig, ThrottleGroup } from '@redstep/store';

/** The bucket an action draws from, as AWS groups its Step Functions quotas. */
export function throttleGroup(action: string): ThrottleGroup {
  switch (action) {
    case 'StartExecution':
      return 'START_EXECUTION';
    case 'GetActivityTask':
      return 'GET_ACTIVITY_TASK';
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat':
      return 'SEND_TASK';
    default:
      return 'OTHER';
  }
}

interface Bucket {
  tokens: number;
  at: number;
  limit: BucketConfig;
}

/** How often buckets that have filled up again are dropped (a full bucket is the same as none). */
const SWEEP_EVERY_MS = 60_000;

/**
 * Token buckets per account and action group: a call takes a token or is refused with
 * ThrottlingException ("Rate exceeded", HTTP 400, as AWS answers). Each bucket starts full,
 * holds at most `burst` tokens and gains `perSecond` a second. The buckets live in this api
 * process: with N api replicas behind a load balancer an account gets up to N times the rate.
 */
export class Throttle {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(
    private readonly config: ThrottleConfig,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastSweep = now();
  }

  /** Whether any group is throttled at all. */
  get enabled(): boolean {
    return Object.keys(this.config).length > 0;
  }

  /** Takes a token for `action` in `account`'s bucket, or throws ThrottlingException. */
  take(account: string, action: string): void {
    const group = throttleGroup(action);
    const limit = this.config[group];
    if (!limit) return;
    const t = this.now();
    this.sweep(t);
    const key = `${account}\u0000${group}`;
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: t, limit };
    refill(bucket, t);
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      throw new ThrottlingException();
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
  }

  private sweep(t: number): void {
    if (t - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = t;
    for (const [key, bucket] of this.buckets) {
      refill(bucket, t);
      if (bucket.tokens >= bucket.limit.burst) this.buckets.delete(key);
    }
  }
}

function refill(bucket: Bucket, t: number): void {
  const elapsed = Math.max(0, t - bucket.at) / 1000;
  bucket.tokens = Math.min(bucket.limit.burst, bucket.tokens + elapsed * bucket.limit.perSecond);
  bucket.at = t;
}
