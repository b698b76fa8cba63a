/**
 * The rules of SFN_HTTP_DENY and SFN_HTTP_ALLOW (pure): CIDR blocks (`10.0.0.0/8`, `fd00::/8`),
 * single addresses (`169.254.169.254`, a /32 or /128) and host names (`metadata.google.internal`,
 * or `*.internal` for a domain and every name under it). Addresses are compared as bytes; an IPv4-mapped
 * IPv6 address (`::ffff:169.254.169.254`) is the IPv4 address it carries, so it meets the IPv4 rules
 * (and a NAT64 address, `64:ff9b::a9fe:a9fe`, meets both).
 */
import { isIP } from 'node:net';

export type EgressRule =
  | { kind: 'cidr'; text: string; bytes: Uint8Array; prefix: number }
  | { kind: 'host'; text: string; name: string; subdomains: boolean };

/** An SFN_HTTP_DENY / SFN_HTTP_ALLOW entry that is neither a CIDR block, an address nor a host name. */
export class EgressRuleError extends Error {}

const HOST_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/;

/** One entry of a rule list. */
export function parseRule(entry: string, variable: string): EgressRule {
  const text = entry.trim();
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const bytes = addressBytes(address);
  if (bytes) {
    const bits = bytes.length * 8;
    const prefix = slash < 0 ? bits : Number(text.slice(slash + 1));
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1)))) {
      throw new EgressRuleError(`${variable}: '${text}' has no valid prefix length (0 to ${bits})`);
    }
    return { kind: 'cidr', text: slash < 0 ? `${address}/${bits}` : text, bytes, prefix };
  }
  const lower = text.toLowerCase();
  if (slash >= 0 || !HOST_NAME.test(lower)) throw new EgressRuleError(`${variable}: '${text}' is neither a CIDR block, an IP address nor a host name`);
  const subdomains = lower.startsWith('*.');
  return { kind: 'host', text, name: canonicalHost(subdomains ? lower.slice(2) : lower), subdomains };
}

/** A comma-separated list of rules. */
export function parseRules(list: readonly string[], variable: string): EgressRule[] {
  return list.filter((e) => e.trim() !== '').map((e) => parseRule(e, variable));
}

/** A host name as rules compare it: lower case, without a trailing dot or IPv6 brackets. */
export function canonicalHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

/** The first host-name rule naming `host`. */
export function matchHost(rules: readonly EgressRule[], host: string): EgressRule | undefined {
  const name = canonicalHost(host);
  return rules.find((r) => r.kind === 'host' && (name === r.name || (r.subdomains && name.endsWith(`.${r.name}`))));
}

/**
 * The first CIDR rule holding `address` (any textual IPv4 or IPv6 form, a zone id allowed). An
 * address of the NAT64 prefix 64:ff9b::/96 is also the IPv4 address it reaches through the
 * translator, so it meets the IPv4 rules as well as the IPv6 ones.
 */
export function matchAddress(rules: readonly EgressRule[], address: string): EgressRule | undefined {
  const bytes = addressBytes(address);
  if (!bytes) return undefined;
  const forms = bytes.length === 16 && NAT64.every((b, i) => bytes[i] === b) ? [bytes, bytes.slice(12)] : [bytes];
  return rules.find((r) => r.kind === 'cidr' && forms.some((f) => r.bytes.length === f.length && inPrefix(f, r.bytes, r.prefix)));
}

/** The well-known NAT64 prefix, 64:ff9b::/96 (RFC 6052). */
const NAT64 = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

function inPrefix(address: Uint8Array, network: Uint8Array, prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const width = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - width)) & 0xff;
    if ((address[bit / 8]! & mask) !== (network[bit / 8]! & mask)) return false;
  }
  return true;
}

/**
 * An address as 4 bytes (IPv4, and IPv4-mapped IPv6 `::ffff:a.b.c.d`) or 16 bytes (other IPv6);
 * undefined for anything that is not an IP address.
 */
export function addressBytes(text: string): Uint8Array | undefined {
  const address = canonicalHost(text).replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return Uint8Array.from(address.split('.').map(Number));
  if (family !== 6) return undefined;
  const v6 = ipv6Bytes(address);
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

/** The 16 bytes of a valid IPv6 text (net.isIP checked it): `::` expanded, a dotted IPv4 tail read. */
function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1]!.split('.').map(Number));
    text = `${text.slice(0, dotted.index)}0:0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(rest);
  const words = rest === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  if (tail.length) bytes.set(tail, 12);
  return bytes;
}
