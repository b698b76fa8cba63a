import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createLogger } from '@redstep/store';
import { CredentialsFile, CredentialsFileError, parseCredentials } from './credentials-file.js';

const log = createLogger('test', 'silent');
const doc = (...keys: string[]) => JSON.stringify({ credentials: keys.map((k, i) => ({ accessKeyId: k, secretAccessKey: `s-${k}`, accountId: `${i + 1}`.repeat(12) })) });

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'redstep-creds-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('parseCredentials', () => {
  test('reads keys, accounts and optional session tokens', () => {
    const map = parseCredentials(JSON.stringify({ credentials: [{ accessKeyId: 'AKIA1', secretAccessKey: 's', accountId: '111111111111', sessionToken: 't' }] }));
    expect(map.get('AKIA1')).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 's', accountId: '111111111111', sessionToken: 't' });
  });

  test('takes credentials of several accounts (each is kept apart)', () => {
    const text = JSON.stringify({
      credentials: [
        { accessKeyId: 'AKIA1', secretAccessKey: 's', accountId: '111111111111' },
        { accessKeyId: 'AKIA2', secretAccessKey: 's', accountId: '222222222222' },
      ],
    });
    expect([...parseCredentials(text).values()].map((c) => c.accountId)).toEqual(['111111111111', '222222222222']);
  });

  test('refuses what is not the documented shape, without echoing secrets', () => {
    const bad = [
      'nope',
      '{}',
      '{"credentials": [null]}',
      '{"credentials": [{"accessKeyId": "A/B", "secretAccessKey": "s", "accountId": "111111111111"}]}',
      '{"credentials": [{"accessKeyId": "A", "secretAccessKey": "", "accountId": "111111111111"}]}',
      '{"credentials": [{"accessKeyId": "A", "secretAccessKey": "topsecret", "accountId": "1111"}]}',
      '{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111"}, {"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111"}]}',
    ];
    for (const text of bad) {
      expect(() => parseCredentials(text), text).toThrow(CredentialsFileError);
      try {
        parseCredentials(text);
      } catch (e) {
        expect((e as Error).message).not.toContain('topsecret');
      }
    }
  });
});

describe('CredentialsFile', () => {
  test('follows an edit in place, an atomic rename over the file, and a Secret-style symlink swap', async () => {
    const dir = tempDir();
    // As a Kubernetes Secret volume: the file is a symlink through `..data` to a timestamped dir.
    mkdirSync(join(dir, '..v1'));
    writeFileSync(join(dir, '..v1', 'credentials.json'), doc('KEYA'));
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync(join('..data', 'credentials.json'), join(dir, 'credentials.json'));
    const file = await CredentialsFile.open(join(dir, 'credentials.json'), log);
    try {
      expect(file.lookup('KEYA')?.accountId).toBe('111111111111');
      mkdirSync(join(dir, '..v2'));
      writeFileSync(join(dir, '..v2', 'credentials.json'), doc('KEYB'));
      symlinkSync('..v2', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      await file.refresh();
      expect(file.lookup('KEYA')).toBeUndefined();
      expect(file.lookup('KEYB')).toBeDefined();

      // A broken file keeps the last good credentials.
      writeFileSync(join(dir, '..v2', 'credentials.json'), '{"credentials": [');
      await file.refresh();
      expect(file.lookup('KEYB')).toBeDefined();
    } finally {
      file.close();
    }

    const plain = join(tempDir(), 'c.json');
    writeFileSync(plain, doc('KEYC'));
    const other = await CredentialsFile.open(plain, log);
    try {
      writeFileSync(`${plain}.tmp`, doc('KEYC', 'KEYD'));
      renameSync(`${plain}.tmp`, plain);
      await other.refresh();
      expect(other.lookup('KEYD')?.accountId).toBe('222222222222');
      writeFileSync(plain, doc('KEYE'));
      await other.refresh();
      expect(other.size).toBe(1);
      expect(other.lookup('KEYE')).toBeDefined();
    } finally {
      other.close();
    }
  });

  test('a file that does not parse at start is an error naming the file', async () => {
    const path = join(tempDir(), 'c.json');
    writeFileSync(path, '[]');
    await expect(CredentialsFile.open(path, log)).rejects.toThrow(/SFN_CREDENTIALS_FILE .*c\.json: expected/);
  });
});
