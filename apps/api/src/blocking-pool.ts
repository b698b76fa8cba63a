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

  async with<T>(fn: (conn: Redis) => Promise<T>): Promise<T> {
    const conn = this.idle.pop() ?? this.open();
    try {
      return await fn(conn);
    } catch (e) {
      this.drop(conn);
      throw e;
    } finally {
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
