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
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchSignedIn } from './browser';
import type { E2eContext, E2eSpec } from './harness';
import { screenshotter } from './harness';
import { describeViolations, horizontalOverflow, runAxe } from './a11y';

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

  const screenshot = screenshotter(outputDir);
  const { browser, context, close } = await launchSignedIn({
    baseUrl,
    timeoutMs,
    screenshot,
  });
  const results: Array<{ name: string; error?: Error; ms: number }> = [];
  const measurements: Array<[string, string]> = [];

  try {
    for (const spec of specs) {
      const pages: Page[] = [];
      const problems: string[] = [];
      const ctx: E2eContext = {
        baseUrl,
        browser,
        context,
        timeoutMs,
        screenshot,
        measure: (name, value) => measurements.push([name, value]),
        checkPage: async (page, name) => {
          const axe = await runAxe(page);
          const { critical, serious, moderate, minor } = axe.counts;
          measurements.push([
            `axe ${name}`,
            `${critical} critical, ${serious} serious, ${moderate} moderate, ${minor} minor`,
          ]);
          if (axe.failing.length > 0) {
            problems.push(describeViolations(name, axe));
          }
          const layout = await horizontalOverflow(page);
          const overflowing = layout.filter(l => l.overflow > 0);
          measurements.push([
            `overflow ${name}`,
            layout.map(l => `${l.width}px: ${l.overflow}`).join(', '),
          ]);
          for (const l of overflowing) {
            problems.push(
              `${name}: ${l.overflow} px horizontal overflow at ${
                l.width
              } px (${l.culprits.join(', ')})`,
            );
          }
        },
        newPage: async () => {
          const page = await context.newPage();
          pages.push(page);
          return page;
        },
      };
      const started = Date.now();
      try {
        await spec.run(ctx);
        if (problems.length > 0) {
          throw new Error(
            `accessibility or layout problems:\n${problems.join('\n')}`,
          );
        }
        results.push({ name: spec.name, ms: Date.now() - started });
      } catch (error) {
        const failure = error as Error;
        // Problems found before a spec failed are reported too, once.
        if (problems.length > 0 && !failure.message.includes(problems[0])) {
          failure.message += `\naccessibility or layout problems:\n${problems.join(
            '\n',
          )}`;
        }
        results.push({
          name: spec.name,
          error: failure,
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
    await close();
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

main().catch(error => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
