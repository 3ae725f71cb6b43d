import type { ItopsHealth } from '@backstage-itops/plugin-itops-common';
import type { Entity } from '@backstage/catalog-model';
import { http, HttpResponse, type RequestHandler } from 'msw';
import type {
  ItopsBackupJobDetail,
  ItopsChange,
  ItopsEntityKpis,
  ItopsEntityKpiTrend,
  ItopsEntitySummary,
  ItopsFreshness,
  ItopsIncident,
  ItopsOnCallDetail,
  ItopsOnCallShift,
  ItopsSyncStatus,
} from '../api';
import { ITOPS_BASE_URL } from './renderItops';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** An ISO time `offsetMs` from now. */
export const at = (offsetMs: number) =>
  new Date(Date.now() + offsetMs).toISOString();

export const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'itops.io/servicenow-service': 'Payments API',
      'itops.io/jira-project': 'PAY',
      'itops.io/jira-component': 'payments-api',
      'itops.io/veeam-object': 'pay-api-vm-01',
      'itops.io/rpo': 'PT24H',
    },
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/payments-team' }],
};

export const paymentsTeam: Entity = {
  apiVersion: 'backstage.io/v1',
  kind: 'Group',
  metadata: {
    name: 'payments-team',
    namespace: 'default',
    annotations: {
      'itops.io/servicenow-assignment-group': 'Payments',
      'itops.io/jsm-ops-team': 'Payments',
    },
  },
  spec: { type: 'team', children: [] },
  relations: [{ type: 'ownerOf', targetRef: 'component:default/payments-api' }],
};

/** An entity without any ITOps annotation. */
export const plainComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'plain', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production' },
};

export const entityUrl = (ref: string, area: string) => {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return `${ITOPS_BASE_URL}/entities/${kind}/${namespace}/${name}/${area}`;
};

export function shift(overrides: Partial<ItopsOnCallShift>): ItopsOnCallShift {
  return {
    sourceType: 'jira',
    sourceInstance: 'demo',
    externalId: `shift-${Math.random()}`,
    scheduleName: 'Payments primary',
    groupName: 'Payments',
    personName: 'Carla Diaz',
    personEmail: 'carla.diaz@acme.example',
    personPhone: '+1 555 123 4567',
    start: at(-5 * HOUR),
    end: at(3 * HOUR),
    escalationLevel: 1,
    ...overrides,
  };
}

export function onCallDetail(
  now: ItopsOnCallShift[],
  next: ItopsOnCallShift[],
): ItopsOnCallDetail {
  const levels = [
    ...new Set([...now, ...next].map(s => s.escalationLevel)),
  ].sort();
  return {
    now,
    next,
    escalationLevels: levels.map(escalationLevel => ({
      escalationLevel,
      now: now.filter(s => s.escalationLevel === escalationLevel),
      next: next.filter(s => s.escalationLevel === escalationLevel),
    })),
  };
}

export function incident(overrides: Partial<ItopsIncident>): ItopsIncident {
  return {
    sourceType: 'servicenow',
    sourceInstance: 'demo',
    externalId: `inc-${Math.random()}`,
    url: 'https://sn.example/nav_to.do?uri=incident.do?sys_id=1',
    number: 'INC0010001',
    title: 'Card payments time out',
    state: 'in_progress',
    priority: 1,
    openedAt: at(-2 * HOUR),
    ...overrides,
  };
}

export function change(overrides: Partial<ItopsChange>): ItopsChange {
  return {
    sourceType: 'servicenow',
    sourceInstance: 'demo',
    externalId: `chg-${Math.random()}`,
    url: 'https://sn.example/change_request.do?sys_id=2',
    number: 'CHG0030001',
    title: 'Upgrade payment gateway TLS',
    type: 'normal',
    state: 'scheduled',
    plannedStart: at(2 * DAY),
    plannedEnd: at(2 * DAY + 2 * HOUR),
    ...overrides,
  };
}

export function backupJob(
  overrides: Partial<ItopsBackupJobDetail>,
): ItopsBackupJobDetail {
  return {
    sourceType: 'veeam',
    sourceInstance: 'demo',
    externalId: `job-${Math.random()}`,
    url: 'https://vbr.example/jobs/1',
    name: 'Payments Apps - Daily',
    objects: ['pay-api-vm-01'],
    lastResult: 'success',
    lastRunAt: at(-3 * HOUR),
    nextRunAt: at(21 * HOUR),
    enabled: true,
    lastSuccessAt: at(-3 * HOUR),
    lastSuccessAgeMs: 3 * HOUR,
    successRate30d: 0.95,
    runs30d: 30,
    recentRuns: [],
    lastRestoreTest: {
      sourceType: 'veeam',
      sourceInstance: 'demo',
      externalId: 'sure-1',
      jobName: 'Payments Apps - Daily',
      kind: 'restore-test',
      result: 'success',
      startedAt: at(-6 * DAY),
    },
    ...overrides,
  };
}

