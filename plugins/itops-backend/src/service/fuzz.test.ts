import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fc from 'fast-check';
import request from 'supertest';
import { incidentTable } from '../database/recordTables';
import { itopsPlugin } from '../plugin';
import { spec } from '../schema/openapi';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { INTERNAL_TEXT } from '../__testUtils__/internalText';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(300_000);

/**
 * Property-based test of the whole API surface: every operation of the
 * OpenAPI spec, driven with values that fit its parameters, values that
 * almost do, and hostile ones. Whatever arrives, the API answers below 500
 * with nothing internal in the body, and a caller denied the incident area
 * never sees an incident.
 */

const REF = 'component:default/payments';
const SECRET_TITLE = 'Payroll of J. Doe leaked';
const RUNS = Number(process.env.ITOPS_FUZZ_RUNS ?? 150);

type Schema = {
  type?: string | string[];
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  format?: string;
  items?: Schema;
};
type Parameter = {
  name: string;
  in: 'query' | 'path' | 'header';
  schema?: Schema;
  $ref?: string;
};
type Operation = {
  method: 'get' | 'post' | 'delete';
  path: string;
  parameters: Parameter[];
  hasBody: boolean;
};

function resolve(parameter: Parameter): Parameter {
  if (!parameter.$ref) return parameter;
  const name = parameter.$ref.split('/').pop()!;
  return (spec.components.parameters as unknown as Record<string, Parameter>)[
    name
  ];
}

const OPERATIONS: Operation[] = Object.entries(
  spec.paths as unknown as Record<string, Record<string, any>>,
).flatMap(([path, operations]) =>
  (['get', 'post', 'delete'] as const)
    .filter(method => operations[method])
    .map(method => ({
      method,
      path,
      parameters: (operations[method].parameters ?? []).map(resolve),
      hasBody: Boolean(operations[method].requestBody),
    })),
);

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "'; drop table itops_incidents; --",
    '" or 1=1 --',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    'component:default/payments',
    'user:default/mock',
    '1e308',
    '-1',
    '99999999999999999999',
    'NaN',
    '2026-02-30T25:61:00Z',
    'x'.repeat(5000),
    '🙂',
  ),
);

function fitting(schema: Schema | undefined): fc.Arbitrary<string> {
  if (!schema) return hostile;
  if (schema.enum) {
    return fc.constantFrom(...schema.enum.map(String));
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    return fc
      .integer({
        min: (schema.minimum ?? -10) - 2,
        max: Math.min(schema.maximum ?? 1e6, 1e9) + 2,
      })
      .map(String);
  }
  if (schema.format === 'date-time') {
    return fc
      .date({
        min: new Date('1990-01-01T00:00:00Z'),
        max: new Date('2040-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map(d => d.toISOString());
  }
  if (schema.type === 'array') {
    return fc
      .array(fitting(schema.items), { maxLength: 3 })
      .map(values => values.join(','));
  }
  return fc.oneof(fc.constant(REF), fc.string({ maxLength: 20 }));
}

/** A value of a parameter: mostly fitting, sometimes hostile, sometimes left out. */
const valueOf = (parameter: Parameter) =>
  fc.option(fc.oneof(fitting(parameter.schema), hostile), { freq: 4 });

const requestOf = fc
  .constantFrom(...OPERATIONS)
  .chain(operation =>
    fc.record({
      operation: fc.constant(operation),
      values: fc.tuple(...operation.parameters.map(valueOf)),
      raw: fc.boolean(),
      bracket: fc.boolean(),
      body: fc.option(
        fc.oneof(
          fc.object({ maxDepth: 2 }),
          fc.record({
            checkId: hostile,
            entityRef: hostile,
            reason: hostile,
            expiresAt: hostile,
            name: hostile,
          }),
        ),
      ),
    }),
  )
  .map(({ operation, values, raw, bracket, body }) => {
    let path = operation.path;
    const query: string[] = [];
    operation.parameters.forEach((parameter, i) => {
      const value =
        values[i] ?? (parameter.in === 'path' ? 'payments' : undefined);
      if (value === undefined || value === null) return;
      if (parameter.in === 'path') {
        path = path.replace(
          `{${parameter.name}}`,
          encodeURIComponent(value) || '%20',
        );
      } else if (parameter.in === 'query') {
        const name = bracket ? `${parameter.name}[$gt]` : parameter.name;
        // Browsers leave `:` and `/` as they are; hostile clients send anything.
        const encoded = raw
          ? encodeURI(value).replace(/[#&?]/g, encodeURIComponent)
          : encodeURIComponent(value);
        query.push(`${encodeURIComponent(name)}=${encoded}`);
      }
    });
    return {
      method: operation.method,
      template: `${operation.method.toUpperCase()} ${operation.path}`,
      url: `/api/itops${path}${query.length ? `?${query.join('&')}` : ''}`,
      body: body ?? undefined,
    };
  });

describe('API fuzzing', () => {
  const databases = createTestDatabases();
  const tried: Record<string, number> = {};

  afterAll(() => {
    const total = Object.values(tried).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `API fuzz: ${total} requests over ${
        new Set(Object.keys(tried).map(key => key.split(' on ')[0])).size
      } of ${OPERATIONS.length} operations\n`,
    );
  });

  async function start(databaseId: TestDatabaseId, deny: string[]) {
    const knex = await databases.init(databaseId);
    const fixtures = await ItopsFixtures.create(knex);
    const key = { type: 'servicenow-service' as const, value: 'payments' };
    await fixtures.entity(REF, [key]);
    await fixtures.record(incidentTable, {
      number: 'INC1',
      title: SECRET_TITLE,
      state: 'in_progress',
      priority: 1,
      openedAt: new Date(Date.now() - 3600_000).toISOString(),
      keys: [key],
    });
    const { server } = await startTestBackend({
      features: [
        itopsPlugin,
        mockServices.database.factory({ knex }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory(),
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(({ permission }) => ({
              result: deny.some(prefix => permission.name.startsWith(prefix))
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
            })),
        }).factory,
      ],
    });
    return server;
  }

  it.each(databases.eachSupportedId())(
    'answers every operation below 500, with nothing internal, and no incident to a caller denied them, on %p',
    async databaseId => {
      const server = await start(databaseId, ['itops.incident']);
      await fc.assert(
        fc.asyncProperty(requestOf, async ({ method, template, url, body }) => {
          const key = `${template} on ${databaseId}`;
          tried[key] = (tried[key] ?? 0) + 1;
          let call = request(server)
            [method](url)
            .set('Authorization', mockCredentials.user.header());
          if (body !== undefined) call = call.send(body as object);
          const response = await call;
          const text = response.text ?? '';
          expect({ url, status: response.status }).toEqual({
            url,
            status: expect.any(Number),
          });
          if (response.status >= 500) {
            throw new Error(
              `${method} ${url} answered ${response.status}: ${text}`,
            );
          }
          expect(text).not.toMatch(INTERNAL_TEXT);
          expect(text).not.toContain(SECRET_TITLE);
        }),
        {
          numRuns: RUNS,
          seed: Number(process.env.ITOPS_FUZZ_SEED ?? 20261207),
        },
      );
    },
  );
});
