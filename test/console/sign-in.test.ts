import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { ROLE_ARN, uniqueName } from '../support/sfn.js';
import { launchBrowser, openPage } from './browser.js';

// With SFN_CREDENTIALS_FILE the page itself loads unsigned, asks for a key, and signs every
// API call in the browser (SigV4); the key stays in sessionStorage.

const KEY = { accessKeyId: 'AKIACONSOLETEST1', secretAccessKey: 'console-secret', accountId: '111111111111' };
const SHOWN = { timeout: 20_000 };

let redis: TestRedis;
let dir: string;
let api: AppProcess & { endpoint: string };
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'redstep-console-auth-'));
  const file = join(dir, 'credentials.json');
  writeFileSync(file, JSON.stringify({ credentials: [KEY] }));
  [api, browser] = await Promise.all([startApiProcess(redis.url, { ...redis.env, SFN_CREDENTIALS_FILE: file, SFN_ACCOUNT_ID: KEY.accountId }), launchBrowser()]);
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await api?.kill();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('console with SigV4 on', () => {
  test('asks for a key, signs its calls with it, and keeps it in sessionStorage only', async () => {
    const sfn = new SFNClient({ endpoint: api.endpoint, region: 'eu-west-1', credentials: KEY, maxAttempts: 1 });
    const name = uniqueName('signed');
    await sfn.send(new CreateStateMachineCommand({ name, roleArn: ROLE_ARN, definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) }));
    sfn.destroy();

    page = await openPage(browser, errors);
    await page.goto(`${api.endpoint}/console/`);
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor(SHOWN);
    await dialog.filter({ hasText: 'MissingAuthenticationTokenException' }).waitFor(SHOWN);

    // A wrong secret: the api refuses the signature, the form comes back saying so.
    await dialog.locator('input[name="accessKeyId"]').fill(KEY.accessKeyId);
    await dialog.locator('input[name="secretAccessKey"]').fill('not-the-secret');
    await dialog.locator('input[name="region"]').fill('eu-west-1');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.filter({ hasText: 'InvalidSignatureException' }).waitFor(SHOWN);

    await dialog.locator('input[name="secretAccessKey"]').fill(KEY.secretAccessKey);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name }).waitFor(SHOWN);
    expect(await dialog.count()).toBe(0);

    const stored = await page.evaluate(() => ({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) }));
    expect(stored.session).toContain(KEY.accessKeyId);
    expect(stored.local).not.toContain(KEY.secretAccessKey);
    expect(errors).toEqual([]);
  });
});
