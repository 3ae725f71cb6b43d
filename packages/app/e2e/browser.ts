/*
 * Headless Chromium signed in to the app as the guest user, and the
 * guest's backend token: shared by the spec runner (run.ts) and the
 * browser benchmarks (bench/), so that both see the app the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
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

export interface SignedInBrowser {
  browser: Browser;
  /** The signed-in context; pages opened in it share the session. */
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * Starts Chromium (E2E_CHROMIUM, default /usr/bin/chromium) with a
 * throw-away profile, a fixed viewport, zone and locale, and signs in as
 * the guest user once (no click: the demo signs the guest in by itself); a
 * failed sign-in leaves a `FAILED-sign-in`
 * screenshot.
 */
export async function launchSignedIn(options: {
  baseUrl: string;
  timeoutMs: number;
  screenshot: ReturnType<typeof screenshotter>;
}): Promise<SignedInBrowser> {
  const { baseUrl, timeoutMs, screenshot } = options;
  const userDataDir = mkdtempSync(join(tmpdir(), 'itops-e2e-chromium-'));
  const removeProfile = () =>
    rmSync(userDataDir, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1440, height: 1000 },
      timezoneId: 'Europe/Berlin',
      locale: 'en-US',
    });
  } catch (error) {
    removeProfile();
    throw error;
  }
  const close = async () => {
    await context.close();
    removeProfile();
  };
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl}/home`, { timeout: timeoutMs });
    // The demo signs the guest in without a click (packages/app signIn).
    await expectVisible(
      page.getByRole('link', { name: 'Catalog' }),
      'the app after guest sign-in',
      timeoutMs,
    );
  } catch (error) {
    await screenshot(page, 'FAILED-sign-in').catch(() => {});
    await close();
    throw error;
  } finally {
    if (!page.isClosed()) await page.close();
  }
  return { browser: context.browser()!, context, close };
}

/** A backend token of the guest user, for calling the API directly. */
export async function guestToken(baseUrl: string): Promise<string> {
  return (
    await getJson(baseUrl, '/api/auth/guest/refresh?optional&env=development')
  ).backstageIdentity.token;
}

/** GETs JSON from the backend, failing on any non-2xx status. */
export async function getJson(
  baseUrl: string,
  path: string,
  token?: string,
): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: {
      'x-requested-with': 'XMLHttpRequest',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  if (!response.ok) {
    throw new Error(`${path}: HTTP ${response.status}`);
  }
  return response.json();
}
