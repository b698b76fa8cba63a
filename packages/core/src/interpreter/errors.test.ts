import { describe, expect, test } from 'vitest';
import { errorMatches } from './errors.js';

describe('errorMatches', () => {
  test('States.Timeout matches a heartbeat time-out too; States.HeartbeatTimeout only that', () => {
    expect(errorMatches(['States.Timeout'], 'States.HeartbeatTimeout')).toBe(true);
    expect(errorMatches(['States.Timeout'], 'States.Timeout')).toBe(true);
    expect(errorMatches(['States.HeartbeatTimeout'], 'States.HeartbeatTimeout')).toBe(true);
    expect(errorMatches(['States.HeartbeatTimeout'], 'States.Timeout')).toBe(false);
  });

  test('States.TaskFailed matches neither time-out; States.ALL matches all but the terminal errors', () => {
    expect(errorMatches(['States.TaskFailed'], 'States.Timeout')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'States.HeartbeatTimeout')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'Custom.Error')).toBe(true);
    expect(errorMatches(['States.ALL'], 'States.HeartbeatTimeout')).toBe(true);
    expect(errorMatches(['States.ALL'], 'States.Runtime')).toBe(false);
    expect(errorMatches(['States.ALL'], 'States.DataLimitExceeded')).toBe(false);
  });
});
