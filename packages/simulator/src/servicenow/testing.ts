import { serveSystem, type RunningServer } from '../server/http';
import { FixedClock } from '../world/clock';
import {
  createServiceNowSimulator,
  type ServiceNowSimulator,
  type ServiceNowSimulatorOptions,
} from './index';

/** Test support: a simulator on a loopback port and a plain-fetch client of it. */
export interface ServiceNowHarness {
  simulator: ServiceNowSimulator;
  clock: FixedClock;
  server: RunningServer;
  url: string;
  /** GET with Basic admin:admin and `Accept: application/json`. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** GET that expects 200 and returns the parsed body. */
  getJson(path: string): Promise<any>;
  close(): Promise<void>;
}

export const TEST_NOW = '2026-11-25T12:00:00Z';

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function startServiceNow(
  options: Partial<ServiceNowSimulatorOptions> = {},
): Promise<ServiceNowHarness> {
  const clock = new FixedClock(TEST_NOW);
  const simulator = createServiceNowSimulator({ seed: 7, clock, ...options });
  const server = await serveSystem(simulator, { clock });
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      headers: {
        accept: 'application/json',
        authorization: basic('admin', 'admin'),
        ...headers,
      },
    });
  return {
    simulator,
    clock,
    server,
    url: server.url,
    get,
    async getJson(path) {
      const response = await get(path);
      if (response.status !== 200) {
        throw new Error(
          `GET ${path}: ${response.status} ${await response.text()}`,
        );
      }
      return response.json();
    },
    close: () => server.close(),
  };
}
