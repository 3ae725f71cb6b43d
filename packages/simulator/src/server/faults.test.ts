import { parseFaultSpec, validateFaultConfig } from './faults';

describe('parseFaultSpec', () => {
  it('reads every key of the CLI syntax', () => {
    expect(
      parseFaultSpec(
        'servicenow:latency=200,jitter=50,ratelimit=100/60,error=503x3@10,reset=2@5,truncate=1,slow=1@2,malformed=1@4,expire=20,shift=7,outage=30',
      ),
    ).toEqual({
      servicenow: {
        latency: { fixedMs: 200, jitterMs: 50 },
        rateLimit: { limit: 100, windowSeconds: 60 },
        errors: { status: 503, count: 3, after: 10 },
        resets: { count: 2, after: 5 },
        truncate: { count: 1, after: 0 },
        slowBody: { count: 1, after: 2 },
        malformed: { count: 1, after: 4 },
        expireTokens: { after: 20 },
        shiftRecords: { after: 7 },
        outage: { durationSeconds: 30 },
      },
    });
  });

  it('reads several systems and outage windows', () => {
    expect(
      parseFaultSpec(
        'jira:error=500;veeam:outage=2026-01-01T00:00:00Z/2026-01-01T01:00:00Z,ratelimit=5',
      ),
    ).toEqual({
      jira: { errors: { status: 500, count: 1, after: 0 } },
      veeam: {
        outage: { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' },
        rateLimit: { limit: 5 },
      },
    });
  });

  it('reads the hostile-upstream keys', () => {
    expect(
      parseFaultSpec(
        'servicenow:oversized=1@2,hostile-mb=5,bomb=2,redirect=1@3,empty=1',
      ),
    ).toEqual({
      servicenow: {
        oversized: { count: 1, after: 2, megabytes: 5 },
        gzipBomb: { count: 2, after: 0, megabytes: 5 },
        foreignRedirect: { count: 1, after: 3 },
        emptyAnswer: { count: 1, after: 0 },
      },
    });
    expect(() =>
      validateFaultConfig({
        foreignRedirect: { count: 1, location: 'nowhere' },
      }),
    ).toThrow(/absolute URL/);
  });

  it('rejects unknown systems, keys and bad values', () => {
    expect(() => parseFaultSpec('github:latency=1')).toThrow(
      /must start with one of/,
    );
    expect(() => parseFaultSpec('jira:explode=1')).toThrow(
      /Unknown fault "explode"/,
    );
    expect(() => parseFaultSpec('jira:latency=-5')).toThrow(
      /non-negative number/,
    );
    expect(() => parseFaultSpec('jira:error=5xx')).toThrow(/503x3@10/);
    expect(() => parseFaultSpec('jira:outage=yesterday/today')).toThrow(
      /ISO date-time/,
    );
  });
});

describe('validateFaultConfig', () => {
  it('accepts a valid configuration and refuses malformed ones', () => {
    expect(validateFaultConfig({ errors: { status: 502, count: 1 } })).toEqual({
      errors: { status: 502, count: 1 },
    });
    expect(() => validateFaultConfig([])).toThrow(/JSON object/);
    expect(() =>
      validateFaultConfig({ errors: { status: 200, count: 1 } }),
    ).toThrow(/HTTP error status/);
    expect(() => validateFaultConfig({ rateLimit: {} })).toThrow(
      /rateLimit.limit/,
    );
    expect(() =>
      validateFaultConfig({ outage: { from: '2026-01-01T00:00:00Z' } }),
    ).toThrow(/from and to/);
    expect(() => validateFaultConfig({ latencyy: {} })).toThrow(
      /Unknown fault/,
    );
  });
});
