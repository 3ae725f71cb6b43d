import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  readHttpOptions,
  type SourceHttpClientOptions,
} from '@backstage-itops/plugin-itops-node';

/** The revision pinned when config names none: VBR 12.3.1, the oldest with today's paths. */
export const DEFAULT_API_VERSION = '1.2-rev1';
/** VBR's own page size when a client sends no `limit`. */
const DEFAULT_PAGE_SIZE = 200;
/** How far back a full sync reads sessions; older runs are removed by it. */
const DEFAULT_HISTORY_DAYS = 60;
/**
 * Session types that verify restorability: SureBackup jobs and instant
 * recoveries started to test a restore point.
 */
export const DEFAULT_RESTORE_TEST_SESSION_TYPES = [
  'SureBackup',
  'InstantRecovery',
];

/** One backup server from `itops.veeam.servers.<name>`. */
export interface VeeamServerConfig {
  name: string;
  baseUrl: string;
  /** Sent as `x-api-version` on every request, e.g. `1.2-rev1`. */
  apiVersion: string;
  username: string;
  password: string;
  pageSize: number;
  historyDays: number;
  restoreTestSessionTypes: string[];
  http: Pick<
    SourceHttpClientOptions,
    | 'maxConcurrency'
    | 'requestsPerSecond'
    | 'timeoutMs'
    | 'timeouts'
    | 'maxResponseBytes'
    | 'retry'
    | 'tls'
  >;
}

const API_VERSION = /^\d+\.\d+-rev\d+$/;

/**
 * Reads and checks one server's config, naming the offending key, so that
 * a typo fails at start-up rather than on the first sync.
 */
export function readVeeamServerConfig(
  name: string,
  config: Config,
): VeeamServerConfig {
  const where = `itops.veeam.servers.${name}`;
  const baseUrl = config.getString('baseUrl');
  if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
    throw new InputError(
      `${where}.baseUrl must be an http(s) URL, got '${baseUrl}'`,
    );
  }
  const apiVersion =
    config.getOptionalString('apiVersion') ?? DEFAULT_API_VERSION;
  if (!API_VERSION.test(apiVersion)) {
    throw new InputError(
      `${where}.apiVersion must look like 1.2-rev1 (the x-api-version header), got '${apiVersion}'`,
    );
  }
  return {
    name,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiVersion,
    username: config.getString('username'),
    password: config.getString('password'),
    pageSize: positiveInteger(config, 'pageSize', where) ?? DEFAULT_PAGE_SIZE,
    historyDays:
      positiveInteger(config, 'historyDays', where) ?? DEFAULT_HISTORY_DAYS,
    restoreTestSessionTypes:
      config.getOptionalStringArray('restoreTestSessionTypes') ??
      DEFAULT_RESTORE_TEST_SESSION_TYPES,
    http: readHttpOptions(config),
  };
}

function positiveInteger(
  config: Config,
  key: string,
  where: string,
): number | undefined {
  const value = config.getOptionalNumber(key);
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new InputError(
      `${where}.${key} must be a positive integer, got ${value}`,
    );
  }
  return value;
}
