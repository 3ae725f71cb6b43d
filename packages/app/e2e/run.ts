/* eslint-disable no-console */
/*
 * Runs the browser end-to-end specs against a running app (started by
 * scripts/e2e.sh). Environment:
 *   E2E_BASE_URL    the app, served by the backend (required)
 *   E2E_OUTPUT_DIR  screenshots (default test-results/e2e)
 *   E2E_SPECS       comma-separated spec names to run (default: all)
 *   E2E_TIMEOUT_MS  how long to wait for a page to show data (default 30000)
 *   E2E_CHROMIUM    the browser (default /usr/bin/chromium)
 * Exits non-zero when a spec fails.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { E2eContext, E2eSpec } from './harness';
import { expectVisible, screenshotter } from './harness';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function loadSpecs(only: string[] | undefined): E2eSpec[] {
  const dir = join(__dirname, 'specs');
  const specs = readdirSync(dir)
    .filter(file => file.endsWith('.spec.ts'))
    .sort()
    .map(file => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const spec = require(join(dir, file)).default as E2eSpec;
      if (!spec?.name || typeof spec.run !== 'function') {
        throw new Error(
          `${file} must default-export defineSpec({ name, run })`,
        );
      }
      return spec;
    });
  return only ? specs.filter(spec => only.includes(spec.name)) : specs;
}

async function main() {
  const baseUrl = process.env.E2E_BASE_URL?.replace(/\/$/, '');
  if (!baseUrl) {
    throw new Error('E2E_BASE_URL is not set');
  }
  const outputDir = resolve(process.env.E2E_OUTPUT_DIR ?? 'test-results/e2e');
  const timeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 30_000);
  const only = process.env.E2E_SPECS?.split(',').map(s => s.trim());
  const specs = loadSpecs(only);
  if (specs.length === 0) {
    throw new Error(`No spec matches E2E_SPECS=${process.env.E2E_SPECS}`);
  }

  const userDataDir = mkdtempSync(join(tmpdir(), 'itops-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    timezoneId: 'Europe/Berlin',
    locale: 'en-US',
  });
  const browser = context.browser()!;
  const screenshot = screenshotter(outputDir);
  const results: Array<{ name: string; error?: Error; ms: number }> = [];
  const measurements: Array<[string, string]> = [];

  try {
    await signIn(context, baseUrl, timeoutMs, screenshot);
    for (const spec of specs) {
      const pages: Array<import('playwright-core').Page> = [];
      const ctx: E2eContext = {
        baseUrl,
        browser,
        context,
        timeoutMs,
        screenshot,
        measure: (name, value) => measurements.push([name, value]),
        newPage: async () => {
          const page = await context.newPage();
          pages.push(page);
          return page;
        },
      };
      const started = Date.now();
      try {
        await spec.run(ctx);
        results.push({ name: spec.name, ms: Date.now() - started });
      } catch (error) {
        results.push({
          name: spec.name,
          error: error as Error,
          ms: Date.now() - started,
        });
        const last = pages[pages.length - 1];
        if (last && !last.isClosed()) {
          await screenshot(last, `FAILED-${spec.name}`).catch(() => {});
        }
      } finally {
        await Promise.all(pages.map(page => page.close().catch(() => {})));
      }
    }
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }

  console.log('\nEnd-to-end results:');
  for (const result of results) {
    const seconds = (result.ms / 1000).toFixed(1);
    console.log(
      result.error
        ? `  FAIL ${result.name} (${seconds} s): ${result.error.message}`
        : `  ok   ${result.name} (${seconds} s)`,
    );
  }
  for (const [name, value] of measurements) {
    console.log(`  ${name}: ${value}`);
  }
  console.log(`Screenshots in ${outputDir}`);
  if (results.some(result => result.error)) {
    process.exitCode = 1;
  }
}

/** Signs in as the guest user once; later pages reuse the session. */
async function signIn(
  context: import('playwright-core').BrowserContext,
  baseUrl: string,
  timeoutMs: number,
  screenshot: (
    page: import('playwright-core').Page,
    name: string,
  ) => Promise<string>,
) {
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl}/home`, { timeout: timeoutMs });
    await page
      .getByRole('button', { name: 'Enter' })
      .click({ timeout: timeoutMs });
    await expectVisible(
      page.getByRole('link', { name: 'Catalog' }),
      'the app after guest sign-in',
      timeoutMs,
    );
  } catch (error) {
    await screenshot(page, 'FAILED-sign-in').catch(() => {});
    throw error;
  } finally {
    await page.close();
  }
}

main().catch(error => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
