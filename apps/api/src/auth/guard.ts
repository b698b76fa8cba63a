import type { IncomingMessage } from 'node:http';
import type { Config, Logger } from '@redstep/store';
import { CredentialsFile } from './credentials-file.js';
import { verifySigV4, type Caller } from './verify-sigv4.js';

/**
 * What runs before a request's handler: authentication (SFN_CREDENTIALS_FILE). Resolves to the
 * caller, or throws the AWS error the request gets.
 */
export interface RequestGuard {
  check(req: IncomingMessage, body: Buffer, action: string): Promise<Caller>;
  close(): void;
}

/**
 * The guard the configuration asks for, or undefined when it asks for no authentication (then the
 * protocol runs as it always did). Without a credentials file every caller
 * is the configured account and region, and a warning says so at start.
 */
export async function requestGuard(config: Config, log: Logger, now: () => number = Date.now): Promise<RequestGuard | undefined> {
  const credentials = config.credentialsFile ? await CredentialsFile.open(config.credentialsFile, log) : undefined;
  if (credentials) log.info({ path: credentials.path, credentials: credentials.size }, 'SigV4 verification on');
  else log.warn('SFN_CREDENTIALS_FILE is not set: requests are not authenticated, and anyone who reaches this port can use the API');
  if (!credentials) return undefined;
  const lookup = (key: string) => credentials.lookup(key);
  return {
    check(req, body) {
      return verifySigV4({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, lookup, now());
    },
    close() {
      credentials.close();
    },
  };
}
