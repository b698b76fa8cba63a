import type { IncomingMessage } from 'node:http';
import type { Config, Logger } from '@redstep/store';
import { Throttle } from '../throttle.js';
import { CredentialsFile } from './credentials-file.js';
import { verifySigV4, type Caller } from './verify-sigv4.js';

/**
 * What runs before a request's handler: authentication (SFN_CREDENTIALS_FILE), then throttling
 * (SFN_THROTTLE_*). Resolves to the caller, or throws the AWS error the request gets.
 */
export interface RequestGuard {
  check(req: IncomingMessage, body: Buffer, action: string): Promise<Caller>;
  close(): void;
}

/**
 * The guard the configuration asks for, or undefined when it asks for neither authentication nor
 * throttling (then the protocol runs as it always did). Without a credentials file every caller
 * is the configured account and region, and a warning says so at start.
 */
export async function requestGuard(config: Config, log: Logger, now: () => number = Date.now): Promise<RequestGuard | undefined> {
  const credentials = config.credentialsFile ? await CredentialsFile.open(config.credentialsFile, log) : undefined;
  if (credentials) log.info({ path: credentials.path, credentials: credentials.size }, 'SigV4 verification on');
  else log.warn('SFN_CREDENTIALS_FILE is not set: requests are not authenticated, and anyone who reaches this port can use the API');
  const throttle = new Throttle(config.throttle);
  if (!credentials && !throttle.enabled) return undefined;
  const anonymous: Caller = { accessKeyId: '', accountId: config.accountId, region: config.region };
  const lookup = (key: string) => credentials?.lookup(key);
  return {
    async check(req, body, action) {
      const caller = credentials ? await verifySigV4({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, lookup, now()) : anonymous;
      // Only real actions draw tokens: an unknown one is refused next, whatever the rate.
      if (action !== '') throttle.take(caller.accountId, action);
      return caller;
    },
    close() {
      credentials?.close();
    },
  };
}
