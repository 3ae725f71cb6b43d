import { ConfigReader } from '@backstage/config';
import { readSourceInstances } from './readSourceInstances';

describe('readSourceInstances', () => {
  it('lists every named instance with its own config', () => {
    const config = new ConfigReader({
      itops: {
        servicenow: {
          instances: {
            production: { baseUrl: 'https://prod.example' },
            emea: { baseUrl: 'https://emea.example' },
          },
        },
      },
    });
    const instances = readSourceInstances(config, 'itops.servicenow.instances');
    expect(instances.map(i => i.name)).toEqual(['production', 'emea']);
    expect(instances[1].config.getString('baseUrl')).toBe(
      'https://emea.example',
    );
  });

  it('is empty when the source is not configured', () => {
    expect(
      readSourceInstances(new ConfigReader({}), 'itops.jira.sites'),
    ).toEqual([]);
  });
});
