import { readAllPages, startVeeam, type VeeamHarness } from './testUtils';

describe('Veeam simulator collections', () => {
  let harness: VeeamHarness;
  let token: string;

  beforeAll(async () => {
    harness = await startVeeam();
    token = await harness.login();
  });

  afterAll(async () => {
    await harness.server.close();
  });

  it.each([
    ['/api/v1/sessions', 97],
    ['/api/v1/sessions?orderColumn=Name&orderAsc=false', 250],
    ['/api/v1/jobs/states', 3],
    ['/api/v1/restorePoints', 41],
    ['/api/v1/backupObjects', 5],
  ])('walks %s with skip/limit, every record once', async (path, limit) => {
    const { items, totals } = await readAllPages(harness, path, token, limit);
    const ids = items.map(item => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(totals[0]);
    expect(new Set(totals).size).toBe(1);
  });

  it('answers in the {data, pagination} envelope with the default page size', async () => {
    const page = await harness.getJson('/api/v1/sessions', token);
    expect(page.pagination).toEqual({
      total: expect.any(Number),
      count: 200,
      skip: 0,
      limit: 200,
    });
    expect(page.pagination.total).toBeGreaterThan(1500);
  });

  it('lists sessions newest first unless asked otherwise', async () => {
    const { data } = await harness.getJson('/api/v1/sessions?limit=50', token);
    const times = data.map((s: any) => Date.parse(s.creationTime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const ascending = await harness.getJson(
      '/api/v1/sessions?orderColumn=CreationTime&orderAsc=true&limit=50',
      token,
    );
    const ascTimes = ascending.data.map((s: any) => Date.parse(s.creationTime));
    expect([...ascTimes].sort((a, b) => a - b)).toEqual(ascTimes);
  });

  it('orders by the requested column', async () => {
    const { data } = await harness.getJson(
      '/api/v1/jobs?orderColumn=Name&orderAsc=false',
      token,
    );
    const names = data.map((j: any) => j.name);
    expect(names[0]).toBe('Storefront Apps - Daily');
    expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a)));

    const states = await harness.getJson(
      '/api/v1/jobs/states?orderColumn=LastRun',
      token,
    );
    const lastRuns = states.data.map((s: any) => Date.parse(s.lastRun));
    expect(lastRuns).toEqual([...lastRuns].sort((a, b) => a - b));
  });

  it('applies nameFilter with * wildcards, ignoring case', async () => {
    const daily = await harness.getJson(
      '/api/v1/jobs?nameFilter=*daily',
      token,
    );
    expect(daily.data.map((j: any) => j.name)).toEqual([
      'Payments Apps - Daily',
      'Orders DB - Daily',
      'Storefront Apps - Daily',
      'Kafka - Daily',
      'Identity - Daily',
      'Object Storage - Daily',
    ]);
    const exact = await harness.getJson(
      '/api/v1/jobs?nameFilter=kafka - daily',
      token,
    );
    expect(exact.pagination.total).toBe(1);
    const objects = await harness.getJson(
      '/api/v1/backupObjects?nameFilter=KAFKA-*',
      token,
    );
    expect(objects.data.map((o: any) => o.name)).toEqual([
      'kafka-01',
      'kafka-02',
      'kafka-03',
    ]);
  });

  it('applies the typed session filters together', async () => {
    const jobs = await harness.getJson(
      '/api/v1/jobs?nameFilter=Storefront*',
      token,
    );
    const jobId = jobs.data[0].id;
    const after = '2026-02-01T00:00:00+01:00';
    const before = '2026-03-01T00:00:00Z';
    const { items } = await readAllPages(
      harness,
      `/api/v1/sessions?jobIdFilter=${jobId}&resultFilter=Warning&typeFilter=BackupJob` +
        `&createdAfterFilter=${encodeURIComponent(
          after,
        )}&createdBeforeFilter=${encodeURIComponent(before)}`,
      token,
      5,
    );
    expect(items.length).toBeGreaterThan(3);
    for (const session of items) {
      expect(session.jobId).toBe(jobId);
      expect(session.result.result).toBe('Warning');
      expect(session.sessionType).toBe('BackupJob');
      expect(Date.parse(session.creationTime)).toBeGreaterThanOrEqual(
        Date.parse(after),
      );
      expect(Date.parse(session.creationTime)).toBeLessThan(Date.parse(before));
    }
    const all = await harness.getJson(
      `/api/v1/sessions?jobIdFilter=${jobId}&limit=1000`,
      token,
    );
    const expected = all.data.filter(
      (s: any) =>
        s.result.result === 'Warning' &&
        Date.parse(s.creationTime) >= Date.parse(after) &&
        Date.parse(s.creationTime) < Date.parse(before),
    );
    expect(items.map(s => s.id).sort()).toEqual(
      expected.map((s: any) => s.id).sort(),
    );

    const running = await harness.getJson(
      '/api/v1/sessions?stateFilter=Working',
      token,
    );
    for (const session of running.data) {
      expect(session.endTime).toBeNull();
    }
  });

  it('filters job states by last result', async () => {
    const failed = await harness.getJson(
      '/api/v1/jobs/states?lastResultFilter=Failed',
      token,
    );
    expect(failed.data.map((s: any) => s.name)).toEqual([
      'Data Warehouse - Weekly',
    ]);
  });

  it('rejects malformed paging and ordering with 400', async () => {
    for (const query of [
      'skip=-1',
      'limit=ten',
      'orderColumn=Colour',
      'orderAsc=maybe',
      'createdAfterFilter=yesterday',
    ]) {
      const response = await harness.get(`/api/v1/sessions?${query}`, token);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        errorCode: 'UnexpectedContent',
      });
    }
  });

  it('answers unknown ids with 404 NotFound naming the resource', async () => {
    const id = 'c05dfa57-f59a-4e90-8065-b7f5d3276406';
    for (const path of [
      `/api/v1/jobs/${id}`,
      `/api/v1/sessions/${id}`,
      `/api/v1/backups/${id}`,
    ]) {
      const response = await harness.get(path, token);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        errorCode: 'NotFound',
        resourceId: id,
      });
    }
    const unknownPath = await harness.get('/api/v1/nothingHere', token);
    expect(unknownPath.status).toBe(404);
    expect(await unknownPath.json()).toMatchObject({ errorCode: 'InvalidURI' });
  });

  it('serves single records and their children', async () => {
    const objects = await harness.getJson(
      '/api/v1/backupObjects?nameFilter=idp-vm-01',
      token,
    );
    const object = objects.data[0];
    const points = await harness.getJson(
      `/api/v1/backupObjects/${object.id}/restorePoints`,
      token,
    );
    expect(points.pagination.total).toBe(object.restorePointsCount);
    const point = await harness.getJson(
      `/api/v1/restorePoints/${points.data[0].id}`,
      token,
    );
    expect(point.name).toBe('idp-vm-01');
    const session = await harness.getJson(
      `/api/v1/sessions/${point.sessionId}`,
      token,
    );
    expect(['Success', 'Warning']).toContain(session.result.result);
    const backup = await harness.getJson(
      `/api/v1/backups/${point.backupId}`,
      token,
    );
    expect(backup.name).toBe('Identity - Daily');
    const backupObjects = await harness.getJson(
      `/api/v1/backups/${backup.id}/objects`,
      token,
    );
    expect(backupObjects.data.map((o: any) => o.name)).toEqual(['idp-vm-01']);
  });

  it('details a session by object in taskSessions and logs', async () => {
    const job = (await harness.getJson('/api/v1/jobs?nameFilter=Kafka*', token))
      .data[0];
    const session = (
      await harness.getJson(
        `/api/v1/sessions?jobIdFilter=${job.id}&resultFilter=Success&limit=1`,
        token,
      )
    ).data[0];
    const tasks = await harness.getJson(
      `/api/v1/sessions/${session.id}/taskSessions`,
      token,
    );
    expect(tasks.data.map((t: any) => t.name)).toEqual([
      'kafka-01',
      'kafka-02',
      'kafka-03',
    ]);
    expect(new Set(tasks.data.map((t: any) => t.id)).size).toBe(3);
    const logs = await harness.getJson(
      `/api/v1/sessions/${session.id}/logs`,
      token,
    );
    expect(logs.totalRecords).toBe(logs.records.length);
    expect(logs.records.map((r: any) => r.status)).toEqual(
      Array(5).fill('Succeeded'),
    );
    expect(logs.records[4].title).toMatch(/^Job finished successfully at /);
  });

  it('returns the vendor error shape from errorResponse, with Retry-After on 429', () => {
    const response = harness.simulator.errorResponse(429, 'Slow down');
    expect(response.status).toBe(429);
    expect(response.headers?.['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(response.body!)).toEqual({
      errorCode: 'UnknownError',
      message: 'Slow down',
      resourceId: null,
    });
    expect(
      JSON.parse(harness.simulator.errorResponse(503, 'down').body!).errorCode,
    ).toBe('ServiceUnavailable');
  });
});
