import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { connectionLimit, openFileLimit } from './connection-guard.js';

const limitsFile = (openFiles: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'limits-')), 'limits');
  writeFileSync(
    path,
    [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             127431               127431               processes ',
      `Max open files            ${openFiles}                files     `,
      'Max locked memory         8388608              8388608              bytes     ',
    ].join('\n'),
  );
  return path;
};

test('the open-file limit is the soft limit /proc reports', () => {
  expect(openFileLimit(limitsFile('1024                 4096'))).toBe(1024);
  expect(openFileLimit(limitsFile('unlimited            unlimited'))).toBeUndefined();
  expect(openFileLimit('/nonexistent/limits')).toBeUndefined();
});

test('connections: the configured number, else the open-file limit less what Redis and files need', () => {
  expect(connectionLimit(50, 1024)).toBe(50);
  expect(connectionLimit(undefined, 1024)).toBe(896);
  expect(connectionLimit(undefined, 100)).toBe(16);
  expect(connectionLimit(undefined, undefined)).toBe(Number.POSITIVE_INFINITY);
});
