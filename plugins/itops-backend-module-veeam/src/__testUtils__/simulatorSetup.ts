/*
 * The Veeam source wired to a simulated VBR on a loopback port, for the
 * tests that sync it over real HTTP with the real sync engine.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type {
  ItopsSource,
  SyncBatch,
  SyncPartial,
} from '@backstage-itops/plugin-itops-node';
import { SyncEngine } from '@backstage-itops/plugin-itops-backend/testUtils';
import {
  createVeeamSimulator,
  FixedClock,
  startSimulators,
  type RunningSimulators,
  type StartOptions,
} from '@backstage-itops/simulator';
import type { Knex } from 'knex';
import { BackupsReader } from '../BackupsReader';
import { readVeeamServerConfig } from '../config';
import { VeeamClient } from '../VeeamClient';

export const START = '2026-11-25T12:00:00Z';
export const HISTORY_DAYS = 60;

/** The Veeam simulator with its own switches (quirks, deletions). */
export type VeeamSimulator = ReturnType<typeof createVeeamSimulator>;
export type VeeamQuirks = NonNullable<
  NonNullable<StartOptions['veeam']>['quirks']
>;

export interface Setup {
  clock: FixedClock;
  sims: RunningSimulators<'veeam'>;
  veeam: VeeamSimulator;
}

export async function startVeeam(
  options: { quirks?: VeeamQuirks } = {},
): Promise<Setup> {
  const clock = new FixedClock(START);
  const sims = await startSimulators({
    systems: ['veeam'],
    ports: { veeam: 0 },
    clock,
    seed: 42,
    veeam: { quirks: options.quirks },
  });
  return { clock, sims, veeam: sims.simulators.veeam as VeeamSimulator };
}

export interface SourceOptions {
  apiVersion?: string;
  pageSize?: number;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  logger?: LoggerService;
}

export interface VeeamTestSource {
  source: ItopsSource;
  client: VeeamClient;
  /** Requests the client sent, as `METHOD /path` without the query. */
  requests: string[];
  /** The `partial` of every batch the reader yielded, in order. */
  partials: SyncPartial[][];
}

export function veeamSource(
  { clock, sims }: Setup,
  options: SourceOptions = {},
): VeeamTestSource {
  const server = readVeeamServerConfig(
    'demo',
    new ConfigReader({
      baseUrl: sims.urls.veeam,
      apiVersion: options.apiVersion ?? '1.2-rev1',
      username: 'itops',
      password: 'veeam-password',
      pageSize: options.pageSize ?? 100,
      historyDays: HISTORY_DAYS,
      http: {
        requestsPerSecond: 1000,
        retry: {
          maxAttempts: 3,
          baseDelayMs: 1,
          maxDelayMs: 5,
          ...options.retry,
        },
      },
    }),
  );
  const now = () => clock.now().getTime();
  const requests: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    return globalThis.fetch(input, init);
  };
  const client = VeeamClient.fromConfig(server, { now, fetch: countingFetch });
  const reader = new BackupsReader({
    client,
    historyDays: HISTORY_DAYS,
    restoreTestSessionTypes: server.restoreTestSessionTypes,
    logger: options.logger,
    now,
  });
  const partials: SyncPartial[][] = [];
  return {
    client,
    requests,
    partials,
    source: {
      type: 'veeam',
      instance: 'demo',
      baseUrl: server.baseUrl,
      readers: {
        backups: {
          async *read(request) {
            for await (const batch of reader.read(request) as AsyncIterable<
              SyncBatch<any>
            >) {
              partials.push(batch.partial ?? []);
              yield batch;
            }
          },
        },
      },
    },
  };
}

export function syncEngine(
  knex: Knex,
  source: ItopsSource,
  logger: LoggerService = mockServices.logger.mock(),
) {
  return SyncEngine.create({
    knex,
    sources: [source],
    scheduler: mockServices.scheduler.mock(),
    config: new ConfigReader({}),
    logger,
  });
}

/** Epoch milliseconds as a number (PostgreSQL sends bigints as strings). */
const epoch = (value: unknown) =>
  value === null || value === undefined ? null : Number(value);

/** The rows of the backups capability, for comparing two stores. */
export async function backupSnapshot(knex: Knex) {
  const jobs = await knex('itops_backup_jobs')
    .select('external_id', 'name', 'objects', 'last_result', 'next_run_at')
    .orderBy('external_id');
  const runs = await knex('itops_backup_runs')
    .select(
      'external_id',
      'kind',
      'result',
      'failed_objects',
      'restore_point_at',
    )
    .orderBy('external_id');
  return {
    jobs: jobs.map(j => ({ ...j, next_run_at: epoch(j.next_run_at) })),
    runs: runs.map(r => ({
      ...r,
      restore_point_at: epoch(r.restore_point_at),
    })),
  };
}
