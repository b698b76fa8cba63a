import { createServer, request, type Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EgressDeniedError, EgressGuard, systemResolver, type Resolver } from './egress-guard.js';
import { addressBytes, EgressRuleError, matchAddress, matchHost, parseRule, parseRules } from './egress-rules.js';

const METADATA = ['169.254.169.254', 'fd00:ec2::254'];

describe('egress rules', () => {
  test('addresses: IPv4, IPv6 in every textual form, and IPv4-mapped IPv6 as the IPv4 it carries', () => {
    expect([...addressBytes('169.254.169.254')!]).toEqual([169, 254, 169, 254]);
    expect([...addressBytes('::ffff:169.254.169.254')!]).toEqual([169, 254, 169, 254]);
    expect([...addressBytes('::ffff:a9fe:a9fe')!]).toEqual([169, 254, 169, 254]);
    expect([...addressBytes('[::FFFF:A9FE:A9FE]')!]).toEqual([169, 254, 169, 254]);
    expect([...addressBytes('0:0:0:0:0:ffff:a9fe:a9fe')!]).toEqual([169, 254, 169, 254]);
    expect(addressBytes('fd00:ec2::254')).toEqual(addressBytes('fd00:0ec2:0000:0000:0000:0000:0000:0254'));
    expect(addressBytes('fe80::1%eth0')).toEqual(addressBytes('fe80::1'));
    expect(addressBytes('::1')!.length).toBe(16);
    expect(addressBytes('::')!.every((b) => b === 0)).toBe(true);
    expect(addressBytes('metadata.google.internal')).toBeUndefined();
    expect(addressBytes('256.1.1.1')).toBeUndefined();
  });

  test('IPv4 CIDR blocks', () => {
    const rules = parseRules(['10.0.0.0/8', '192.168.1.128/25', '169.254.169.254', '0.0.0.0/0'], 'T').slice(0, 3);
    expect(matchAddress(rules, '10.255.1.2')?.text).toBe('10.0.0.0/8');
    expect(matchAddress(rules, '11.0.0.1')).toBeUndefined();
    expect(matchAddress(rules, '192.168.1.200')?.text).toBe('192.168.1.128/25');
    expect(matchAddress(rules, '192.168.1.127')).toBeUndefined();
    expect(matchAddress(rules, '169.254.169.254')?.text).toBe('169.254.169.254/32');
    expect(matchAddress(rules, '169.254.169.253')).toBeUndefined();
    expect(matchAddress(parseRules(['0.0.0.0/0'], 'T'), '8.8.8.8')?.text).toBe('0.0.0.0/0');
  });

  test('IPv6 CIDR blocks, and mapped addresses meeting IPv4 rules', () => {
    const rules = parseRules(['fd00::/8', 'fe80::/10', '2001:db8::1', '169.254.0.0/16'], 'T');
    expect(matchAddress(rules, 'fd00:ec2::254')?.text).toBe('fd00::/8');
    expect(matchAddress(rules, 'fe80::abcd')?.text).toBe('fe80::/10');
    expect(matchAddress(rules, 'febf::1')?.text).toBe('fe80::/10');
    expect(matchAddress(rules, 'fec0::1')).toBeUndefined();
    expect(matchAddress(rules, '2001:db8:0::1')?.text).toBe('2001:db8::1/128');
    expect(matchAddress(rules, '2001:db8::2')).toBeUndefined();
    expect(matchAddress(rules, '::ffff:169.254.1.1')?.text).toBe('169.254.0.0/16');
    expect(matchAddress(rules, '::ffff:a9fe:0101')?.text).toBe('169.254.0.0/16');
    // A NAT64 address reaches the IPv4 address it embeds.
    expect(matchAddress(rules, '64:ff9b::169.254.169.254')?.text).toBe('169.254.0.0/16');
    expect(matchAddress(parseRules(['64:ff9b::/96'], 'T'), '64:ff9b::a9fe:a9fe')?.text).toBe('64:ff9b::/96');
    // An IPv4 rule never matches a plain IPv6 address, nor the reverse.
    expect(matchAddress(parseRules(['0.0.0.0/0'], 'T'), '2001:db8::1')).toBeUndefined();
    expect(matchAddress(parseRules(['::/0'], 'T'), '10.0.0.1')).toBeUndefined();
  });

  test('host names: exact (case and trailing dot ignored), or a domain and every name under it', () => {
    const rules = parseRules(['metadata.google.internal', '*.internal.example'], 'T');
    expect(matchHost(rules, 'Metadata.Google.Internal.')?.text).toBe('metadata.google.internal');
    expect(matchHost(rules, 'x.metadata.google.internal')).toBeUndefined();
    expect(matchHost(rules, 'a.b.internal.example')?.text).toBe('*.internal.example');
    expect(matchHost(rules, 'internal.example')?.text).toBe('*.internal.example');
    expect(matchHost(rules, 'notinternal.example')).toBeUndefined();
  });

  test('entries that are neither blocks, addresses nor names are refused with the variable named', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/x', 'fd00::/129', 'http://x', 'a b', 'host/8', '*']) {
      expect(() => parseRule(bad, 'SFN_HTTP_DENY'), bad).toThrow(EgressRuleError);
    }
    expect(() => parseRule('nope/1', 'SFN_HTTP_ALLOW')).toThrow(/SFN_HTTP_ALLOW: 'nope\/1'/);
  });
});

