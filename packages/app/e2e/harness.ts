/*
 * The browser end-to-end harness of the demo app. `run.ts` starts headless
 * Chromium once, signs in as the guest user and runs every
 * `specs/*.spec.ts` in turn, each with a fresh page of the signed-in
 * context. A spec default-exports `defineSpec({ name, run })`; to add a
 * page check (the change calendar, compliance pages…) add a spec file: the
 * runner finds it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** What a spec gets to work with. */
export interface E2eContext {
  /** The app's base URL, e.g. http://localhost:41234. */
  baseUrl: string;
  browser: Browser;
  /** The signed-in browser context; pages opened in it share the session. */
  context: BrowserContext;
  /** A new page of the signed-in context, closed after the spec. */
  newPage(): Promise<Page>;
  /** Saves a full-page screenshot as `<outputDir>/<name>.png`. */
  screenshot(page: Page, name: string): Promise<string>;
  /** Records a measurement printed with the results, e.g. a load time. */
  measure(name: string, value: string): void;
  /**
   * Runs axe on the page as it is and measures its horizontal overflow at
   * 1024, 1440 and 1920 px; the counts are printed with the results. A
   * serious or critical violation, or any overflow, fails the spec once it
   * has run to its end, so that one run reports every page.
   */
  checkPage(page: Page, name: string): Promise<void>;
  /** How long to wait for something to show, in ms. */
  timeoutMs: number;
}

export interface E2eSpec {
  name: string;
  run(ctx: E2eContext): Promise<void>;
}

export function defineSpec(spec: E2eSpec): E2eSpec {
  return spec;
}

/** Creates the output folder and returns the screenshot helper. */
export function screenshotter(outputDir: string) {
  mkdirSync(outputDir, { recursive: true });
  return async (page: Page, name: string) => {
    const path = join(outputDir, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
}

/**
 * Waits until the locator is visible, failing with what was expected
 * rather than a bare timeout.
 */
export async function expectVisible(
  locator: Locator,
  what: string,
  timeoutMs: number,
): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (error) {
    throw new Error(`Expected to see ${what}: ${(error as Error).message}`);
  }
}

/** Median of a non-empty list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}
