import {
  type ComplianceWaiver,
  type WaiverStatus,
  itopsComplianceBreachDecidePermission,
  itopsComplianceEvaluatePermission,
  itopsComplianceReadPermission,
  itopsComplianceWaiverApprovePermission,
  itopsComplianceWaiverCreatePermission,
} from '@backstage-itops/plugin-itops-common';
import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { entityRefOf as validEntityRefOf } from '../service/params';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import {
  BreachDecisionStore,
  parseBreachDecision,
} from './BreachDecisionStore';
import type { ComplianceEngine } from './ComplianceEngine';
import { listBreaches } from './breachList';
import { type ComplianceSettings, GDPR_NOTIFICATION_HOURS } from './config';
import { readFacts } from './entityFacts';
import { ComplianceReader } from './reader';
import { toCsv, toHtmlReport } from './exports';
import type { SnapshotStore } from './SnapshotStore';
import {
  type ResultFilter,
  checksAtSnapshot,
  checksOf,
  frameworkSummaryOf,
  controlViewOf,
  filterResults,
  frameworkOf,
} from './views';
import { type WaiverStore, sameIdentity } from './WaiverStore';
import { DAY_MS } from './model';

export interface ComplianceRouterOptions {
  engine: ComplianceEngine;
  snapshots: SnapshotStore;
  waivers: WaiverStore;
  settings: ComplianceSettings;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  breaches?: BreachDecisionStore;
  /** Shared with the actions; made from the stores above when absent. */
  reader?: ComplianceReader;
  now?: () => number;
}

const WAIVER_STATUSES: WaiverStatus[] = [
  'pending',
  'approved',
  'rejected',
  'revoked',
  'expired',
];

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`Query parameter '${name}' must be given once`);
  }
  return value;
}

