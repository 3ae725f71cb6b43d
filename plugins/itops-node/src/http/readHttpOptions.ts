import type { Config } from '@backstage/config';
import type { SourceHttpClientOptions } from './SourceHttpClient';

/**
 * Reads the request policy of one source instance from its config, the same
 * keys for every source module:
 *
 * ```yaml
 * http:
 *   maxConcurrency: 4        # requests in flight at once
 *   requestsPerSecond: 10    # average budget
 *   timeoutSeconds: 30       # per attempt
 *   maxResponseMegabytes: 64 # largest answer read, after decompression
 *   retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 60000 }
 * tls:
 *   rejectUnauthorized: true # false only to accept a self-signed certificate
 *   ca: <PEM>
 * ```
 *
 * @public
 */
export function readHttpOptions(
  config: Config,
): Pick<
  SourceHttpClientOptions,
  | 'maxConcurrency'
  | 'requestsPerSecond'
  | 'timeoutMs'
  | 'maxResponseBytes'
  | 'retry'
  | 'tls'
> {
  const http = config.getOptionalConfig('http');
  const retry = http?.getOptionalConfig('retry');
  const tls = config.getOptionalConfig('tls');
  const timeoutSeconds = http?.getOptionalNumber('timeoutSeconds');
  return {
    maxConcurrency: positive(http, 'maxConcurrency'),
    requestsPerSecond: positive(http, 'requestsPerSecond'),
    timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
    maxResponseBytes: megabytes(positive(http, 'maxResponseMegabytes')),
    retry: retry
      ? {
          maxAttempts: positive(retry, 'maxAttempts'),
          baseDelayMs: positive(retry, 'baseDelayMs'),
          maxDelayMs: positive(retry, 'maxDelayMs'),
        }
      : undefined,
    tls: tls
      ? {
          rejectUnauthorized: tls.getOptionalBoolean('rejectUnauthorized'),
          ca: tls.getOptionalString('ca'),
        }
      : undefined,
  };
}

function megabytes(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 1024 * 1024);
}

function positive(config: Config | undefined, key: string): number | undefined {
  const value = config?.getOptionalNumber(key);
  if (value !== undefined && !(value > 0)) {
    throw new Error(
      `Invalid config: '${key}' must be a positive number, got ${value}`,
    );
  }
  return value;
}
