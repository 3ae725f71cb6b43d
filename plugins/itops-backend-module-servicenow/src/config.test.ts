import { ConfigReader } from '@backstage/config';
import { readInstanceOptions } from './config';

function read(config: object) {
  return readInstanceOptions('prod', new ConfigReader(config));
}

const BASE = { baseUrl: 'https://acme.service-now.com/' };

describe('readInstanceOptions', () => {
  it('reads Basic auth and the documented defaults', () => {
    const options = read({ ...BASE, auth: { username: 'u', password: 'p' } });
    expect(options).toMatchObject({
      name: 'prod',
      baseUrl: 'https://acme.service-now.com',
      auth: { kind: 'basic', username: 'u', password: 'p' },
      pageSize: 1000,
      overlapMs: 60_000,
      clockOverlapMs: 120_000,
      deletionsFromAudit: false,
      incidents: {
        enabled: true,
        table: 'incident',
        states: { new: ['1'], resolved: ['6'], cancelled: ['8'] },
      },
      changes: {
        states: { new: ['-5'], closed: ['3'] },
        risks: { low: ['4'] },
      },
      freezeWindows: {
        scheduleTable: 'cmn_schedule_blackout',
        defaultTimeZone: 'UTC',
      },
      oncall: { enabled: true, stepMs: 6 * 3_600_000 },
    });
  });

  it('reads the clock overlap and the deletion audit switch', () => {
    expect(
      read({
        ...BASE,
        auth: { username: 'u', password: 'p' },
        clockOverlapSeconds: 30,
        deletions: { auditTable: true },
      }),
    ).toMatchObject({ clockOverlapMs: 30_000, deletionsFromAudit: true });
  });

  it('infers the OAuth grant from the credentials given', () => {
    expect(
      read({ ...BASE, auth: { clientId: 'c', clientSecret: 's' } }).auth,
    ).toMatchObject({ kind: 'oauth', grantType: 'client_credentials' });
    expect(
      read({
        ...BASE,
        auth: {
          clientId: 'c',
          clientSecret: 's',
          username: 'u',
          password: 'p',
        },
      }).auth,
    ).toMatchObject({
      kind: 'oauth',
      grantType: 'password',
      refreshBeforeExpiryMs: undefined,
    });
  });

  it.each([
    [{ ...BASE }, /auth is required/],
    [{ ...BASE, auth: { username: 'u' } }, /needs username and password/],
    [{ ...BASE, auth: { clientId: 'c' } }, /both clientId and clientSecret/],
    [
      {
        ...BASE,
        auth: { clientId: 'c', clientSecret: 's', grantType: 'password' },
      },
      /password grant/,
    ],
    [
      { baseUrl: 'acme', auth: { username: 'u', password: 'p' } },
      /http\(s\) URL/,
    ],
    [
      { ...BASE, auth: { username: 'u', password: 'p' }, pageSize: 20000 },
      /pageSize/,
    ],
    [
      {
        ...BASE,
        auth: { username: 'u', password: 'p' },
        incidents: { filter: 'a=1^NQb=2' },
      },
      /\^NQ/,
    ],
    [
      {
        ...BASE,
        auth: { username: 'u', password: 'p' },
        incidents: { table: 'incident^x' },
      },
      /field name/,
    ],
    [
      {
        ...BASE,
        auth: { username: 'u', password: 'p' },
        incidents: { states: { done: ['9'] } },
      },
      /unknown states value 'done'/,
    ],
    [
      {
        ...BASE,
        auth: { username: 'u', password: 'p' },
        freezeWindows: { defaultTimeZone: 'Mars/Base' },
      },
      /IANA/,
    ],
  ])('refuses invalid config %#', (config, message) => {
    expect(() => read(config)).toThrow(message);
  });
});
