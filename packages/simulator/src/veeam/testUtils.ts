import { serveSystem, type RunningServer } from '../server/http';
import { FixedClock } from '../world/clock';
import {
  createVeeamSimulator,
  type VeeamSimulator,
  type VeeamSimulatorOptions,
} from './index';

/** A simulator on a loopback port and a client that speaks VBR's dialect with plain fetch. */
export interface VeeamHarness {
  simulator: VeeamSimulator;
  clock: FixedClock;
  server: RunningServer;
  /** Form-encoded POST to /api/oauth2/token. */
  token(form: Record<string, string>, revision?: string): Promise<Response>;
  /** Logs in with the default credentials and returns the access token. */
  login(revision?: string): Promise<string>;
  get(path: string, accessToken: string, revision?: string): Promise<Response>;
  /** GET that expects 200 and returns the JSON body. */
  getJson(path: string, accessToken: string, revision?: string): Promise<any>;
}

export const TEST_NOW = '2026-03-10T12:00:00Z';
export const REVISION = '1.2-rev1';

export async function startVeeam(
  options: Partial<VeeamSimulatorOptions> = {},
): Promise<VeeamHarness> {
  const clock = new FixedClock(TEST_NOW);
  const simulator = createVeeamSimulator({ seed: 7, clock, ...options });
  const server = await serveSystem(simulator);
  const harness: VeeamHarness = {
    simulator,
    clock,
    server,
    token: (form, revision = REVISION) =>
      fetch(`${server.url}/api/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-api-version': revision,
        },
        body: new URLSearchParams(form).toString(),
      }),
    async login(revision = REVISION) {
      const response = await harness.token(
        {
          grant_type: 'password',
          username: 'itops',
          password: 'veeam-password',
        },
        revision,
      );
      return (await response.json()).access_token;
    },
    get: (path, accessToken, revision = REVISION) =>
      fetch(`${server.url}${path}`, {
        headers: {
          authorization: `Bearer ${accessToken}`,
          'x-api-version': revision,
        },
      }),
    async getJson(path, accessToken, revision) {
      const response = await harness.get(path, accessToken, revision);
      if (response.status !== 200) {
        throw new Error(
          `GET ${path} → ${response.status} ${await response.text()}`,
        );
      }
      return response.json();
    },
  };
  return harness;
}

/** Follows skip += count until skip >= total, as VBR clients page. */
export async function readAllPages(
  harness: VeeamHarness,
  path: string,
  accessToken: string,
  limit: number,
  revision?: string,
): Promise<{ items: any[]; totals: number[] }> {
  const items: any[] = [];
  const totals: number[] = [];
  const separator = path.includes('?') ? '&' : '?';
  for (let skip = 0; ; ) {
    const page = await harness.getJson(
      `${path}${separator}skip=${skip}&limit=${limit}`,
      accessToken,
      revision,
    );
    items.push(...page.data);
    totals.push(page.pagination.total);
    skip += page.pagination.count;
    if (page.pagination.count === 0 || skip >= page.pagination.total) {
      return { items, totals };
    }
  }
}
