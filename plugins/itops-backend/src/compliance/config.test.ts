import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  COMPLIANCE_CHECKS,
  gdprFramework,
  iso27001Framework,
} from '@backstage-itops/plugin-itops-common';
import { readComplianceSettings, thresholdsFor } from './config';
import { csvCell, toCsv } from './exports';

describe('built-in catalogue', () => {
  it('has all 93 Annex A ids under the four themes and maps only to known controls', () => {
    const themes = iso27001Framework.controls.reduce<Record<string, number>>(
      (counts, c) => ({ ...counts, [c.theme]: (counts[c.theme] ?? 0) + 1 }),
      {},
    );
    expect(themes).toEqual({
      Organizational: 37,
      People: 8,
      Physical: 14,
      Technological: 34,
    });
    expect(new Set(iso27001Framework.controls.map(c => c.id)).size).toBe(93);
    const known = new Set([
      ...iso27001Framework.controls.map(c => `${iso27001Framework.id}:${c.id}`),
      ...gdprFramework.controls.map(c => `${gdprFramework.id}:${c.id}`),
    ]);
    for (const check of COMPLIANCE_CHECKS) {
      expect(check.mappings.length).toBeGreaterThan(0);
      for (const m of check.mappings) {
        expect([check.id, known.has(`${m.framework}:${m.control}`)]).toEqual([
          check.id,
          true,
        ]);
      }
    }
  });
});

describe('readComplianceSettings', () => {
  it('reads thresholds per organisation and tier, and imported frameworks', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itops-compliance-'));
    fs.writeFileSync(
      path.join(dir, 'soc2.json'),
      JSON.stringify({
        id: 'soc2',
        name: 'SOC 2 (own paraphrases)',
        controls: [
          { id: 'A1.2', label: 'Backups and recovery infrastructure' },
        ],
        mappings: { 'BKP-03': ['A1.2'] },
      }),
    );
    const settings = readComplianceSettings(
      new ConfigReader({
        itops: {
          compliance: {
            lifecycles: ['production', 'staging'],
            thresholds: { 'BKP-03': { pass: 0.99 } },
            tiers: { tier1: { thresholds: { 'BKP-03': { warn: 0.98 } } } },
            frameworks: [
              { file: 'soc2.json' },
              {
                id: 'nis2',
                name: 'NIS2',
                controls: [
                  { id: '21(2)(c)', label: 'Continuity', evidence: 'partial' },
                ],
                mappings: { 'BKP-04': ['21(2)(c)'] },
              },
            ],
          },
        },
      }),
      dir,
    );
    expect(settings.selection.lifecycles).toEqual(['production', 'staging']);
    expect(settings.frameworks.map(f => f.id)).toEqual([
      'iso27001-2022',
      'gdpr',
      'soc2',
      'nis2',
    ]);
    const bkp03 = settings.checks.find(c => c.id === 'BKP-03')!;
    expect(bkp03.mappings).toContainEqual({
      framework: 'soc2',
      control: 'A1.2',
    });
    expect(thresholdsFor(settings, bkp03, { tier: 1 })).toMatchObject({
      pass: 0.99,
      warn: 0.98,
    });
    expect(thresholdsFor(settings, bkp03, {})).toMatchObject({
      pass: 0.99,
      warn: 0.9,
    });
    // The shipped definitions stay untouched.
    expect(
      COMPLIANCE_CHECKS.find(c => c.id === 'BKP-03')!.mappings,
    ).not.toContainEqual({
      framework: 'soc2',
      control: 'A1.2',
    });
  });

  it('names what is wrong in bad configuration', () => {
    const read = (compliance: object) => () =>
      readComplianceSettings(new ConfigReader({ itops: { compliance } }));
    expect(read({ thresholds: { 'XX-1': { pass: 1 } } })).toThrow(
      /unknown compliance check 'XX-1'/,
    );
    expect(read({ thresholds: { 'BKP-03': { speed: 1 } } })).toThrow(
      /'speed' is not a threshold of BKP-03/,
    );
    expect(read({ tiers: { tier7: {} } })).toThrow(
      /'tier7' must be one of tier1/,
    );
    expect(
      read({ frameworks: [{ id: 'x', name: 'X', controls: [] }] }),
    ).toThrow(/has no controls/);
    expect(
      read({
        frameworks: [
          {
            id: 'x',
            name: 'X',
            controls: [{ id: 'c', label: 'C' }],
            mappings: { 'BKP-01': ['d'] },
          },
        ],
      }),
    ).toThrow(/must list control ids of 'x'/);
    expect(
      read({
        frameworks: [
          { id: 'gdpr', name: 'Again', controls: [{ id: 'c', label: 'C' }] },
        ],
      }),
    ).toThrow(/'gdpr' is taken/);
    // 72 hours is the law: a shorter internal target is fine, longer is not.
    expect(read({ thresholds: { 'NTF-01': { deadlineHours: 96 } } })).toThrow(
      /NTF-01.deadlineHours is 96: GDPR art. 33\(1\) allows at most 72 hours/,
    );
    expect(
      read({
        tiers: { tier3: { thresholds: { 'NTF-01': { deadlineHours: 500 } } } },
      }),
    ).toThrow(/tier3.thresholds.NTF-01.deadlineHours is 500/);
    expect(
      read({ thresholds: { 'NTF-01': { deadlineHours: 24 } } })(),
    ).toMatchObject({
      thresholds: { 'NTF-01': { deadlineHours: 24, warnAfterHours: 16 } },
    });
    expect(
      read({
        thresholds: { 'NTF-01': { deadlineHours: 24, warnAfterHours: 48 } },
      }),
    ).toThrow(
      /warnAfterHours is 48: it must lie between 0 and the deadline of 24 hours/,
    );
    expect(read({ defaultTier: 5 })).toThrow(
      /itops.compliance.defaultTier must be a whole number from 1 to 4, got 5/,
    );
  });

  it('judges untiered services at tier 3 unless configured', () => {
    const read = (compliance: object) =>
      readComplianceSettings(new ConfigReader({ itops: { compliance } }));
    expect(read({}).defaultTier).toBe(3);
    expect(read({ defaultTier: 2 }).defaultTier).toBe(2);
  });

  it('fits the on-call window to what the on-call sources keep', () => {
    const read = (itops: object) =>
      readComplianceSettings(new ConfigReader({ itops }));
    const servicenow = (oncall: object = {}) => ({
      servicenow: { instances: { production: { oncall } } },
    });
    // The ServiceNow default keeps 7 days back, 14 ahead: the defaults fit.
    const fitted = read(servicenow());
    expect(fitted.thresholds['OC-01']).toBeUndefined();
    // A shorter look-back shrinks the window instead of counting gaps.
    const short = read(servicenow({ lookBackHours: 72, lookAheadHours: 168 }));
    expect(short.thresholds['OC-01']).toEqual({ pastDays: 3, aheadDays: 7 });
    expect(short.thresholds['OC-02']).toEqual({ pastDays: 3, aheadDays: 7 });
    // Asking for more than is synced is refused, naming both numbers.
    expect(() =>
      read({
        ...servicenow(),
        compliance: { thresholds: { 'OC-01': { pastDays: 30 } } },
      }),
    ).toThrow(
      /itops.compliance.thresholds.OC-01.pastDays is 30, but the on-call sources keep only 7 days back/,
    );
    expect(() =>
      read({
        jira: { sites: { cloud: { oncall: { horizonDays: 10 } } } },
        compliance: {
          tiers: { tier1: { thresholds: { 'OC-01': { aheadDays: 14 } } } },
        },
      }),
    ).toThrow(
      /tier1.thresholds.OC-01.aheadDays is 14, but .* only 10 days ahead/,
    );
  });
});

