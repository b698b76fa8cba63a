/**
 * The egress guard: where HTTP Tasks, Lambda calls and AWS SDK calls may connect. A host name is
 * resolved here, every address it resolves to is checked against SFN_HTTP_DENY (and, when set,
 * SFN_HTTP_ALLOW), and the socket connects to exactly the addresses that were checked: the check
 * sits in the connection's own `lookup`, so a name that resolves differently a moment later (DNS
 * rebinding) gains nothing. Literal addresses in URLs, which skip `lookup`, are checked before
 * the connection is made.
 */
import { lookup as systemLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { EgressConfig } from '@redstep/store';
import { Agent as UndiciAgent, buildConnector, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { canonicalHost, matchAddress, matchHost, parseRules, type EgressRule } from './egress-rules.js';

/** Resolves a host name to every address it has (the test suites inject their own). */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

/** A connection the rules refuse; its message names the rule, and becomes the Task's cause. */
export class EgressDeniedError extends Error {
  readonly code = 'EGRESS_DENIED';
  constructor(
    message: string,
    /** The rule that denied it, as written in the variable; for an allow-list miss, the variable. */
    readonly rule: string,
  ) {
    super(message);
    this.name = 'EgressDeniedError';
  }
}

/** The system resolver (getaddrinfo, as net.connect uses), with `hosts` answered first. */
export function systemResolver(hosts: Readonly<Record<string, string>> = {}): Resolver {
  const table = new Map(Object.entries(hosts).map(([name, address]) => [canonicalHost(name), address]));
  return async (host) => {
    const fixed = table.get(canonicalHost(host));
    if (fixed !== undefined) return [{ address: fixed, family: isIP(fixed) }];
    return systemLookup(host, { all: true, verbatim: true });
  };
}

/** fetch as the integrations call it: through the guard. */
export type GuardedFetch = (url: string, init: RequestInit) => Promise<Response>;

/** What the integrations read of a response's headers (undici's and the global Headers both have it). */
export interface ResponseHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
  getSetCookie(): string[];
  entries(): IterableIterator<[string, string]>;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export class EgressGuard {
  private readonly deny: EgressRule[];
  private readonly allow: EgressRule[] | undefined;
  private undici: UndiciAgent | undefined;

  constructor(
    rules: { deny: readonly string[]; allow?: readonly string[] | undefined },
    private readonly resolve: Resolver = systemResolver(),
  ) {
    this.deny = parseRules(rules.deny, 'SFN_HTTP_DENY');
    this.allow = rules.allow === undefined ? undefined : parseRules(rules.allow, 'SFN_HTTP_ALLOW');
  }

  static fromConfig(config: EgressConfig, resolve: Resolver = systemResolver(config.hosts)): EgressGuard {
    return new EgressGuard(config, resolve);
  }

  /** Why `host` may not be reached whatever it resolves to (a host-name rule of SFN_HTTP_DENY). */
  checkName(host: string): EgressDeniedError | undefined {
    const byName = matchHost(this.deny, host);
    return byName && new EgressDeniedError(`Connection to ${host} denied by the rule '${byName.text}' of SFN_HTTP_DENY.`, byName.text);
  }

  /** Why `host` (a name or a literal address) may not be reached at `address`; undefined when it may. */
  check(host: string, address: string): EgressDeniedError | undefined {
    const where = canonicalHost(host) === canonicalHost(address) ? `the address ${address}` : `${host} (${address})`;
    const byName = this.checkName(host);
    if (byName) return byName;
    const byAddress = matchAddress(this.deny, address);
    if (byAddress) return new EgressDeniedError(`Connection to ${where} denied by the rule '${byAddress.text}' of SFN_HTTP_DENY.`, byAddress.text);
    if (this.allow && !matchHost(this.allow, host) && !matchAddress(this.allow, address)) {
      return new EgressDeniedError(`Connection to ${where} denied: it matches no rule of SFN_HTTP_ALLOW.`, 'SFN_HTTP_ALLOW');
    }
    return undefined;
  }

  /** Every address of `host`, each checked; throws EgressDeniedError when any of them is denied. */
  async resolveChecked(host: string): Promise<LookupAddress[]> {
    const byName = this.checkName(host);
    if (byName) throw byName;
    const bare = canonicalHost(host);
    const family = isIP(bare);
    const addresses = family ? [{ address: bare, family }] : await this.resolve(bare);
    if (addresses.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
    for (const { address } of addresses) {
      const denied = this.check(host, address);
      if (denied) throw denied;
    }
    return addresses;
  }

  /**
   * net.connect's `lookup` option: resolves through the guard and hands the socket only checked
   * addresses (all of them when asked for all, as Node's happy-eyeballs connect does).
   */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    this.resolveChecked(hostname).then(
      (all) => {
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (wanted.length === 0) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
        if (options.all) return callback(null, wanted);
        return callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };

  /** A literal address in a URL never reaches `lookup`: it is checked here, before connecting. */
  private literalDenied(host: string): EgressDeniedError | undefined {
    const bare = canonicalHost(host);
    return isIP(bare) ? this.check(bare, bare) : undefined;
  }

  /** fetch through the guard (undici's, with a dispatcher whose every connection is checked). */
  readonly fetch: GuardedFetch = (url, init) => {
    this.undici ??= this.undiciAgent();
    return undiciFetch(url, { ...init, dispatcher: this.undici });
  };

  private undiciAgent(): UndiciAgent {
    const connect = buildConnector({ lookup: this.lookup } as buildConnector.BuildOptions);
    return new UndiciAgent({
      connect: (options, callback) => {
        const denied = this.literalDenied(options.hostname);
        if (denied) return callback(denied, null);
        return connect(options, callback);
      },
    });
  }

  /** Node http and https agents (the AWS SDK's request handler) that connect only where the rules allow. */
  nodeAgents(options: AgentOptions = { keepAlive: true }): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
    return { httpAgent: this.guarded(new HttpAgent({ ...options, lookup: this.lookup })), httpsAgent: this.guarded(new HttpsAgent({ ...options, lookup: this.lookup })) };
  }

  private guarded<A extends HttpAgent>(agent: A): A {
    type Create = (options: { host?: string; lookup?: unknown }, callback: (err: Error | null, socket?: Socket) => void) => Socket | undefined;
    const target = agent as unknown as { createConnection: Create };
    const create = target.createConnection.bind(agent);
    target.createConnection = (options, callback) => {
      const denied = this.literalDenied(options.host ?? '');
      if (denied) {
        process.nextTick(callback, denied);
        return undefined;
      }
      return create({ ...options, lookup: this.lookup }, callback);
    };
    return agent;
  }
}
