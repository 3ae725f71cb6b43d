import { ConfigReader } from '@backstage/config';
import { readHttpOptions } from './readHttpOptions';

describe('readHttpOptions', () => {
  it('reads the request policy of an instance', () => {
    expect(
      readHttpOptions(
        new ConfigReader({
          http: {
            maxConcurrency: 2,
            requestsPerSecond: 5,
            timeoutSeconds: 10,
            retry: { maxAttempts: 3 },
          },
          tls: { rejectUnauthorized: false },
        }),
      ),
    ).toEqual({
      maxConcurrency: 2,
      requestsPerSecond: 5,
      timeoutMs: 10_000,
      retry: { maxAttempts: 3, baseDelayMs: undefined, maxDelayMs: undefined },
      tls: { rejectUnauthorized: false, ca: undefined },
    });
  });

  it('leaves everything to the defaults when unset', () => {
    expect(readHttpOptions(new ConfigReader({}))).toEqual({
      maxConcurrency: undefined,
      requestsPerSecond: undefined,
      timeoutMs: undefined,
      retry: undefined,
      tls: undefined,
    });
  });

  it('reads the stage timeouts in seconds, each optional', () => {
    const options = readHttpOptions(
      new ConfigReader({
        http: {
          timeoutSeconds: 60,
          timeouts: { connectSeconds: 2.5, bodySeconds: 15 },
        },
      }),
    );
    expect(options.timeoutMs).toBe(60_000);
    expect(options.timeouts).toEqual({
      connectMs: 2500,
      headersMs: undefined,
      bodyMs: 15_000,
    });
  });

  it('names the key of a value that cannot work', () => {
    expect(() =>
      readHttpOptions(
        new ConfigReader({ http: { timeouts: { headersSeconds: -1 } } }),
      ),
    ).toThrow(/'headersSeconds' must be a positive number/);
    expect(() =>
      readHttpOptions(new ConfigReader({ http: { requestsPerSecond: 0 } })),
    ).toThrow(/'requestsPerSecond' must be a positive number/);
  });
});
