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

  it('names the key of a value that cannot work', () => {
    expect(() =>
      readHttpOptions(new ConfigReader({ http: { requestsPerSecond: 0 } })),
    ).toThrow(/'requestsPerSecond' must be a positive number/);
  });
});
