import { startVeeam, type VeeamHarness } from './testUtils';

describe('Veeam simulator revisions', () => {
  let harness: VeeamHarness;

  beforeAll(async () => {
    harness = await startVeeam();
  });

  afterAll(async () => {
    await harness.server.close();
  });

  it.each([
    ['1.1-rev2', '/api/v1/objectRestorePoints', '/api/v1/restorePoints'],
    ['1.2-rev1', '/api/v1/restorePoints', '/api/v1/objectRestorePoints'],
    ['1.3-rev0', '/api/v1/restorePoints', '/api/v1/objectRestorePoints'],
  ])(
    'serves restore points for %s on %s only',
    async (revision, served, absent) => {
      const token = await harness.login(revision);
      const page = await harness.getJson(`${served}?limit=1`, token, revision);
      expect(page.data[0]).toMatchObject({
        platformName: 'VMware',
        type: expect.any(String),
      });
      const one = await harness.getJson(
        `${served}/${page.data[0].id}`,
        token,
        revision,
      );
      expect(one.id).toBe(page.data[0].id);
      const other = await harness.get(`${absent}?limit=1`, token, revision);
      expect(other.status).toBe(404);
    },
  );

  it('names vSphere backup jobs Backup before 1.3 and VSphereBackup from 1.3', async () => {
    const old = await harness.login('1.2-rev1');
    const jobs12 = await harness.getJson('/api/v1/jobs', old, '1.2-rev1');
    expect(new Set(jobs12.data.map((j: any) => j.type))).toEqual(
      new Set(['Backup']),
    );
    const filtered12 = await harness.getJson(
      '/api/v1/jobs?typeFilter=VSphereBackup',
      old,
      '1.2-rev1',
    );
    expect(filtered12.pagination.total).toBe(0);

    const current = await harness.login('1.3-rev0');
    const states13 = await harness.getJson(
      '/api/v1/jobs/states',
      current,
      '1.3-rev0',
    );
    expect(new Set(states13.data.map((j: any) => j.type))).toEqual(
      new Set(['VSphereBackup']),
    );
    const filtered13 = await harness.getJson(
      '/api/v1/jobs/states?typeFilter=VSphereBackup',
      current,
      '1.3-rev0',
    );
    expect(filtered13.pagination.total).toBe(8);
  });

  it('adds the 1.3 fields to job states and sessions only for 1.3 clients', async () => {
    const old = await harness.login('1.2-rev1');
    const state12 = (
      await harness.getJson('/api/v1/jobs/states?limit=1', old, '1.2-rev1')
    ).data[0];
    expect(state12).not.toHaveProperty('nextRunPolicy');
    expect(state12).not.toHaveProperty('sessionProgress');
    const session12 = (
      await harness.getJson('/api/v1/sessions?limit=1', old, '1.2-rev1')
    ).data[0];
    expect(session12).not.toHaveProperty('initiatedBy');

    const current = await harness.login('1.3-rev0');
    const state13 = (
      await harness.getJson('/api/v1/jobs/states?limit=1', current, '1.3-rev0')
    ).data[0];
    expect(state13).toMatchObject({
      nextRunPolicy: expect.stringMatching(
        /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2} (AM|PM)$/,
      ),
      highPriority: expect.any(Boolean),
      progressPercent: expect.any(Number),
      sessionProgress: {
        duration: expect.stringMatching(/^\d{2}:\d{2}:\d{2}$/),
      },
    });
    const session13 = (
      await harness.getJson('/api/v1/sessions?limit=1', current, '1.3-rev0')
    ).data[0];
    expect(session13.initiatedBy).toEqual(expect.any(String));
  });

  it('writes dates in server local time with offset and a variable fraction', async () => {
    const token = await harness.login();
    const { data } = await harness.getJson('/api/v1/sessions?limit=200', token);
    const formats = new Set<number>();
    for (const session of data) {
      const match =
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d{1,7}))?\+01:00$/.exec(
          session.creationTime,
        );
      expect(match).not.toBeNull();
      formats.add(match![1]?.length ?? 0);
    }
    expect(formats.size).toBeGreaterThan(1);
  });

  it('publishes a Swagger document per supported revision for version probing', async () => {
    const known = await fetch(
      `${harness.server.url}/swagger/v1.3-rev2/swagger.json`,
    );
    expect(known.status).toBe(200);
    expect((await known.json()).info.version).toBe('1.3-rev2');
    const unknown = await fetch(
      `${harness.server.url}/swagger/v1.4-rev0/swagger.json`,
    );
    expect(unknown.status).toBe(404);
  });
});
