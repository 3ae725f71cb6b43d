import { ConfigReader } from '@backstage/config';
import { readVeeamServerConfig } from './config';

const minimal = {
  baseUrl: 'https://vbr.acme.example:9419/',
  username: 'itops',
  password: 'secret',
};

describe('readVeeamServerConfig', () => {
  it('fills in the defaults', () => {
    expect(readVeeamServerConfig('main', new ConfigReader(minimal))).toEqual({
      name: 'main',
      baseUrl: 'https://vbr.acme.example:9419',
      apiVersion: '1.2-rev1',
      username: 'itops',
      password: 'secret',
      pageSize: 200,
      historyDays: 60,
      restoreTestSessionTypes: ['SureBackup', 'InstantRecovery'],
      http: {
        maxConcurrency: undefined,
        requestsPerSecond: undefined,
        timeoutMs: undefined,
        retry: undefined,
        tls: undefined,
      },
    });
  });

  it('reads TLS options for a self-signed certificate', () => {
    const server = readVeeamServerConfig(
      'main',
      new ConfigReader({ ...minimal, tls: { rejectUnauthorized: false } }),
    );
    expect(server.http.tls).toEqual({
      rejectUnauthorized: false,
      ca: undefined,
    });
  });

  it.each([
    [
      { apiVersion: '1.2' },
      /itops\.veeam\.servers\.main\.apiVersion must look like 1\.2-rev1/,
    ],
    [
      { baseUrl: 'vbr:9419' },
      /itops\.veeam\.servers\.main\.baseUrl must be an http\(s\) URL/,
    ],
    [{ pageSize: 0 }, /pageSize must be a positive integer, got 0/],
    [{ historyDays: 1.5 }, /historyDays must be a positive integer/],
  ])('rejects %j naming the key', (override, message) => {
    expect(() =>
      readVeeamServerConfig(
        'main',
        new ConfigReader({ ...minimal, ...override }),
      ),
    ).toThrow(message);
  });

  it('requires the credentials', () => {
    expect(() =>
      readVeeamServerConfig(
        'main',
        new ConfigReader({ baseUrl: minimal.baseUrl }),
      ),
    ).toThrow(/username/);
  });
});