/** A resolver of the test's own: no outside DNS. */
function fixedResolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe('egress guard: checks after resolution', () => {
  const resolver = fixedResolver({
    'meta.test': ['169.254.169.254'],
    'meta6.test': ['fd00:ec2::254'],
    'mapped.test': ['::ffff:169.254.169.254'],
    'mixed.test': ['127.0.0.1', '169.254.169.254'],
    'peer.test': ['127.0.0.1'],
  });
  const guard = new EgressGuard({ deny: [...METADATA, 'blocked.test'] }, resolver);

  test('a name resolving to a metadata address is denied, naming the rule', async () => {
    await expect(guard.resolveChecked('meta.test')).rejects.toThrow("Connection to meta.test (169.254.169.254) denied by the rule '169.254.169.254/32' of SFN_HTTP_DENY.");
    await expect(guard.resolveChecked('meta6.test')).rejects.toMatchObject({ rule: 'fd00:ec2::254/128' });
    await expect(guard.resolveChecked('mapped.test')).rejects.toMatchObject({ rule: '169.254.169.254/32' });
  });

  test('one denied address among several denies the name', async () => {
    await expect(guard.resolveChecked('mixed.test')).rejects.toBeInstanceOf(EgressDeniedError);
  });

  test('literal addresses are checked without resolving', async () => {
    resolver.asked.length = 0;
    await expect(guard.resolveChecked('169.254.169.254')).rejects.toMatchObject({ rule: '169.254.169.254/32' });
    await expect(guard.resolveChecked('[::ffff:a9fe:a9fe]')).rejects.toMatchObject({ rule: '169.254.169.254/32' });
    await expect(guard.resolveChecked('[fd00:ec2::254]')).rejects.toMatchObject({ rule: 'fd00:ec2::254/128' });
    expect(await guard.resolveChecked('127.0.0.1')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(resolver.asked).toEqual([]);
  });

  test('a denied host name is refused before any resolution', async () => {
    resolver.asked.length = 0;
    await expect(guard.resolveChecked('BLOCKED.test')).rejects.toMatchObject({ rule: 'blocked.test' });
    expect(resolver.asked).toEqual([]);
  });

  test("net's lookup hands the socket exactly the checked addresses, one or all, of the asked family", async () => {
    const lookup = (host: string, options: { all?: boolean; family?: number }) =>
      new Promise<unknown>((resolve, reject) => guard.lookup(host, options, (err, address, family) => (err ? reject(err) : resolve(options.all ? address : [address, family]))));
    expect(await lookup('peer.test', {})).toEqual(['127.0.0.1', 4]);
    expect(await lookup('peer.test', { all: true })).toEqual([{ address: '127.0.0.1', family: 4 }]);
    await expect(lookup('peer.test', { family: 6 })).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(lookup('meta.test', { all: true })).rejects.toBeInstanceOf(EgressDeniedError);
  });

  test('a name that resolves elsewhere on the next lookup (rebinding) is checked again', async () => {
    let answer = '127.0.0.1';
    const rebinding = new EgressGuard({ deny: METADATA }, async () => [{ address: answer, family: 4 }]);
    expect(await rebinding.resolveChecked('rebind.test')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    answer = '169.254.169.254';
    await expect(rebinding.resolveChecked('rebind.test')).rejects.toMatchObject({ rule: '169.254.169.254/32' });
  });

  test('an allow-list admits only its names and blocks; the deny list still wins', async () => {
    const allowing = new EgressGuard({ deny: METADATA, allow: ['10.0.0.0/8', 'api.partner.test', 'meta.test'] }, fixedResolver({
      'api.partner.test': ['203.0.113.5'],
      'inside.test': ['10.1.2.3'],
      'outside.test': ['203.0.113.9'],
      'meta.test': ['169.254.169.254'],
    }));
    expect(await allowing.resolveChecked('api.partner.test')).toHaveLength(1);
    expect(await allowing.resolveChecked('inside.test')).toHaveLength(1);
    await expect(allowing.resolveChecked('outside.test')).rejects.toThrow('Connection to outside.test (203.0.113.9) denied: it matches no rule of SFN_HTTP_ALLOW.');
    await expect(allowing.resolveChecked('meta.test')).rejects.toMatchObject({ rule: '169.254.169.254/32' });
  });

  test('SFN_HTTP_HOSTS entries answer before DNS', async () => {
    expect(await systemResolver({ 'Peer.Test': '127.0.0.1' })('peer.test.')).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});

describe('egress guard: connections', () => {
  let server: ReturnType<typeof createServer>;
  let port: number;
  const guard = new EgressGuard({ deny: METADATA }, fixedResolver({ 'peer.test': ['127.0.0.1'], 'meta.test': ['169.254.169.254'] }));

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const fetchError = async (url: string) => {
    const e = (await guard.fetch(url, {}).catch((err: unknown) => err)) as Error & { cause?: Error };
    return e.cause ?? e;
  };

  test('fetch reaches an allowed local server by name and by address', async () => {
    expect(await (await guard.fetch(`http://peer.test:${port}/`, {})).text()).toBe('hello');
    expect(await (await guard.fetch(`http://127.0.0.1:${port}/`, {})).text()).toBe('hello');
  });

  test('fetch never connects to a metadata address, by name, literally or mapped', async () => {
    for (const url of ['http://meta.test/latest/meta-data/', 'http://169.254.169.254/latest/', 'http://[::ffff:169.254.169.254]/', 'http://[fd00:ec2::254]/']) {
      const cause = await fetchError(url);
      expect(cause, url).toBeInstanceOf(EgressDeniedError);
      expect(cause.message, url).toMatch(/denied by the rule '(169\.254\.169\.254\/32|fd00:ec2::254\/128)' of SFN_HTTP_DENY/);
    }
  });

  const get = (agent: Agent, host: string) =>
    new Promise<string>((resolve) => {
      const req = request({ host, port, path: '/', agent }, (res) => {
        res.resume();
        resolve(String(res.statusCode));
      });
      req.on('error', (e) => resolve(e.message));
      req.end();
    });

  test('the Node agents of the AWS SDK clients check the same way', async () => {
    const { httpAgent, httpsAgent } = guard.nodeAgents();
    try {
      expect(await get(httpAgent, 'peer.test')).toBe('200');
      expect(await get(httpAgent, 'meta.test')).toMatch(/denied by the rule '169.254.169.254\/32'/);
      expect(await get(httpAgent, '169.254.169.254')).toMatch(/denied by the rule '169.254.169.254\/32'/);
    } finally {
      httpAgent.destroy();
      httpsAgent.destroy();
    }
  });
});
