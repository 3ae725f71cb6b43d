import { validateQuirks } from './quirks';
import { readAllPages, startVeeam, type VeeamHarness } from './testUtils';

const ERROR_CODES = {
  403: 'AccessDenied',
  404: 'InvalidURI',
  501: 'NotImplemented',
};

describe('Veeam simulator quirks', () => {
  let harness: VeeamHarness;
  let token: string;
  let backupSessionId: string;
  let sureBackupSessionId: string;
  let objectId: string;
  let pointId: string;

  beforeAll(async () => {
    harness = await startVeeam();
    token = await harness.login();
    backupSessionId = (
      await harness.getJson(
        '/api/v1/sessions?typeFilter=BackupJob&limit=1',
        token,
      )
    ).data[0].id;
    sureBackupSessionId = (
      await harness.getJson(
        '/api/v1/sessions?typeFilter=SureBackup&limit=1',
        token,
      )
    ).data[0].id;
    objectId = (await harness.getJson('/api/v1/backupObjects?limit=1', token))
      .data[0].id;
    pointId = (await harness.getJson('/api/v1/restorePoints?limit=1', token))
      .data[0].id;
  });

  afterEach(() => {
    harness.simulator.setQuirks({});
  });

  afterAll(async () => {
    await harness.server.close();
  });

  const status = async (path: string) => {
    const response = await harness.get(path, token);
    return {
      status: response.status,
      errorCode:
        response.status === 200 ? undefined : (await response.json()).errorCode,
    };
  };

  describe.each([403, 404, 501] as const)('refusing with %i', refused => {
    const expected = { status: refused, errorCode: ERROR_CODES[refused] };
    const served = { status: 200, errorCode: undefined };

    it('taskSessions: every session’s tasks, nothing else', async () => {
      harness.simulator.setQuirks({ taskSessions: refused });
      expect(
        await status(`/api/v1/sessions/${backupSessionId}/taskSessions`),
      ).toEqual(expected);
      expect(
        await status(`/api/v1/sessions/${sureBackupSessionId}/taskSessions`),
      ).toEqual(expected);
      expect(await status(`/api/v1/sessions/${backupSessionId}`)).toEqual(
        served,
      );
      expect(await status('/api/v1/sessions?limit=1')).toEqual(served);
      expect(await status('/api/v1/restorePoints?limit=1')).toEqual(served);
    });

    it('taskSessions: the listing of all task sessions too; taskSessionListing: the listing only', async () => {
      harness.simulator.setQuirks({ taskSessions: refused });
      expect(await status('/api/v1/taskSessions?limit=1')).toEqual(expected);
      harness.simulator.setQuirks({ taskSessionListing: refused });
      expect(await status('/api/v1/taskSessions?limit=1')).toEqual(expected);
      expect(
        await status(`/api/v1/sessions/${backupSessionId}/taskSessions`),
      ).toEqual(served);
    });

    it('restorePoints: the listing, one point and the points of an object', async () => {
      harness.simulator.setQuirks({ restorePoints: refused });
      expect(await status('/api/v1/restorePoints?limit=1')).toEqual(expected);
      expect(await status(`/api/v1/restorePoints/${pointId}`)).toEqual(
        expected,
      );
      expect(
        await status(`/api/v1/backupObjects/${objectId}/restorePoints`),
      ).toEqual(expected);
      expect(await status(`/api/v1/backupObjects/${objectId}`)).toEqual(served);
      expect(
        await status(`/api/v1/sessions/${backupSessionId}/taskSessions`),
      ).toEqual(served);
    });

    it('sureBackupSessions: the details of restore-test sessions only', async () => {
      harness.simulator.setQuirks({ sureBackupSessions: refused });
      expect(await status(`/api/v1/sessions/${sureBackupSessionId}`)).toEqual(
        expected,
      );
      expect(
        await status(`/api/v1/sessions/${sureBackupSessionId}/taskSessions`),
      ).toEqual(expected);
      expect(
        await status(`/api/v1/sessions/${sureBackupSessionId}/logs`),
      ).toEqual(expected);
      expect(
        await status(`/api/v1/sessions/${backupSessionId}/taskSessions`),
      ).toEqual(served);
      // The listing still names them: only their details are refused.
      const listed = await harness.getJson(
        '/api/v1/sessions?typeFilter=SureBackup',
        token,
      );
      expect(listed.pagination.total).toBeGreaterThan(0);
    });
  });

  it('lists all task sessions in a creation window, filtered as each session’s own', async () => {
    // The newest sessions, oldest first: the failing weekly job is among them.
    const newest = await harness.getJson(
      '/api/v1/sessions?orderColumn=CreationTime&orderAsc=false&limit=150',
      token,
    );
    const sessions = { data: [...newest.data].reverse() };
    const from = sessions.data[0].creationTime;
    const to = new Date(
      Date.parse(sessions.data[149].creationTime) + 1,
    ).toISOString();
    const expected: any[] = [];
    for (const session of sessions.data) {
      const own = await harness.getJson(
        `/api/v1/sessions/${session.id}/taskSessions`,
        token,
      );
      expected.push(...own.data);
    }
    const window = `createdAfterFilter=${encodeURIComponent(
      from,
    )}&createdBeforeFilter=${encodeURIComponent(to)}`;
    const all = await readAllPages(
      harness,
      `/api/v1/taskSessions?${window}`,
      token,
      7,
    );
    expect(all.items).toEqual(expected);
    expect(all.items[0]).toMatchObject({
      sessionType: sessions.data[0].sessionType,
    });
    const failed = await readAllPages(
      harness,
      `/api/v1/taskSessions?${window}&resultFilter=Failed`,
      token,
      50,
    );
    expect(failed.items.length).toBeGreaterThan(0);
    expect(failed.items).toEqual(
      expected.filter(t => t.result.result === 'Failed'),
    );
    const one = await harness.getJson(
      `/api/v1/taskSessions?sessionIdFilter=${sessions.data[5].id}`,
      token,
    );
    expect(one.data.map((t: any) => t.sessionId)).toEqual(
      expected
        .filter(t => t.sessionId === sessions.data[5].id)
        .map(t => t.sessionId),
    );
  });

  it.each([
    ['with Retry-After', 7, '7'],
    ['without Retry-After', undefined, null],
  ])(
    'throttles token requests %s, then serves them again',
    async (_, seconds, header) => {
      harness.simulator.setQuirks({
        tokenRateLimit: { count: 2, after: 1, retryAfterSeconds: seconds },
      });
      const login = () =>
        harness.token({
          grant_type: 'password',
          username: 'itops',
          password: 'veeam-password',
        });
      const first = await login();
      expect(first.status).toBe(200);
      for (let i = 0; i < 2; i++) {
        const throttled = await login();
        expect(throttled.status).toBe(429);
        expect(throttled.headers.get('retry-after')).toBe(header);
        expect(await throttled.json()).toMatchObject({
          errorCode: 'UnknownError',
        });
      }
      expect((await login()).status).toBe(200);
      // Other calls are not throttled.
      expect(await status('/api/v1/jobs')).toEqual({
        status: 200,
        errorCode: undefined,
      });
    },
  );

  it('sends the sessions it is told to spoil with that field unreadable', async () => {
    const { data } = await harness.getJson(
      '/api/v1/sessions?typeFilter=BackupJob&stateFilter=Stopped&limit=3',
      token,
    );
    const [a, b, c] = data.map((s: any) => s.id);
    harness.simulator.setQuirks({
      corruptSessions: {
        [a]: 'unreadableCreationTime',
        [b]: 'missingId',
        [c]: 'unknownResult',
      },
    });
    const again = await harness.getJson(
      '/api/v1/sessions?typeFilter=BackupJob&stateFilter=Stopped&limit=3',
      token,
    );
    expect(again.data[0].creationTime).toBe('25/11/2026 12:00');
    expect(again.data[1]).not.toHaveProperty('id');
    expect(again.data[1].name).toBe(data[1].name);
    expect(again.data[2].result.result).toBe('PartiallySucceeded');
    expect(
      (await harness.getJson(`/api/v1/sessions/${a}`, token)).creationTime,
    ).toBe('25/11/2026 12:00');
  });

  it('deletes sessions and restore points: listings and look-ups no longer have them', async () => {
    const local = await startVeeam();
    try {
      const localToken = await local.login();
      const before = await readAllPages(
        local,
        '/api/v1/sessions',
        localToken,
        500,
      );
      const points = await readAllPages(
        local,
        '/api/v1/restorePoints',
        localToken,
        500,
      );
      const gone = [before.items[3].id, before.items[10].id];
      expect(local.simulator.deleteSessions([...gone, 'no-such-session'])).toBe(
        2,
      );
      expect(local.simulator.deleteRestorePoints([points.items[0].id])).toBe(1);

      const after = await readAllPages(
        local,
        '/api/v1/sessions',
        localToken,
        97,
      );
      expect(after.totals[0]).toBe(before.totals[0] - 2);
      expect(after.items.map(s => s.id)).toEqual(
        before.items.map(s => s.id).filter(id => !gone.includes(id)),
      );
      expect(
        (await local.get(`/api/v1/sessions/${gone[0]}`, localToken)).status,
      ).toBe(404);
      const ascending = await readAllPages(
        local,
        '/api/v1/sessions?orderColumn=CreationTime&orderAsc=true',
        localToken,
        200,
      );
      expect(ascending.totals[0]).toBe(before.totals[0] - 2);
      const pointsAfter = await readAllPages(
        local,
        '/api/v1/restorePoints',
        localToken,
        500,
      );
      expect(pointsAfter.items.map(p => p.id)).toEqual(
        points.items.slice(1).map(p => p.id),
      );
      expect(local.simulator.stats().sessionsDeleted).toBe(2);
    } finally {
      await local.server.close();
    }
  });

  it('refuses quirks it does not know or cannot apply, naming them', () => {
    expect(() => validateQuirks({ taskSession: 404 })).toThrow(
      /Unknown Veeam quirk "taskSession"/,
    );
    expect(() => validateQuirks({ restorePoints: 500 })).toThrow(
      /restorePoints must be 403, 404 or 501/,
    );
    expect(() => validateQuirks({ tokenRateLimit: { after: 2 } })).toThrow(
      /tokenRateLimit.count/,
    );
    expect(() => validateQuirks({ corruptSessions: { x: 'badDate' } })).toThrow(
      /corruptSessions.x/,
    );
    expect(() => validateQuirks({ corruptJobStates: 'job-1' })).toThrow(
      /corruptJobStates must be a list of job ids/,
    );
  });
});
