import { ConfigReader } from '@backstage/config';
import { readCapabilitySyncConfig } from './syncConfig';

describe('readCapabilitySyncConfig', () => {
  it('defaults to every 5 minutes and a full sync every 6 hours', () => {
    expect(readCapabilitySyncConfig(new ConfigReader({}), 'incidents')).toEqual(
      {
        schedule: {
          frequency: { minutes: 5 },
          timeout: { minutes: 15 },
          initialDelay: { seconds: 10 },
          scope: 'global',
        },
        fullSyncEveryMs: 6 * 3_600_000,
      },
    );
  });

  it('lets a capability override the shared settings', () => {
    const config = new ConfigReader({
      itops: {
        sync: {
          schedule: { frequency: 'PT2M', timeout: { minutes: 3 } },
          fullSyncEvery: '1 day',
          capabilities: {
            changes: { fullSyncEvery: 'PT30M' },
            backups: {
              schedule: {
                frequency: { cron: '0 * * * *' },
                timeout: { hours: 1 },
                scope: 'local',
              },
            },
          },
        },
      },
    });

    expect(readCapabilitySyncConfig(config, 'incidents')).toEqual({
      schedule: {
        frequency: { minutes: 2 },
        timeout: { minutes: 3 },
        initialDelay: { seconds: 10 },
        scope: 'global',
      },
      fullSyncEveryMs: 86_400_000,
    });
    expect(readCapabilitySyncConfig(config, 'changes').fullSyncEveryMs).toBe(
      1_800_000,
    );
    expect(readCapabilitySyncConfig(config, 'backups').schedule).toEqual({
      frequency: { cron: '0 * * * *' },
      timeout: { hours: 1 },
      initialDelay: { seconds: 10 },
      scope: 'local',
    });
  });

  it('rejects an invalid duration', () => {
    expect(() =>
      readCapabilitySyncConfig(
        new ConfigReader({ itops: { sync: { fullSyncEvery: 'often' } } }),
        'incidents',
      ),
    ).toThrow(/fullSyncEvery/);
  });
});
