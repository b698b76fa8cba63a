import { readFile } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '@redstep/store';

/** One access key the api accepts, and the account its caller acts in. */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** 12 digits. */
  accountId: string;
  /** When set, every request signed with this key must carry it in X-Amz-Security-Token. */
  sessionToken?: string;
}

export class CredentialsFileError extends Error {}

/**
 * Parses `{"credentials": [{accessKeyId, secretAccessKey, accountId, sessionToken?}]}`; throws
 * CredentialsFileError naming the first fault (never echoing a secret). Credentials may be of any
 * accounts: each account's resources are kept apart (docs/accounts.md).
 */
export function parseCredentials(text: string): Map<string, Credential> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CredentialsFileError(`not JSON: ${(e as Error).message}`);
  }
  const list = (doc as { credentials?: unknown } | null)?.credentials;
  if (!Array.isArray(list)) throw new CredentialsFileError('expected {"credentials": [...]}');
  const out = new Map<string, Credential>();
  list.forEach((entry: unknown, i) => {
    const at = `credentials[${i}]`;
    if (entry === null || typeof entry !== 'object') throw new CredentialsFileError(`${at} is not an object`);
    const { accessKeyId, secretAccessKey, accountId, sessionToken } = entry as Record<string, unknown>;
    if (typeof accessKeyId !== 'string' || !/^[A-Za-z0-9]{1,128}$/.test(accessKeyId)) throw new CredentialsFileError(`${at}.accessKeyId must be 1-128 letters and digits`);
    if (typeof secretAccessKey !== 'string' || secretAccessKey === '') throw new CredentialsFileError(`${at}.secretAccessKey must be a non-empty string`);
    if (typeof accountId !== 'string' || !/^\d{12}$/.test(accountId)) throw new CredentialsFileError(`${at}.accountId must be 12 digits`);
    if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken === '')) throw new CredentialsFileError(`${at}.sessionToken must be a non-empty string when given`);
    if (out.has(accessKeyId)) throw new CredentialsFileError(`${at}.accessKeyId '${accessKeyId}' appears twice`);
    const credential: Credential = { accessKeyId, secretAccessKey, accountId };
    if (sessionToken !== undefined) credential.sessionToken = sessionToken;
    out.set(accessKeyId, credential);
  });
  return out;
}

/** How often the file is read again, whatever the watcher saw. */
const POLL_MS = 1_000;

/**
 * The credentials of SFN_CREDENTIALS_FILE, kept current. The file is read again every second
 * and whenever a watcher on its directory reports a change: comparing contents (not inodes or
 * mtimes) follows an edit in place, an atomic rename over it, and a Kubernetes Secret's swap of
 * its `..data` symlink alike. A file that no longer parses leaves the last good credentials in
 * force, with an error logged.
 */
export class CredentialsFile {
  private credentials: Map<string, Credential>;
  private text: string;
  private readonly timer: NodeJS.Timeout;
  private readonly watcher: FSWatcher | undefined;
  private reading: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    text: string,
    private readonly log: Logger,
  ) {
    this.text = text;
    this.credentials = parseCredentials(text);
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
    this.timer.unref();
    this.watcher = watchDirectory(path, () => void this.refresh());
  }

  /** Reads and parses the file; throws (CredentialsFileError or the read's error) when it cannot. */
  static async open(path: string, log: Logger): Promise<CredentialsFile> {
    const text = await readFile(path, 'utf8');
    try {
      return new CredentialsFile(path, text, log);
    } catch (e) {
      if (e instanceof CredentialsFileError) throw new CredentialsFileError(`SFN_CREDENTIALS_FILE ${path}: ${e.message}`);
      throw e;
    }
  }

  get size(): number {
    return this.credentials.size;
  }

  lookup(accessKeyId: string): Credential | undefined {
    return this.credentials.get(accessKeyId);
  }

  /** Reads the file again now (one read at a time); resolves once the current one is done. */
  refresh(): Promise<void> {
    this.reading ??= this.reload().finally(() => (this.reading = undefined));
    return this.reading;
  }

  close(): void {
    clearInterval(this.timer);
    this.watcher?.close();
  }

  private async reload(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      // Mid-swap the name can be missing for a moment; the next poll reads it.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.error({ path: this.path, err: String(e) }, 'credentials file unreadable; keeping the last credentials');
      return;
    }
    if (text === this.text) return;
    this.text = text;
    try {
      this.credentials = parseCredentials(text);
      this.log.info({ path: this.path, credentials: this.credentials.size }, 'credentials file reloaded');
    } catch (e) {
      this.log.error({ path: this.path, err: (e as Error).message }, 'credentials file invalid; keeping the last credentials');
    }
  }
}

/** A watcher on the file's directory (renames replace the file itself), or none where watching fails. */
function watchDirectory(path: string, onChange: () => void): FSWatcher | undefined {
  try {
    const name = basename(path);
    const watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      // A Secret's swap renames `..data`, not the file: any name but unrelated files counts.
      if (file === null || file === name || file.startsWith('..')) onChange();
    });
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}