/** `at` as epoch ms: a date (end of that day, UTC) or a date-time. */
export function parseAt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T23:59:59.999Z` : value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new InputError(
      `Query parameter 'at' must be an ISO 8601 date or date-time, got '${value}'`,
    );
  }
  return ms;
}

function parseIntParam(
  value: string | undefined,
  name: string,
  { min, max, fallback }: { min: number; max: number; fallback: number },
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError(
      `Query parameter '${name}' must be an integer from ${min} to ${max}`,
    );
  }
  return n;
}

/** The entity ref of the path, its parts checked by the catalog's rules. */
function entityRefOf(params: Record<string, string>): string {
  return validEntityRefOf({
    kind: params.kind.toLocaleLowerCase('en-US'),
    namespace: params.namespace,
    name: params.name,
  });
}

/**
 * The compliance API under `/compliance`: scorecards, the organisation
 * overview, control views, snapshots and their exports, waivers and the
 * audit trail. Reads need `itops.compliance.read`; waiver requests, waiver
 * decisions and on-demand runs have permissions of their own, and every
 * change goes through the auditor service as well as the audit table.
 */
export async function createComplianceRouter(
  options: ComplianceRouterOptions,
): Promise<express.Router> {
  const {
    engine,
    snapshots,
    waivers,
    settings,
    httpAuth,
    permissions,
    auditor,
  } = options;
  const now = options.now ?? Date.now;
  const breaches =
    options.breaches ?? new BreachDecisionStore(engine.knex, waivers);
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  async function authorize(req: Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
    return credentials;
  }

  /** The acting user, for waiver actions: they need a person behind them. */
  async function actorOf(req: Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
    return credentials.principal.userEntityRef;
  }

  async function audited<T>(
    req: Request,
    eventId: string,
    severityLevel: AuditorServiceEventSeverityLevel,
    meta: Record<string, string>,
    action: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel,
      request: req,
      meta,
    });
    try {
      const result = await action();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  const reader =
    options.reader ??
    new ComplianceReader({
      knex: engine.knex,
      snapshots,
      waivers,
      settings,
      now,
    });
  const orgResults = reader.orgResults.bind(reader);

  function filterOf(req: Request): ResultFilter {
    const framework = queryString(req, 'framework');
    if (framework) frameworkOf(settings.frameworks, framework);
    const tier = queryString(req, 'tier');
    return {
      framework,
      // Results record owners and systems as lower-case refs.
      ownerRef: queryString(req, 'team')?.toLocaleLowerCase('en-US'),
      systemRef: queryString(req, 'system')?.toLocaleLowerCase('en-US'),
      tier:
        tier === undefined
          ? undefined
          : parseIntParam(tier, 'tier', { min: 1, max: 4, fallback: 0 }),
    };
  }

  router.get('/compliance/frameworks', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    res.json({
      frameworks: settings.frameworks,
      checks: settings.checks.map(check => ({
        ...check,
        thresholdsInForce: engine
          .catalogue()
          .checks.find(c => c.id === check.id)?.thresholds,
        tierThresholds: Object.fromEntries(
          Object.entries(settings.tierThresholds)
            .filter(([, byCheck]) => byCheck[check.id])
            .map(([tier, byCheck]) => [tier, byCheck[check.id]]),
        ),
      })),
    });
  });

  router.get('/compliance/overview', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const at = parseAt(queryString(req, 'at'));
    const filter = filterOf(req);
    const trendDays = parseIntParam(
      queryString(req, 'trendDays'),
      'trendDays',
      {
        min: 1,
        max: 1096,
        fallback: 90,
      },
    );
    const overview = await reader.overview(filter, at);
    const until = at ?? now();
    const trend = await snapshots.trend({
      since: until - trendDays * DAY_MS,
      until,
      checkIds: filter.framework
        ? checksOf(settings.checks, filter.framework)
        : undefined,
      filter,
    });
    res.json({
      ...overview,
      snapshot: overview.snapshot ?? null,
      filter,
      trend,
    });
  });

  router.get(
    '/compliance/frameworks/:framework/controls/:control',
    async (req, res) => {
      await authorize(req, itopsComplianceReadPermission);
      const framework = frameworkOf(settings.frameworks, req.params.framework);
      const at = parseAt(queryString(req, 'at'));
      const filter = { ...filterOf(req), framework: framework.id };
      const { snapshot, results } = await orgResults(at, {
        checkIds: checksOf(settings.checks, framework.id, req.params.control),
      });
      res.json({
        snapshot: snapshot ?? null,
        ...controlViewOf({
          framework,
          controlId: req.params.control,
          checks: settings.checks,
          results: filterResults(results, filter, settings.checks),
        }),
      });
    },
  );

  router.get(
    '/compliance/entities/:kind/:namespace/:name',
    async (req, res) => {
      await authorize(req, itopsComplianceReadPermission);
      const entityRef = entityRefOf(req.params);
      const at = parseAt(queryString(req, 'at'));
      res.json(await reader.entityScorecard(entityRef, at));
    },
  );

  /*
   * The whole population behind one result, page by page, passing and
   * failing records alike (failing first): the views show a preview, this
   * is where an auditor samples from.
   */
  router.get(
    '/compliance/entities/:kind/:namespace/:name/checks/:checkId/evidence',
    async (req, res) => {
      await authorize(req, itopsComplianceReadPermission);
      const entityRef = entityRefOf(req.params);
      const { checkId } = req.params;
      if (!settings.checks.some(c => c.id === checkId)) {
        throw new NotFoundError(`Unknown compliance check '${checkId}'`);
      }
      const at = parseAt(queryString(req, 'at'));
      const offset = parseIntParam(queryString(req, 'offset'), 'offset', {
        min: 0,
        max: 10_000_000,
        fallback: 0,
      });
      const limit = parseIntParam(queryString(req, 'limit'), 'limit', {
        min: 1,
        max: 1000,
        fallback: 100,
      });
      const result = (await snapshots.entityResults(entityRef, at)).find(
        r => r.checkId === checkId,
      );
      if (!result) {
        throw new NotFoundError(
          `No ${checkId} result for ${entityRef}${at ? ' by that date' : ''}`,
        );
      }
      res.json({
        entityRef,
        checkId,
        snapshotId: result.snapshotId,
        takenAt: result.takenAt,
        status: result.status,
        total: result.evidence.length,
        offset,
        limit,
        items: result.evidence.slice(offset, offset + limit),
      });
    },
  );

  router.post(
    '/compliance/entities/:kind/:namespace/:name/evaluate',
    async (req, res) => {
      const entityRef = entityRefOf(req.params);
      const credentials = await authorize(
        req,
        itopsComplianceEvaluatePermission,
      );
      const summary = await audited(
        req,
        'compliance-evaluate',
        'low',
        { entityRef },
        () => engine.evaluateEntity(entityRef),
      );
      if (!summary) {
        throw new NotFoundError(
          `Entity ${entityRef} is not evaluated for compliance`,
        );
      }
      await waivers.record(
        principalName(credentials.principal),
        'evaluation.run',
        'snapshot',
        summary.snapshot.id,
        summary.snapshot,
        now(),
      );
      res.status(201).json(summary);
    },
  );

  router.post('/compliance/evaluate', async (req, res) => {
    const credentials = await authorize(req, itopsComplianceEvaluatePermission);
    const summary = await audited(
      req,
      'compliance-evaluate',
      'medium',
      { scope: 'all' },
      () => engine.evaluateAll('manual'),
    );
    await waivers.record(
      principalName(credentials.principal),
      'evaluation.run',
      'snapshot',
      summary.snapshot.id,
      summary.snapshot,
      now(),
    );
    res.status(201).json(summary);
  });

  router.get('/compliance/snapshots', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const scope = queryString(req, 'scope');
    if (scope !== undefined && scope !== 'all' && scope !== 'any') {
      throw new InputError(`Query parameter 'scope' must be 'all' or 'any'`);
    }
    res.json({
      items: await snapshots.list({
        fullOnly: scope !== 'any',
        at: parseAt(queryString(req, 'at')),
        limit: parseIntParam(queryString(req, 'limit'), 'limit', {
          min: 1,
          max: 500,
          fallback: 50,
        }),
      }),
    });
  });

  router.get('/compliance/snapshots/verify', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    res.json(
      await audited(req, 'compliance-verify', 'low', {}, () =>
        snapshots.verify(),
      ),
    );
  });

  router.get('/compliance/snapshots/:id/export', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const format = queryString(req, 'format') ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw new InputError(`Query parameter 'format' must be 'json' or 'csv'`);
    }
    const snapshot = await snapshots.get(req.params.id);
    if (!snapshot)
      throw new NotFoundError(`No compliance snapshot ${req.params.id}`);
    const results = await audited(
      req,
      'compliance-export',
      'low',
      { snapshotId: snapshot.id, format },
      () => snapshots.results(snapshot.id),
    );
    const name = `compliance-${snapshot.takenAt.slice(
      0,
      10,
    )}-${snapshot.id.slice(0, 8)}`;
    // The catalogue in force when the snapshot was taken, never today's.
    const checks = checksAtSnapshot(
      await snapshots.catalogue(snapshot.id),
      settings.checks,
    );
    if (format === 'csv') {
      res
        .type('text/csv')
        .attachment(`${name}.csv`)
        .send(toCsv(results, checks));
      return;
    }
    res.attachment(`${name}.json`).json({
      snapshot,
      integrity: await snapshots.integrity(snapshot.id, results),
      frameworks: settings.frameworks.map(f => ({
        id: f.id,
        name: f.name,
        version: f.version,
        attribution: f.attribution,
      })),
      summaries: settings.frameworks.map(f =>
        frameworkSummaryOf(f, checks, results),
      ),
      checks,
      // The attestations in force when it was taken, as it recorded them
      // (null for a snapshot taken before snapshots recorded them).
      attestations: (await snapshots.attestations(snapshot.id)) ?? null,
      // The waivers the snapshot applied, as they stood then.
      waiversApplied: results
        .filter(r => r.waiverId)
        .map(r => ({
          waiverId: r.waiverId,
          entityRef: r.entityRef,
          checkId: r.checkId,
          underlyingStatus: r.underlyingStatus,
        })),
      results,
    });
  });

  router.get('/compliance/report', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const frameworkId = queryString(req, 'framework');
    if (!frameworkId) {
      throw new InputError(`Query parameter 'framework' is required`);
    }
    const framework = frameworkOf(settings.frameworks, frameworkId);
    const at = parseAt(queryString(req, 'at'));
    const [snapshot] = await snapshots.list({ fullOnly: true, at, limit: 1 });
    if (!snapshot) {
      throw new NotFoundError(
        at === undefined
          ? 'No compliance evaluation has run yet'
          : `No compliance evaluation ran on or before ${new Date(
              at,
            ).toISOString()}`,
      );
    }
    const results = await audited(
      req,
      'compliance-export',
      'low',
      { snapshotId: snapshot.id, format: 'html', framework: framework.id },
      () => snapshots.results(snapshot.id),
    );
    res.type('text/html').send(
      toHtmlReport({
        framework,
        checks: checksAtSnapshot(
          await snapshots.catalogue(snapshot.id),
          settings.checks,
        ),
        snapshot,
        results,
        generatedAt: new Date(now()).toISOString(),
        integrity: await snapshots.integrity(snapshot.id, results),
        attestations: await snapshots.attestations(snapshot.id),
      }),
    );
  });

  router.get('/compliance/waivers', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const status = queryString(req, 'status');
    if (
      status !== undefined &&
      !WAIVER_STATUSES.includes(status as WaiverStatus)
    ) {
      throw new InputError(
        `Query parameter 'status' must be one of ${WAIVER_STATUSES.join(', ')}`,
      );
    }
    res.json({
      items: await waivers.list(
        {
          entityRef: queryString(req, 'entityRef'),
          checkId: queryString(req, 'checkId'),
          status: status as WaiverStatus | undefined,
        },
        now(),
      ),
    });
  });

  router.post('/compliance/waivers', async (req, res) => {
    const actor = await actorOf(req, itopsComplianceWaiverCreatePermission);
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const field of [
      'checkId',
      'entityRef',
      'justification',
      'expiresAt',
    ]) {
      if (typeof body[field] !== 'string' || !(body[field] as string).trim()) {
        throw new InputError(
          `Body field '${field}' is required and must be a string`,
        );
      }
    }
    if (
      body.compensatingControl !== undefined &&
      typeof body.compensatingControl !== 'string'
    ) {
      throw new InputError(`Body field 'compensatingControl' must be a string`);
    }
    const checkId = String(body.checkId);
    const check = settings.checks.find(c => c.id === checkId);
    if (!check) {
      throw new InputError(`Unknown compliance check '${checkId}'`);
    }
    if (check.legalDuty) {
      throw new InputError(
        `${checkId} evidences a legal duty (${check.legalDuty}) and cannot be waived`,
      );
    }
    const entityRef = String(body.entityRef);
    if ((await readFacts(engine.knex, entityRef)).length === 0) {
      throw new NotFoundError(
        `Entity ${entityRef} is not evaluated for compliance`,
      );
    }
    const current = (await snapshots.entityResults(entityRef)).find(
      r => r.checkId === checkId,
    );
    const currentStatus = current?.underlyingStatus ?? current?.status;
    if (currentStatus === 'no_data' || currentStatus === 'error') {
      throw new InputError(
        `${checkId} on ${entityRef} is '${currentStatus}': missing or broken evidence cannot be waived, only fixed`,
      );
    }
    const expiresAt = Date.parse(String(body.expiresAt));
    if (Number.isNaN(expiresAt)) {
      throw new InputError(
        `Body field 'expiresAt' must be an ISO 8601 date-time`,
      );
    }
    const waiver = await audited(
      req,
      'compliance-waiver',
      'medium',
      { action: 'request', checkId, entityRef },
      () =>
        waivers.request(
          {
            checkId,
            entityRef,
            justification: String(body.justification),
            compensatingControl: body.compensatingControl as string | undefined,
            expiresAt,
          },
          actor,
          now(),
        ),
    );
    res.status(201).json(waiver);
  });

  const decide =
    (action: 'approve' | 'reject' | 'revoke') =>
    async (req: Request<{ id: string }>, res: express.Response) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = body.comment ?? body.reason;
      if (text !== undefined && typeof text !== 'string') {
        throw new InputError(
          `Body field '${
            body.comment !== undefined ? 'comment' : 'reason'
          }' must be a string`,
        );
      }
      let actor: string;
      if (action === 'revoke') {
        // The requester may withdraw their own waiver; others need approval
        // rights. Rights are settled before the waiver is looked up, and a
        // requester asking for someone else's waiver gets the same 404 as
        // for one that does not exist: no answer tells which ids exist.
        const approver = await actorOf(
          req,
          itopsComplianceWaiverApprovePermission,
        ).catch(() => undefined);
        const creator =
          approver === undefined
            ? await actorOf(req, itopsComplianceWaiverCreatePermission)
            : undefined;
        if (approver !== undefined) {
          actor = approver;
        } else {
          const existing: ComplianceWaiver | undefined = await waivers
            .get(req.params.id, now())
            .catch(error => {
              if (isError(error) && error.name === 'NotFoundError') {
                return undefined;
              }
              throw error;
            });
          if (!existing || !sameIdentity(creator!, existing.requestedBy)) {
            throw new NotFoundError(`No compliance waiver ${req.params.id}`);
          }
          actor = creator!;
        }
      } else {
        actor = await actorOf(req, itopsComplianceWaiverApprovePermission);
      }
      const waiver = await audited(
        req,
        'compliance-waiver',
        'medium',
        { action, waiverId: req.params.id },
        () =>
          action === 'revoke'
            ? waivers.revoke(
                req.params.id,
                actor,
                text as string | undefined,
                now(),
              )
            : waivers.decide(
                req.params.id,
                action === 'approve' ? 'approved' : 'rejected',
                actor,
                text as string | undefined,
                now(),
              ),
      );
      // The scorecard reflects the decision at once, not at the next run.
      // The decision stands if that fails: the next scheduled run applies it.
      if (action !== 'reject') {
        await engine.evaluateEntity(waiver.entityRef).catch(() => undefined);
      }
      res.json(waiver);
    };
  router.get('/compliance/waivers/expiring', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const days = parseIntParam(queryString(req, 'days'), 'days', {
      min: 1,
      max: 366,
      fallback: 30,
    });
    res.json({ days, items: await waivers.expiring(now(), days) });
  });

  router.post('/compliance/waivers/:id/approve', decide('approve'));
  router.post('/compliance/waivers/:id/reject', decide('reject'));
  router.post('/compliance/waivers/:id/revoke', decide('revoke'));

  /** The personal-data breach an incident number names, or a 404 naming it. */
  async function breachOf(ref: string) {
    const breach = await engine
      .knex('itops_incidents')
      .where({ number: ref, personal_data_breach: true })
      .first('number');
    if (!breach) {
      throw new NotFoundError(
        `No personal-data breach '${ref}' (an incident flagged as a personal-data breach)`,
      );
    }
    return String(breach.number);
  }

  /*
   * The personal-data breaches with their awareness time, the legal
   * deadline and where each decision stands, so the decisions API has a
   * list to start from (and overdue ones can be found without the engine).
   */
  router.get('/compliance/breaches', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const overdue = queryString(req, 'overdue');
    if (overdue !== undefined && overdue !== 'true' && overdue !== 'false') {
      throw new InputError(
        `Query parameter 'overdue' must be 'true' or 'false'`,
      );
    }
    const offset = parseIntParam(queryString(req, 'offset'), 'offset', {
      min: 0,
      max: 1_000_000,
      fallback: 0,
    });
    const limit = parseIntParam(queryString(req, 'limit'), 'limit', {
      min: 1,
      max: 500,
      fallback: 100,
    });
    const page = await listBreaches(
      engine.knex,
      breaches,
      { offset, limit, overdueOnly: overdue === 'true' },
      now(),
    );
    res.json({
      deadlineHours: GDPR_NOTIFICATION_HOURS,
      offset,
      limit,
      ...page,
    });
  });

  router.get('/compliance/breaches/:ref/decisions', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const ref = await breachOf(req.params.ref);
    res.json({
      breachRef: ref,
      items: (await breaches.byBreach([ref])).get(ref) ?? [],
    });
  });

  router.post('/compliance/breaches/:ref/decisions', async (req, res) => {
    const actor = await actorOf(req, itopsComplianceBreachDecidePermission);
    const ref = await breachOf(req.params.ref);
    const input = parseBreachDecision(
      (req.body ?? {}) as Record<string, unknown>,
      now(),
    );
    const decision = await audited(
      req,
      'compliance-breach-decision',
      'high',
      { breachRef: ref, decision: input.decision },
      () => breaches.record(ref, input, actor, now()),
    );
    res.status(201).json(decision);
  });

  router.get('/compliance/audit', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    res.json({
      items: await waivers.auditTrail({
        objectId: queryString(req, 'objectId'),
        limit: parseIntParam(queryString(req, 'limit'), 'limit', {
          min: 1,
          max: 500,
          fallback: 100,
        }),
        offset: parseIntParam(queryString(req, 'offset'), 'offset', {
          min: 0,
          max: 1_000_000,
          fallback: 0,
        }),
      }),
    });
  });

  return router;
}

function principalName(principal: unknown): string {
  const p = principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'user' && p.userEntityRef) return p.userEntityRef;
  if (p.type === 'service' && p.subject) return p.subject;
  return p.type ?? 'unknown';
}
