import type { Config } from '@backstage/config';
import type { SourceHttpClientOptions } from './types';

/**
 * Reads the request policy of one source instance from its config, the same
 * keys for every source module:
 *
 * ```yaml
 * http:
 *   maxConcurrency: 4        # requests in flight at once
 *   requestsPerSecond: 10    # average budget
 *   timeoutSeconds: 30       # per attempt, the cap over the stages below
 *   timeouts:
 *     connectSeconds: 10     # connection and TLS handshake
 *     headersSeconds: 30     # request sent to answer headers (default: timeoutSeconds)
 *     bodySeconds: 30        # longest pause within the body (default: timeoutSeconds)
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
  | 'timeouts'
  | 'maxResponseBytes'
  | 'retry'
  | 'tls'
> {
  const http = config.getOptionalConfig('http');
  const retry = http?.getOptionalConfig('retry');
  const tls = config.getOptionalConfig('tls');
  const timeoutSeconds = positive(http, 'timeoutSeconds');
  const stages = http?.getOptionalConfig('timeouts');
  return {
    maxConcurrency: positive(http, 'maxConcurrency'),
    requestsPerSecond: positive(http, 'requestsPerSecond'),
    timeoutMs: milliseconds(timeoutSeconds),
    timeouts: stages
      ? {
          connectMs: milliseconds(positive(stages, 'connectSeconds')),
          headersMs: milliseconds(positive(stages, 'headersSeconds')),
          bodyMs: milliseconds(positive(stages, 'bodySeconds')),
        }
      : undefined,
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

function milliseconds(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
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