export function kpis(
  overrides: Partial<ItopsEntityKpis> = {},
): ItopsEntityKpis {
  return {
    window: { from: at(-90 * DAY), to: at(0) },
    incidents: {
      mttr: { valueMs: 4 * HOUR + 30 * 60_000, count: 12 },
      mtta: { valueMs: 10 * 60_000, count: 12 },
      mttd: { valueMs: null, count: 0 },
      mtbf: { valueMs: 7 * DAY + 12 * HOUR, count: 12 },
      openedCount: 12,
      openedByPriority: { '1': 1, '2': 3, '3': 5, '4': 2, '5': 1 },
    },
    changes: {
      successRate: { value: 0.9, numerator: 18, denominator: 20 },
      emergencyShare: { value: 0.1, numerator: 2, denominator: 20 },
    },
    backups: {
      successRate: { value: 0.975, numerator: 78, denominator: 80 },
      lastSuccessAt: at(-3 * HOUR),
      lastSuccessAgeMs: 3 * HOUR,
    },
    ...overrides,
  };
}

/** A trend of `count` buckets, each with the headline KPIs of {@link kpis}. */
export function kpiTrend(count = 12): ItopsEntityKpiTrend {
  const { window, incidents, changes, backups } = kpis();
  return {
    window,
    buckets: Array.from({ length: count }, () => ({
      window,
      incidents,
      changes,
      backups,
    })),
  };
}

export function summary(
  entityRef: string,
  overrides: Partial<ItopsEntitySummary> = {},
): ItopsEntitySummary {
  return {
    entity: { entityRef, kind: entityRef.split(':')[0] },
    oncall: { forbidden: false, available: true, now: [], next: [] },
    incidents: {
      forbidden: false,
      available: true,
      openCount: 3,
      openByPriority: { '1': 1, '2': 0, '3': 2, '4': 0, '5': 0 },
    },
    changes: {
      forbidden: false,
      available: true,
      freeze: { active: false, windows: [] },
    },
    backups: { forbidden: false, available: true },
    kpis: {
      window: { from: at(-90 * DAY), to: at(0) },
      mttr: { valueMs: HOUR, count: 1 },
      changeSuccessRate: { value: 1, numerator: 1, denominator: 1 },
    },
    ...overrides,
  };
}

export const healthy: ItopsHealth = {
  status: 'ok',
  database: { reachable: true, client: 'better-sqlite3' },
  sources: [
    { type: 'servicenow', instance: 'demo' },
    { type: 'jira', instance: 'demo' },
    { type: 'veeam', instance: 'demo' },
  ],
};

export function syncRow(overrides: Partial<ItopsSyncStatus>): ItopsSyncStatus {
  return {
    sourceType: 'servicenow',
    sourceInstance: 'demo',
    capability: 'incidents',
    lastAttemptAt: at(-60_000),
    lastSuccessAt: at(-60_000),
    lastSuccessAgeMs: 60_000,
    recordCount: 10,
    ...overrides,
  };
}

export const forbiddenBody = {
  error: { name: 'NotAllowedError', message: 'Missing permission' },
  request: { method: 'GET', url: '/' },
  response: { statusCode: 403 },
};

/**
 * Health, sync status and freshness of a demo where every source syncs
 * fine; freshness is empty unless given, so cards show no freshness line.
 */
export function sourceHandlers(
  options: {
    health?: ItopsHealth;
    sync?: ItopsSyncStatus[];
    freshness?: ItopsFreshness[];
  } = {},
): RequestHandler[] {
  return [
    http.get(`${ITOPS_BASE_URL}/health`, () =>
      HttpResponse.json(options.health ?? healthy),
    ),
    http.get(`${ITOPS_BASE_URL}/sync-status`, () =>
      HttpResponse.json({ items: options.sync ?? [syncRow({})] }),
    ),
    http.get(`${ITOPS_BASE_URL}/freshness`, () =>
      HttpResponse.json({ items: options.freshness ?? [] }),
    ),
  ];
}
