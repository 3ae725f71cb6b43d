import { SourceRequestError } from '@backstage-itops/plugin-itops-node';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { loggableError } from './syncErrorMessage';
import { describeSyncFailure } from './syncFailure';

const databases = createTestDatabases();
const RECORD_VALUE = 'Payroll export for J. Doe failed';

function sourceError(
  status: number | undefined,
  cause?: unknown,
  attempts = 1,
): SourceRequestError {
  return new SourceRequestError(
    `servicenow/production GET /api/now/table/incident answered ${status}: <html>${RECORD_VALUE} at /srv/app/index.js</html>`,
    { status, attempts, cause, request: 'GET /api/now/table/incident' },
  );
}

describe('describeSyncFailure', () => {
  it.each([
    [sourceError(401), 'auth', 'refused the credentials (HTTP 401)'],
    [sourceError(403), 'auth', 'refused the credentials (HTTP 403)'],
    [sourceError(429, undefined, 5), 'rate_limit', '(HTTP 429) after 5'],
    [sourceError(503, undefined, 5), 'upstream', 'answered HTTP 503 after 5'],
    [sourceError(404), 'upstream', 'refused the request (HTTP 404)'],
    [sourceError(302), 'bad_answer', 'redirect (HTTP 302)'],
    [sourceError(200), 'bad_answer', 'could not be used'],
    [
      sourceError(
        undefined,
        Object.assign(new Error('x'), { code: 'ENOTFOUND' }),
      ),
      'network',
      'Could not reach the source (ENOTFOUND)',
    ],
    [
      sourceError(undefined, new SyntaxError('Unexpected token < in JSON')),
      'bad_answer',
      'could not be read',
    ],
  ])('classifies %p as %p', (error, kind, text) => {
    const failure = describeSyncFailure(error);
    expect(failure.kind).toBe(kind);
    expect(failure.message).toContain(text);
    expect(failure.message).toContain('GET /api/now/table/incident');
    // Never the upstream's words, file paths or record values.
    expect(failure.message).not.toContain(RECORD_VALUE);
    expect(failure.message).not.toContain('/srv/app');
  });

  it.each([
    [
      { stage: 'connect', afterMs: 10_000, limit: 'stage' },
      'The source timed out: no connection within 10 s after 2 attempts at GET /api/now/table/incident.',
    ],
    [
      { stage: 'headers', afterMs: 20_000, limit: 'stage' },
      'The source timed out: no answer headers within 20 s after 2 attempts at GET /api/now/table/incident.',
    ],
    [
      { stage: 'body', afterMs: 30_000, limit: 'attempt' },
      'The source timed out: the answer body stalled within 30 s (the per-attempt limit) after 2 attempts at GET /api/now/table/incident.',
    ],
  ] as const)('names the stage of a timeout (%o)', (timeout, message) => {
    const error = new SourceRequestError(
      'servicenow/production GET /api/now/table/incident failed after 2 attempts: timed out (10.0.0.7:443)',
      {
        attempts: 2,
        request: 'GET /api/now/table/incident',
        cause: Object.assign(new Error('fetch failed 10.0.0.7:443'), {
          code: 'UND_ERR_CONNECT_TIMEOUT',
        }),
        timeout: { ...timeout },
      },
    );
    expect(describeSyncFailure(error)).toEqual({ kind: 'network', message });
  });

  it('names an abort, whatever the error', () => {
    expect(
      describeSyncFailure(new Error('The operation was aborted'), {
        aborted: true,
      }),
    ).toEqual({
      kind: 'aborted',
      message: 'Sync aborted (timeout or shutdown); stored data is kept.',
    });
  });

  it('says nothing of an unknown error but its type', () => {
    expect(describeSyncFailure(new TypeError(RECORD_VALUE))).toEqual({
      kind: 'unknown',
      message: 'Sync failed (TypeError); see the backend log for details.',
    });
  });

  it.each(databases.eachSupportedId())(
    'reports a failed insert by its database code only, and logs it without the values, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('t', table => {
        table.string('id').primary();
        table.string('title');
      });
      await knex('t').insert({ id: 'INC1', title: 'first' });
      const error = await knex('t')
        .insert({ id: 'INC1', title: RECORD_VALUE })
        .then(
          () => undefined,
          e => e,
        );
      expect(String(error)).toMatch(/insert into/i);

      const failure = describeSyncFailure(error);
      expect(failure.kind).toBe('storage');
      expect(failure.message).toMatch(
        /^Storing the records failed \(database error (SQLITE_CONSTRAINT\w*|23505)\)/,
      );
      expect(failure.message).not.toMatch(/insert|INC1/i);
      const logged = loggableError(error);
      expect(logged).toMatch(/insert into/i);
      expect(logged).not.toContain(RECORD_VALUE);
    },
  );
});

describe('loggableError', () => {
  it.each(databases.eachSupportedId())(
    'leaves no record value of a failed multi-row insert in the log, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('m', table => {
        table.string('id').primary();
        table.string('title').notNullable();
        table.integer('n').notNullable();
      });
      const error = await knex('m')
        .insert([
          { id: 'a', title: RECORD_VALUE, n: 1 },
          { id: 'b', title: `${RECORD_VALUE} (again)` },
        ])
        .then(
          () => undefined,
          e => e,
        );
      expect(error).toBeDefined();
      const logged = loggableError(error);
      expect(logged).toMatch(/insert into/i);
      expect(logged).not.toContain(RECORD_VALUE);
    },
  );

  it('cuts every value list of a statement and masks secrets', () => {
    const message = loggableError(
      new Error(
        "insert into `itops_incidents` (`id`, `title`) values ('a', 'Secret (draft) title'), ('b', 'Other') - token=abc123",
      ),
    );
    expect(message).toBe(
      'Error: insert into `itops_incidents` (`id`, `title`) values (…) - token=***',
    );
  });
});
