import fs from 'node:fs';
import path from 'node:path';
import {
  BUILT_IN_FRAMEWORKS,
  COMPLIANCE_CHECKS,
  type CheckDefinition,
  type CheckThresholds,
  type ComplianceFramework,
  type EvidenceStrength,
} from '@backstage-itops/plugin-itops-common';
import { type Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { InputError } from '@backstage/errors';
import { DAY_MS, type EvaluatedEntity } from './model';
import type { EntitySelection } from './entityFacts';

/** Everything configurable about compliance, read once at startup. */
export interface ComplianceSettings {
  selection: EntitySelection;
  /** Frameworks in force: the built-in ones and those imported by config. */
  frameworks: ComplianceFramework[];
  /** Checks with the mappings of imported frameworks added. */
  checks: CheckDefinition[];
  /** Organisation-wide threshold overrides per check id. */
  thresholds: Record<string, CheckThresholds>;
  /** Overrides per tier, on top of the organisation's. */
  tierThresholds: Record<number, Record<string, CheckThresholds>>;
  /** Longest waiver a requester may ask for. */
  maxWaiverDays: number;
  /** The tier an entity without `itops.io/tier` is judged at (1–4). */
  defaultTier: number;
  /** Storing scheduled and manual runs against a full base. */
  incremental: IncrementalSettings;
  /** Which snapshots the retention task keeps. */
  retention: RetentionPolicy;
  /** Source categories the checks read (snapshotted with the catalogue). */
  categories?: ComplianceCategories;
}

/**
 * `itops.compliance.categories`: which source category values mean what,
 * compared without regard to case. No defaults: the vendor reference
 * documents no category values, and a guessed one would turn "not
 * configured" into "no patches".
 */
export interface ComplianceCategories {
  /** Change categories (or Jira patch labels) of security patches (VUL-01). */
  securityPatch: string[];
  /** Incident categories or subcategories (or Jira labels) of capacity incidents (CAP-01). */
  capacity: string[];
}

function readCategories(c: Config | undefined): ComplianceCategories {
  const list = (key: string) =>
    (c?.getOptionalStringArray(key) ?? [])
      .map(v => v.trim())
      .filter(v => v.length > 0);
  return {
    securityPatch: list('securityPatch'),
    capacity: list('capacity'),
  };
}

/** `itops.compliance.incremental`. */
export interface IncrementalSettings {
  enabled: boolean;
  /** A full snapshot is stored when the newest full one is this old (ms). */
  fullEveryMs: number;
}

/**
 * `itops.compliance.retention`: every snapshot is kept for `keepAllDays`;
 * then the last snapshot of every entity of each UTC day for
 * `keepDailyDays`; then the last of each UTC month for `keepMonthlyDays`
 * (undefined: forever). The bases of kept incremental snapshots and the
 * newest snapshot are always kept.
 */
export interface RetentionPolicy {
  enabled: boolean;
  keepAllDays: number;
  keepDailyDays: number;
  keepMonthlyDays?: number;
}

export const DEFAULT_FULL_EVERY_DAYS = 7;
export const DEFAULT_RETENTION: RetentionPolicy = {
  enabled: true,
  keepAllDays: 35,
  keepDailyDays: 400,
};

export const DEFAULT_MAX_WAIVER_DAYS = 365;

function numbers(
  config: Config | undefined,
  where: string,
): Record<string, CheckThresholds> {
  const result: Record<string, CheckThresholds> = {};
  for (const checkId of config?.keys() ?? []) {
    if (!COMPLIANCE_CHECKS.some(c => c.id === checkId)) {
      throw new InputError(`${where}: unknown compliance check '${checkId}'`);
    }
    const checkConfig = config!.getConfig(checkId);
    const known = COMPLIANCE_CHECKS.find(c => c.id === checkId)!;
    result[checkId] = {};
    for (const name of checkConfig.keys()) {
      if (!(name in known.thresholds) && name !== 'windowDays') {
        throw new InputError(
          `${where}.${checkId}: '${name}' is not a threshold of ${checkId} (one of ${[
            ...Object.keys(known.thresholds),
            'windowDays',
          ].join(', ')})`,
        );
      }
      result[checkId][name] = checkConfig.getNumber(name);
    }
  }
  return result;
}

const STRENGTHS: EvidenceStrength[] = ['strong', 'partial', 'manual'];

/**
 * An imported framework: `{ id, name, version?, attribution?, controls:
 * [{ id, label, theme?, evidence? }], mappings?: { CHECK-ID: [controlId] } }`,
 * inline in config or in a JSON file named by `file`.
 */
export function parseFramework(
  raw: unknown,
  where: string,
): { framework: ComplianceFramework; mappings: Record<string, string[]> } {
  const data = raw as Record<string, any>;
  if (!data || typeof data !== 'object') {
    throw new InputError(`${where}: a framework must be an object`);
  }
  for (const field of ['id', 'name']) {
    if (typeof data[field] !== 'string' || !data[field].trim()) {
      throw new InputError(`${where}: framework '${field}' is required`);
    }
  }
  if (!Array.isArray(data.controls) || data.controls.length === 0) {
    throw new InputError(`${where}: framework '${data.id}' has no controls`);
  }
  const controls = data.controls.map((c: any, i: number) => {
    if (typeof c?.id !== 'string' || typeof c?.label !== 'string') {
      throw new InputError(
        `${where}: control ${i} of '${data.id}' needs a string id and label`,
      );
    }
    const evidence = c.evidence ?? 'manual';
    if (!STRENGTHS.includes(evidence)) {
      throw new InputError(
        `${where}: control ${c.id} evidence must be one of ${STRENGTHS.join(
          ', ',
        )}`,
      );
    }
    return {
      id: c.id,
      label: c.label,
      theme: typeof c.theme === 'string' ? c.theme : 'General',
      evidence,
      ...(typeof c.description === 'string'
        ? { description: c.description }
        : {}),
    };
  });
  const ids = new Set(controls.map((c: { id: string }) => c.id));
  const mappings: Record<string, string[]> = {};
  for (const [checkId, list] of Object.entries(data.mappings ?? {})) {
    if (!COMPLIANCE_CHECKS.some(c => c.id === checkId)) {
      throw new InputError(
        `${where}: mapping names unknown check '${checkId}'`,
      );
    }
    if (!Array.isArray(list) || list.some(id => !ids.has(id))) {
      throw new InputError(
        `${where}: mapping of ${checkId} must list control ids of '${data.id}'`,
      );
    }
    mappings[checkId] = list as string[];
  }
  return {
    framework: {
      id: data.id,
      name: data.name,
      version: String(data.version ?? ''),
      ...(data.attribution ? { attribution: String(data.attribution) } : {}),
      textSource: 'customer-import',
      controls,
    },
    mappings,
  };
}

/** Reads `itops.compliance`; a malformed value fails startup, naming it. */
export function readComplianceSettings(
  config: Config,
  baseDir: string = process.cwd(),
): ComplianceSettings {
  const c = config.getOptionalConfig('itops.compliance');
  const frameworks = [...BUILT_IN_FRAMEWORKS];
  const checks = COMPLIANCE_CHECKS.map(check => ({
    ...check,
    mappings: [...check.mappings],
  }));
  (c?.getOptionalConfigArray('frameworks') ?? []).forEach((entry, i) => {
    const where = `itops.compliance.frameworks[${i}]`;
    const file = entry.getOptionalString('file');
    const raw = file
      ? JSON.parse(fs.readFileSync(path.resolve(baseDir, file), 'utf8'))
      : entry.get();
    const { framework, mappings } = parseFramework(raw, file ?? where);
    if (frameworks.some(f => f.id === framework.id)) {
      throw new InputError(`${where}: framework id '${framework.id}' is taken`);
    }
    frameworks.push(framework);
    for (const [checkId, controls] of Object.entries(mappings)) {
      const check = checks.find(ch => ch.id === checkId)!;
      check.mappings.push(
        ...controls.map(control => ({ framework: framework.id, control })),
      );
    }
  });
  const tierThresholds: ComplianceSettings['tierThresholds'] = {};
  const tiers = c?.getOptionalConfig('tiers');
  // Config keys cannot start with a digit, hence `tier1` … `tier4`.
  for (const key of tiers?.keys() ?? []) {
    const tier = /^tier([1-4])$/.exec(key)?.[1];
    if (!tier) {
      throw new InputError(
        `itops.compliance.tiers: '${key}' must be one of tier1, tier2, tier3, tier4`,
      );
    }
    tierThresholds[Number(tier)] = numbers(
      tiers!.getConfig(key).getOptionalConfig('thresholds'),
      `itops.compliance.tiers.${key}.thresholds`,
    );
  }
  const thresholds = numbers(
    c?.getOptionalConfig('thresholds'),
    'itops.compliance.thresholds',
  );
  fitOnCallWindow(thresholds, tierThresholds, onCallSyncedDays(config));
  checkLegalDeadlines(thresholds, tierThresholds);
  return {
    selection: {
      kinds: c?.getOptionalStringArray('kinds') ?? ['component'],
      lifecycles: c?.getOptionalStringArray('lifecycles') ?? ['production'],
    },
    frameworks,
    checks,
    thresholds,
    tierThresholds,
    maxWaiverDays:
      c?.getOptionalNumber('maxWaiverDays') ?? DEFAULT_MAX_WAIVER_DAYS,
    defaultTier: readDefaultTier(c),
    incremental: readIncremental(c?.getOptionalConfig('incremental')),
    retention: readRetention(c?.getOptionalConfig('retention')),
    categories: readCategories(c?.getOptionalConfig('categories')),
  };
}

/**
 * How many days of on-call shifts the configured sources keep behind and
 * ahead of now: the ServiceNow module's `oncall.lookBackHours` (168) and
 * `lookAheadHours` (336), JSM's fixed 7 days back and `oncall.horizonDays`
 * (14) ahead; the shortest of every instance with on-call enabled.
 * Undefined when no on-call source is configured.
 */
export function onCallSyncedDays(
  config: Config,
): { pastDays: number; aheadDays: number } | undefined {
  const windows: Array<{ pastDays: number; aheadDays: number }> = [];
  const each = (prefix: string) => {
    const parent = config.getOptionalConfig(prefix);
    return (parent?.keys() ?? []).map(key => parent!.getConfig(key));
  };
  for (const instance of each('itops.servicenow.instances')) {
    const oncall = instance.getOptionalConfig('oncall');
    if (oncall?.getOptionalBoolean('enabled') === false) continue;
    windows.push({
      pastDays: (oncall?.getOptionalNumber('lookBackHours') ?? 168) / 24,
      aheadDays: (oncall?.getOptionalNumber('lookAheadHours') ?? 336) / 24,
    });
  }
  for (const site of each('itops.jira.sites')) {
    const oncall = site.getOptionalConfig('oncall');
    if (oncall?.getOptionalBoolean('enabled') === false) continue;
    windows.push({
      pastDays: 7,
      aheadDays: oncall?.getOptionalNumber('horizonDays') ?? 14,
    });
  }
  if (windows.length === 0) return undefined;
  return {
    pastDays: Math.min(...windows.map(w => w.pastDays)),
    aheadDays: Math.min(...windows.map(w => w.aheadDays)),
  };
}

/**
 * OC-01 and OC-02 look only as far as the shifts are synced: a window
 * reaching beyond it would count the unsynced days as gaps, so every
 * service would fail. Defaults shrink to the synced window; a configured
 * window beyond it is refused at startup, naming both.
 */
function fitOnCallWindow(
  thresholds: Record<string, CheckThresholds>,
  tierThresholds: Record<number, Record<string, CheckThresholds>>,
  synced: { pastDays: number; aheadDays: number } | undefined,
) {
  if (!synced) return;
  for (const id of ['OC-01', 'OC-02']) {
    const check = COMPLIANCE_CHECKS.find(c => c.id === id)!;
    for (const name of ['pastDays', 'aheadDays'] as const) {
      const settings: Array<[string, CheckThresholds | undefined]> = [
        [`itops.compliance.thresholds.${id}`, thresholds[id]],
        ...Object.entries(tierThresholds).map(
          ([tier, byCheck]): [string, CheckThresholds | undefined] => [
            `itops.compliance.tiers.tier${tier}.thresholds.${id}`,
            byCheck[id],
          ],
        ),
      ];
      for (const [setting, set] of settings) {
        if (set?.[name] !== undefined && set[name] > synced[name]) {
          throw new InputError(
            `${setting}.${name} is ${
              set[name]
            }, but the on-call sources keep only ${synced[name]} days ${
              name === 'pastDays' ? 'back' : 'ahead'
            }`,
          );
        }
      }
      if (
        thresholds[id]?.[name] === undefined &&
        check.thresholds[name] > synced[name]
      ) {
        thresholds[id] = { ...thresholds[id], [name]: synced[name] };
      }
    }
  }
}

/** GDPR art. 33(1): 72 hours from awareness. A law, not a setting. */
export const GDPR_NOTIFICATION_HOURS = 72;

/**
 * NTF-01's deadline may be an internal target shorter than the law's 72
 * hours, never longer; its warning must come before it.
 */
function checkLegalDeadlines(
  thresholds: Record<string, CheckThresholds>,
  tierThresholds: Record<number, Record<string, CheckThresholds>>,
) {
  const defaults = COMPLIANCE_CHECKS.find(c => c.id === 'NTF-01')!.thresholds;
  const settings: Array<[string, CheckThresholds | undefined]> = [
    ['itops.compliance.thresholds.NTF-01', thresholds['NTF-01']],
    ...Object.entries(tierThresholds).map(
      ([tier, byCheck]): [string, CheckThresholds | undefined] => [
        `itops.compliance.tiers.tier${tier}.thresholds.NTF-01`,
        byCheck['NTF-01'],
      ],
    ),
  ];
  for (const [setting, set] of settings) {
    if (!set) continue;
    const deadline = set.deadlineHours ?? thresholds['NTF-01']?.deadlineHours;
    if (deadline !== undefined && !(deadline > 0 && deadline <= 72)) {
      throw new InputError(
        `${setting}.deadlineHours is ${deadline}: GDPR art. 33(1) allows at most ${GDPR_NOTIFICATION_HOURS} hours (a shorter internal target is fine)`,
      );
    }
    const effective = deadline ?? defaults.deadlineHours;
    const configuredWarn =
      set.warnAfterHours ?? thresholds['NTF-01']?.warnAfterHours;
    if (configuredWarn === undefined) {
      // A shorter internal target warns at two thirds of it, as 48 of 72.
      if (defaults.warnAfterHours > effective) {
        set.warnAfterHours = (effective * 2) / 3;
      }
      continue;
    }
    const warn = configuredWarn;
    if (!(warn >= 0 && warn <= effective)) {
      throw new InputError(
        `${setting}.warnAfterHours is ${warn}: it must lie between 0 and the deadline of ${effective} hours`,
      );
    }
  }
}

/** Untiered services are judged as tier 3 unless configured otherwise. */
export const DEFAULT_TIER = 3;

function readDefaultTier(c: Config | undefined): number {
  const tier = c?.getOptionalNumber('defaultTier') ?? DEFAULT_TIER;
  if (!Number.isInteger(tier) || tier < 1 || tier > 4) {
    throw new InputError(
      `itops.compliance.defaultTier must be a whole number from 1 to 4, got ${tier}`,
    );
  }
  return tier;
}

function readIncremental(c: Config | undefined): IncrementalSettings {
  const fullEveryMs = c?.has('fullEvery')
    ? durationToMilliseconds(readDurationFromConfig(c, { key: 'fullEvery' }))
    : DEFAULT_FULL_EVERY_DAYS * DAY_MS;
  if (!(fullEveryMs > 0)) {
    throw new InputError(
      'itops.compliance.incremental.fullEvery must be a positive duration',
    );
  }
  return { enabled: c?.getOptionalBoolean('enabled') ?? true, fullEveryMs };
}

function readRetention(c: Config | undefined): RetentionPolicy {
  const days = (name: string, fallback: number | undefined) => {
    const value = c?.getOptionalNumber(name) ?? fallback;
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new InputError(
        `itops.compliance.retention.${name} must be a whole number of days, at least 1`,
      );
    }
    return value;
  };
  const policy: RetentionPolicy = {
    enabled: c?.getOptionalBoolean('enabled') ?? DEFAULT_RETENTION.enabled,
    keepAllDays: days('keepAllDays', DEFAULT_RETENTION.keepAllDays)!,
    keepDailyDays: days('keepDailyDays', DEFAULT_RETENTION.keepDailyDays)!,
    keepMonthlyDays: days('keepMonthlyDays', undefined),
  };
  // Each tier keeps a subset of the one before it, for longer.
  if (
    policy.keepDailyDays < policy.keepAllDays ||
    (policy.keepMonthlyDays !== undefined &&
      policy.keepMonthlyDays < policy.keepDailyDays)
  ) {
    throw new InputError(
      'itops.compliance.retention: keepAllDays ≤ keepDailyDays ≤ keepMonthlyDays is required',
    );
  }
  return policy;
}

/** The thresholds in force for a check on an entity: defaults ← organisation ← tier. */
export function thresholdsFor(
  settings: Pick<ComplianceSettings, 'thresholds' | 'tierThresholds'>,
  check: CheckDefinition,
  entity?: Pick<EvaluatedEntity, 'tier'>,
): CheckThresholds {
  return {
    ...(check.windowDays !== undefined ? { windowDays: check.windowDays } : {}),
    ...check.thresholds,
    ...settings.thresholds[check.id],
    ...(entity?.tier !== undefined
      ? settings.tierThresholds[entity.tier]?.[check.id]
      : {}),
  };
}