describe('CSV export', () => {
  it('quotes separators and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(undefined)).toBe('');
    const csv = toCsv(
      [
        {
          snapshotId: 's1',
          takenAt: '2026-06-15T12:00:00.000Z',
          entityRef: 'component:default/a',
          checkId: 'CHG-04',
          checkVersion: 1,
          status: 'fail',
          reason: '1 change(s) started during a freeze window.',
          evidence: [
            {
              type: 'change',
              id: 'CHG1',
              url: 'https://x/1',
              note: 'in freeze',
            },
          ],
        },
      ],
      COMPLIANCE_CHECKS,
    );
    const [, row] = csv.split('\r\n');
    expect(row).toContain('iso27001-2022:A.8.32');
    expect(row).toContain('change:CHG1 <https://x/1> (in freeze)');
  });
});

describe('itops.compliance.categories', () => {
  it('has no default security-patch categories and trims the configured ones', () => {
    expect(readComplianceSettings(new ConfigReader({})).categories).toEqual({
      securityPatch: [],
      capacity: [],
    });
    expect(
      readComplianceSettings(
        new ConfigReader({
          itops: {
            compliance: {
              categories: { securityPatch: [' Security ', 'patch'] },
              thresholds: { 'VUL-01': { patchDays: 14 } },
            },
          },
        }),
      ),
    ).toMatchObject({
      categories: { securityPatch: ['Security', 'patch'] },
      thresholds: { 'VUL-01': { patchDays: 14 } },
    });
    // An empty value is refused at startup, naming it.
    expect(() =>
      readComplianceSettings(
        new ConfigReader({
          itops: { compliance: { categories: { securityPatch: [''] } } },
        }),
      ),
    ).toThrow(/itops\.compliance\.categories\.securityPatch\[0\]/);
  });

  it('has no default capacity categories and reads the configured ones with their thresholds', () => {
    expect(
      readComplianceSettings(
        new ConfigReader({
          itops: {
            compliance: {
              categories: { capacity: [' Capacity ', 'capacity'] },
              thresholds: { 'CAP-01': { warnAbove: 2, failAbove: 5 } },
            },
          },
        }),
      ),
    ).toMatchObject({
      categories: { securityPatch: [], capacity: ['Capacity', 'capacity'] },
      thresholds: { 'CAP-01': { warnAbove: 2, failAbove: 5 } },
    });
  });
});
