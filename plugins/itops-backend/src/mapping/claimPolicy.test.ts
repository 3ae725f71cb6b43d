import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { readClaimPolicies } from './claimPolicy';

const read = (claims: JsonValue) =>
  readClaimPolicies(new ConfigReader({ itops: { mapping: { claims } } }));

describe('readClaimPolicies', () => {
  it('is open for every type without config', () => {
    expect(readClaimPolicies(new ConfigReader({})).size).toBe(0);
  });

  it('reads modes and rules with normalized values and refs', () => {
    const policies = read({
      'servicenow-ci': {
        policy: 'exclusive',
        rules: [
          {
            values: [' A58CDE67 '],
            entities: ['resource:payments-db', 'Payments-API'],
            owners: ['payments-team'],
          },
        ],
      },
      'veeam-job': {},
    });
    const ci = policies.get('servicenow-ci')!;
    expect(ci.mode).toBe('exclusive');
    const rule = ci.rules.get('a58cde67')!;
    expect([...rule.entities]).toEqual([
      'resource:default/payments-db',
      'component:default/payments-api',
    ]);
    expect([...rule.owners]).toEqual(['group:default/payments-team']);
    expect(rule.configKey).toBe('itops.mapping.claims.servicenow-ci.rules[0]');
    expect(policies.get('veeam-job')).toEqual({
      mode: 'open',
      rules: new Map(),
    });
  });

  it.each([
    [
      { 'servicenow-cis': {} },
      "Invalid config at itops.mapping.claims.servicenow-cis: unknown mapping key type 'servicenow-cis'",
    ],
    [
      { 'jira-project': { policy: 'closed' } },
      "Invalid config at itops.mapping.claims.jira-project.policy: 'closed', expected 'open' or 'exclusive'",
    ],
    [
      { 'jsm-team': { rules: [{ values: [], owners: ['a'] }] } },
      'Invalid config at itops.mapping.claims.jsm-team.rules[0].values: at least one value is needed',
    ],
    [
      { 'jsm-team': { rules: [{ values: ['  '], owners: ['a'] }] } },
      'Invalid config at itops.mapping.claims.jsm-team.rules[0].values: empty value',
    ],
    [
      { 'veeam-tag': { rules: [{ values: ['gold'] }] } },
      'Invalid config at itops.mapping.claims.veeam-tag.rules[0]: name the entities or owners',
    ],
    [
      {
        'veeam-tag': {
          rules: [{ values: ['gold'], owners: ['group:default/'] }],
        },
      },
      "Invalid config at itops.mapping.claims.veeam-tag.rules[0].owners[0]: 'group:default/' is not an entity reference",
    ],
    [
      {
        'veeam-tag': {
          rules: [
            { values: ['gold'], owners: ['a'] },
            { values: ['Gold'], owners: ['b'] },
          ],
        },
      },
      "Invalid config at itops.mapping.claims.veeam-tag.rules[1].values: 'gold' is already in itops.mapping.claims.veeam-tag.rules[0]",
    ],
  ])('refuses %j naming the key', (claims, message) => {
    expect(() => read(claims)).toThrow(message);
  });

  it('names the key of a value of the wrong type', () => {
    expect(() =>
      read({ 'veeam-tag': { rules: [{ values: 'gold' }] } }),
    ).toThrow(/itops\.mapping\.claims\.veeam-tag\.rules\[0\]\.values/);
  });
});
