import type { Redis } from 'ioredis';

/**
 * Connections for blocking reads (GetActivityTask's long poll). A blocking command holds its
 * connection, so each waiting poller borrows one; idle ones are kept for reuse up to a cap.
 */
export class BlockingPool {
  private readonly idle: Redis[] = [];
  private readonly all = new Set<Redis>();

  constructor(
    private readonly base: Redis,
    private readonly maxIdle = 64,
  ) {}

  /**
   * Runs `fn` on a borrowed connection. When `signal` aborts, the connection is closed, which
   * ends a blocking command at once (Redis drops the blocked client) and `fn` rejects.
   */
  async with<T>(fn: (conn: Redis) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const conn = this.idle.pop() ?? this.open();
    const abort = () => this.drop(conn);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      if (signal?.aborted) throw new Error('aborted');
      return await fn(conn);
    } catch (e) {
      this.drop(conn);
      throw e;
    } finally {
      signal?.removeEventListener('abort', abort);
      if (this.all.has(conn)) {
        if (this.idle.length < this.maxIdle) this.idle.push(conn);
        else this.drop(conn);
      }
    }
  }

  /** Ends every connection: blocked polls wake with an error and the api answers them. */
  close(): void {
    for (const conn of this.all) conn.disconnect();
    this.all.clear();
    this.idle.length = 0;
  }

  private open(): Redis {
    const conn = this.base.duplicate({ enableAutoPipelining: false });
    this.all.add(conn);
    return conn;
  }

  private drop(conn: Redis): void {
    this.all.delete(conn);
    conn.disconnect();
  }
}
