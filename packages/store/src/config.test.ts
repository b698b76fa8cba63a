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
