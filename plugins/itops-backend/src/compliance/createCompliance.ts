import {
  type AuditorService,
  type AuthService,
  type HttpAuthService,
  type LoggerService,
  type PermissionsService,
  type SchedulerService,
  type SchedulerServiceTaskScheduleDefinition,
  type UserInfoService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { stringifyError } from '@backstage/errors';
import type { catalogServiceRef } from '@backstage/plugin-catalog-node';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { ComplianceEngine, type EntityFactsSource } from './ComplianceEngine';
import { type ComplianceSettings, readComplianceSettings } from './config';
import { computeEntityFacts, readCatalogForFacts } from './entityFacts';
import { applyRetention } from './retention';
import { applyPseudonymisation, readPseudonymisation } from './pseudonymise';
import Router from 'express-promise-router';
import { createRegisterRouter, readRegisterSettings } from './registerRouter';
import { ComplianceReader } from './reader';
import { createComplianceRouter } from './router';
import { SnapshotStore } from './SnapshotStore';
import { WaiverStore } from './WaiverStore';

/** Id of the scheduled evaluation task. */
export const COMPLIANCE_TASK_ID = 'itops-compliance-evaluation';

/*
 * Daily by default. Each run judges every check of every entity; between
 * full snapshots (weekly by default, `incremental.fullEvery`) it stores
 * only the results that changed, and the retention policy then thins out
 * old snapshots. Single entities are re-evaluated on demand and after
 * waiver decisions; open GDPR deadlines are counted down in the browser.
 */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 24 },
  timeout: { minutes: 30 },
  initialDelay: { minutes: 1 },
  scope: 'global',
};

/** Facts of the evaluated entities, read from the catalog with the plugin's own credentials. */
export function catalogFactsSource(
  catalog: typeof catalogServiceRef.T,
  auth: AuthService,
  settings: ComplianceSettings,
): EntityFactsSource {
  return {
    async all() {
      const credentials = await auth.getOwnServiceCredentials();
      return computeEntityFacts(
        await readCatalogForFacts(catalog, credentials, settings.selection),
        settings.selection,
      );
    },
    async one(entityRef) {
      const credentials = await auth.getOwnServiceCredentials();
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      if (!entity) return undefined;
      const [fact] = computeEntityFacts([entity], settings.selection);
      if (!fact?.ownerRef) return fact;
      // Resolve the owner group too, so INV-01 sees its members.
      const owner = await catalog.getEntityByRef(fact.ownerRef, {
        credentials,
      });
      const entities: Entity[] = owner ? [entity, owner] : [entity];
      return computeEntityFacts(entities, settings.selection).find(
        f => f.entityRef === fact.entityRef,
      );
    },
  };
}

/**
 * Wires the compliance feature: settings from `itops.compliance`, the
 * engine over the plugin database, the scheduled evaluation and the router.
 */
export async function createCompliance(options: {
  knex: Knex;
  config: Config;
  catalog: typeof catalogServiceRef.T;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  scheduler: SchedulerService;
  logger: LoggerService;
  /** Lets entity owners attest their own entities' controls. */
  userInfo?: UserInfoService;
}) {
  const settings = readComplianceSettings(options.config);
  // Kept apart from `settings`, which the API may show: it holds the key.
  const pseudonymisation = readPseudonymisation(options.config);
  const snapshots = new SnapshotStore(options.knex);
  const waivers = new WaiverStore(options.knex, {
    maxWaiverDays: settings.maxWaiverDays,
  });
  const engine = new ComplianceEngine({
    knex: options.knex,
    settings,
    facts: catalogFactsSource(options.catalog, options.auth, settings),
    snapshots,
    waivers,
  });
  const reader = new ComplianceReader({
    knex: options.knex,
    snapshots,
    waivers,
    settings,
  });
  const register = readRegisterSettings(options.config, settings);
  const router = Router();
  router.use(
    await createRegisterRouter({
      knex: options.knex,
      snapshots,
      waivers,
      settings,
      register,
      httpAuth: options.httpAuth,
      permissions: options.permissions,
      auditor: options.auditor,
      userInfo: options.userInfo,
    }),
  );
  const scorecards = await createComplianceRouter({
    engine,
    snapshots,
    waivers,
    settings,
    reader,
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor: options.auditor,
  });
  router.use(scorecards);

  async function start() {
    const scheduleConfig = options.config.getOptionalConfig(
      'itops.compliance.schedule',
    );
    const schedule = scheduleConfig
      ? {
          ...DEFAULT_SCHEDULE,
          ...readSchedulerServiceTaskScheduleDefinitionFromConfig(
            scheduleConfig,
          ),
        }
      : DEFAULT_SCHEDULE;
    const logger = options.logger.child({ task: COMPLIANCE_TASK_ID });
    await options.scheduler.scheduleTask({
      id: COMPLIANCE_TASK_ID,
      ...schedule,
      fn: async () => {
        try {
          const { snapshot, timings, baseSnapshotId, storedResults } =
            await engine.evaluateAll('scheduled');
          logger.info(
            `Compliance evaluation stored snapshot ${snapshot.id}: ${
              snapshot.entityCount
            } entities, ${snapshot.resultCount} results (${
              baseSnapshotId
                ? `${storedResults} changed since full snapshot ${baseSnapshotId}`
                : 'full'
            }) in ${Math.round(timings.totalMs + (timings.factsMs ?? 0))} ms`,
          );
        } catch (error) {
          // The next run tries again; the previous snapshot stays the latest.
          logger.error(
            `Compliance evaluation failed: ${stringifyError(error)}`,
          );
        }
        if (!settings.retention.enabled) return;
        try {
          // After the run, so the snapshot just stored counts as the newest.
          const { disposed, plan } = await applyRetention({
            snapshots,
            waivers,
            auditor: options.auditor,
            policy: settings.retention,
            now: Date.now(),
          });
          if (disposed > 0) {
            logger.info(
              `Compliance retention disposed of ${disposed} snapshots, keeping ${plan.keep.length}`,
            );
          }
        } catch (error) {
          // Nothing is lost: the next run plans again from what is left.
          logger.error(`Compliance retention failed: ${stringifyError(error)}`);
        }
        if (!pseudonymisation.key) {
          logger.warn(
            `Compliance pseudonymisation is off: itops.compliance.retention.pseudonymKey is not set, so person names older than ${pseudonymisation.afterMonths} months are kept`,
          );
          return;
        }
        try {
          const run = await applyPseudonymisation({
            knex: options.knex,
            auditor: options.auditor,
            settings: pseudonymisation,
            now: Date.now(),
          });
          const rows = Object.values(run.rows).reduce((a, b) => a + b, 0);
          if (rows + run.snapshots > 0) {
            logger.info(
              `Compliance pseudonymisation rewrote ${rows} records and ${
                run.snapshots
              } snapshots older than ${new Date(run.cutoff).toISOString()}`,
            );
          }
        } catch (error) {
          // Messages name tables and settings, never the key.
          logger.error(
            `Compliance pseudonymisation failed: ${stringifyError(error)}`,
          );
        }
      },
    });
  }

  return { engine, reader, router, settings, start };
}
