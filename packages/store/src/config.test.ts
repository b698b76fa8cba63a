import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('EXECUTION_RETENTION_DAYS', () => {
  const DAY_MS = 24 * 3600 * 1000;

  test('defaults to AWS\'s 90 days', () => {
    expect(loadConfig({}).retentionMs).toBe(90 * DAY_MS);
  });

  test('takes whole and fractional days; 0 keeps executions for ever', () => {
    expect(loadConfig({ EXECUTION_RETENTION_DAYS: '7' }).retentionMs).toBe(7 * DAY_MS);
    expect(loadConfig({ EXECUTION_RETENTION_DAYS: '0.5' }).retentionMs).toBe(DAY_MS / 2);
    expect(loadConfig({ EXECUTION_RETENTION_DAYS: '0' }).retentionMs).toBe(0);
  });

  test('refuses what is not a number of days', () => {
    for (const raw of ['-1', 'ninety', '1e9', 'Infinity']) {
      expect(() => loadConfig({ EXECUTION_RETENTION_DAYS: raw }), raw).toThrow(ConfigError);
    }
  });
});

describe('SFN_THROTTLE_<GROUP>', () => {
  test('is off by default', () => {
    expect(loadConfig({}).throttle).toEqual({});
  });

  test('takes a bucket size and a refill rate per group', () => {
    expect(loadConfig({ SFN_THROTTLE_START_EXECUTION: '1300/300', SFN_THROTTLE_OTHER: ' 5 / 0.5 ' }).throttle).toEqual({
      START_EXECUTION: { burst: 1300, perSecond: 300 },
      OTHER: { burst: 5, perSecond: 0.5 },
    });
  });

  test('refuses what is not <size>/<rate>', () => {
    for (const raw of ['100', '0/1', '10/0', 'a/b', '10/-1', '1.5/2']) {
      expect(() => loadConfig({ SFN_THROTTLE_SEND_TASK: raw }), raw).toThrow(ConfigError);
    }
  });
});

test('SFN_CREDENTIALS_FILE names the credentials file; unset, no authentication', () => {
  expect(loadConfig({}).credentialsFile).toBeUndefined();
  expect(loadConfig({ SFN_CREDENTIALS_FILE: '/etc/redstep/credentials.json' }).credentialsFile).toBe('/etc/redstep/credentials.json');
});

describe('SFN_HTTP_DENY, SFN_HTTP_ALLOW, SFN_HTTP_HOSTS', () => {
  test('deny the cloud metadata addresses by default; a value replaces them; none denies nothing', () => {
    expect(loadConfig({}).egress).toEqual({ deny: ['169.254.169.254', 'fd00:ec2::254'], hosts: {} });
    expect(loadConfig({ SFN_HTTP_DENY: '' }).egress.deny).toEqual(['169.254.169.254', 'fd00:ec2::254']);
    expect(loadConfig({ SFN_HTTP_DENY: ' 10.0.0.0/8, metadata.internal ,' }).egress.deny).toEqual(['10.0.0.0/8', 'metadata.internal']);
    expect(loadConfig({ SFN_HTTP_DENY: 'none' }).egress.deny).toEqual([]);
  });

  test('an allow-list only when set', () => {
    expect(loadConfig({ SFN_HTTP_ALLOW: '10.0.0.0/8,api.example.com' }).egress.allow).toEqual(['10.0.0.0/8', 'api.example.com']);
    expect(loadConfig({ SFN_HTTP_ALLOW: ' ' }).egress.allow).toBeUndefined();
  });

  test('host entries are name=address pairs', () => {
    expect(loadConfig({ SFN_HTTP_HOSTS: 'Peer.Test=127.0.0.1, six.test=::1' }).egress.hosts).toEqual({ 'peer.test': '127.0.0.1', 'six.test': '::1' });
    for (const raw of ['peer.test', '=127.0.0.1', 'peer.test=somewhere']) expect(() => loadConfig({ SFN_HTTP_HOSTS: raw }), raw).toThrow(ConfigError);
  });
});
