import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium at ${candidates.join(', ')}: apt-get install chromium, or set CHROMIUM_PATH`);
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A page that fails the test on any uncaught error or console error of the console itself. */
export async function openPage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Refused API calls are answers the page shows, not faults of the page.
    if (m.type() === 'error' && !/status of 400/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return page;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where screenshots go: .artifacts/console/ always (ignored by git); with
 * UPDATE_CONSOLE_SCREENSHOTS=1 also docs/console/, the ones the README shows.
 */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  const dirs = [`${root}.artifacts/console`];
  if (process.env.UPDATE_CONSOLE_SCREENSHOTS === '1') dirs.push(`${root}docs/console`);
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: `${dir}/${name}.png`, fullPage });
  }
}
