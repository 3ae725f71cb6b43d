import {
  type ComplianceStatus,
  ISO27001_2022,
  attestedControlStatus,
  itopsComplianceAttestPermission,
  itopsComplianceReadPermission,
  itopsComplianceWaiverApprovePermission,
  rollUpControl,
} from '@backstage-itops/plugin-itops-common';
import type {
  AuditorService,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import { audited } from '../service/audited';
import type { Config } from '@backstage/config';
import {
  AttestationStore,
  DEFAULT_MAX_ATTESTATION_DAYS,
  parseAttestationBody,
} from './AttestationStore';
import type { ComplianceSettings } from './config';
import { readFacts } from './entityFacts';
import type { Knex } from 'knex';
import type { SnapshotStore } from './SnapshotStore';
import {
  type SoaExclusion,
  SoaStore,
  buildSoaContent,
  parseExclusions,
} from './SoaStore';
import { soaToCsv, soaToHtml } from './soaExports';
import { frameworkOf } from './views';
import { type WaiverStore, sameIdentity } from './WaiverStore';

export interface RegisterRouterOptions {
  knex: Knex;
  snapshots: SnapshotStore;
  waivers: WaiverStore;
  settings: ComplianceSettings;
  register: RegisterSettings;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  /** Resolves a user's groups, so entity owners may attest their own entities. */
  userInfo?: UserInfoService;
  now?: () => number;
}

/** Settings of the attestation register and the SoA. */
export interface RegisterSettings {
  /** `itops.compliance.maxAttestationDays`, default 365 (12 months). */
  maxAttestationDays: number;
  /** `itops.compliance.soa.exclusions`: the default exclusions of a new SoA version. */
  soaExclusions: SoaExclusion[];
}

function one(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`Query parameter '${name}' must be given once`);
  }
  return value;
}

function atParam(req: Request): number | undefined {
  const value = one(req, 'at');
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new InputError(
      `Query parameter 'at' must be an ISO 8601 date-time, got '${value}'`,
    );
  }
  return ms;
}

/**
 * The attestation register and the Statement of Applicability under
 * `/compliance`. Reads need `itops.compliance.read`. Attesting and revoking
 * need a user who owns the entity (directly or through a group) or holds
 * `itops.compliance.attest`; approving an SoA version needs
 * `itops.compliance.waiver.approve`, the permission that already stands
 * for accepting risk on the organisation's behalf. Every change is an
 * auditor event and an audit row.
 */
export async function createRegisterRouter(
  options: RegisterRouterOptions,
): Promise<express.Router> {
  const { knex, settings, register, httpAuth, permissions, auditor } = options;
  const now = options.now ?? Date.now;
  const attestations = new AttestationStore(knex, options.waivers);
  const soa = new SoaStore(knex, options.waivers);
  const router = Router();
  // Only on this router's paths: it is mounted before the other routes of
  // the plugin, whose body limits are their own.
  router.use(
    ['/compliance/attestations', '/compliance/controls', '/compliance/soa'],
    express.json({ limit: '64kb' }),
  );

  async function allowed(req: Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return { credentials, ok: decision.result === AuthorizeResult.ALLOW };
  }

  async function authorize(req: Request, permission: BasicPermission) {
    const { ok } = await allowed(req, permission);
    if (!ok) throw new NotAllowedError(`Missing permission ${permission.name}`);
  }

  /**
   * The acting user, when they may attest for the entity: an owner of it
   * (their ownership refs include its owner) or a holder of the attest
   * permission.
   */
  async function attester(req: Request, entityRef: string) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const actor = credentials.principal.userEntityRef;
    const [fact] = await readFacts(knex, entityRef);
    if (!fact) {
      throw new NotFoundError(
        `Entity ${entityRef} is not evaluated for compliance`,
      );
    }
    if (fact.ownerRef && options.userInfo) {
      const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
        credentials,
      );
      if (ownershipEntityRefs.some(ref => sameIdentity(ref, fact.ownerRef!))) {
        return actor;
      }
    }
    const [decision] = await permissions.authorize(
      [{ permission: itopsComplianceAttestPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Only an owner of ${entityRef} or a holder of ${itopsComplianceAttestPermission.name} may attest for it`,
      );
    }
    return actor;
  }

  function controlOf(frameworkId: string, controlId: string) {
    const framework = frameworkOf(settings.frameworks, frameworkId);
    const control = framework.controls.find(c => c.id === controlId);
    if (!control) {
      throw new NotFoundError(
        `Unknown control '${controlId}' of framework ${frameworkId}`,
      );
    }
    return { framework, control };
  }

  const mappedChecks = (frameworkId: string, controlId: string) =>
    settings.checks
      .filter(c =>
        c.mappings.some(
          m => m.framework === frameworkId && m.control === controlId,
        ),
      )
      .map(c => c.id);

  router.get('/compliance/attestations', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    res.json({
      items: await attestations.list(
        {
          framework: one(req, 'framework'),
          control: one(req, 'control'),
          entityRef: one(req, 'entityRef'),
          at: atParam(req),
        },
        now(),
      ),
    });
  });

  router.get('/compliance/attestations/expiring', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const raw = one(req, 'days') ?? '30';
    const days = Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > 366) {
      throw new InputError(
        `Query parameter 'days' must be an integer from 1 to 366`,
      );
    }
    res.json({ days, items: await attestations.expiring(now(), days) });
  });

  /**
   * A control's attestation state per entity: the verdict of
   * `attestedControlStatus` from the entity's automated roll-up and its
   * current attestation, and the full history (superseded and revoked
   * ones included).
   */
  router.get(
    '/compliance/controls/:framework/:control/attestations',
    async (req, res) => {
      await authorize(req, itopsComplianceReadPermission);
      const { framework, control } = controlOf(
        req.params.framework,
        req.params.control,
      );
      const at = atParam(req);
      const time = at ?? now();
      const checks = mappedChecks(framework.id, control.id);
      const history = await attestations.list(
        { framework: framework.id, control: control.id, at },
        time,
      );
      const current = await attestations.current(time, framework.id);
      const { results } =
        checks.length > 0
          ? await options.snapshots.currentResults(at, {
              checkIds: checks,
              lean: true,
            })
          : { results: [] };
      const byEntity = new Map<string, ComplianceStatus[]>();
      for (const r of results) {
        const list = byEntity.get(r.entityRef) ?? [];
        list.push(r.status);
        byEntity.set(r.entityRef, list);
      }
      const entities = new Set([
        ...history.map(a => a.entityRef),
        ...byEntity.keys(),
      ]);
      // Each entity's owner as compliance evaluated it, so the UI can offer
      // its owners the Attest action (the POST still decides).
      const owners = new Map(
        (await readFacts(knex)).map(f => [f.entityRef, f.ownerRef]),
      );
      res.json({
        framework: framework.id,
        control: control.id,
        checks,
        entities: [...entities].sort().map(entityRef => {
          const automated =
            checks.length === 0
              ? 'manual'
              : rollUpControl(byEntity.get(entityRef) ?? []);
          const attestation = current.get(
            `${framework.id}|${control.id}|${entityRef}`,
          );
          return {
            entityRef,
            ownerRef: owners.get(entityRef),
            ...attestedControlStatus(automated, attestation, time),
            automatedStatus: automated,
          };
        }),
        history,
      });
    },
  );

  router.post(
    '/compliance/controls/:framework/:control/attestations',
    async (req, res) => {
      const { framework, control } = controlOf(
        req.params.framework,
        req.params.control,
      );
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body.entityRef !== 'string' || !body.entityRef.trim()) {
        throw new InputError(
          `Body field 'entityRef' is required and must be a non-empty string`,
        );
      }
      const entityRef = body.entityRef.trim().toLocaleLowerCase('en-US');
      const actor = await attester(req, entityRef);
      const input = parseAttestationBody(
        body,
        now(),
        register.maxAttestationDays,
      );
      const attestation = await audited(
        auditor,
        req,
        {
          eventId: 'compliance-attestation',
          severityLevel: 'medium',
          meta: {
            action: 'attest',
            framework: framework.id,
            control: control.id,
            entityRef,
          },
        },
        () =>
          attestations.attest(
            {
              ...input,
              framework: framework.id,
              control: control.id,
              entityRef,
            },
            actor,
            now(),
          ),
      );
      res.status(201).json(attestation);
    },
  );

  router.post('/compliance/attestations/:id/revoke', async (req, res) => {
    const existing = await attestations.get(req.params.id, now());
    if (!existing) {
      throw new NotFoundError(`No attestation '${req.params.id}'`);
    }
    const actor = await attester(req, existing.entityRef);
    const reason = (req.body ?? {}).reason;
    if (typeof reason !== 'string' || !reason.trim()) {
      throw new InputError(
        `Body field 'reason' is required and must be a non-empty string`,
      );
    }
    const revoked = await audited(
      auditor,
      req,
      {
        eventId: 'compliance-attestation',
        severityLevel: 'medium',
        meta: { action: 'revoke', attestationId: existing.id },
      },
      () => attestations.revoke(existing.id, actor, reason.trim(), now()),
    );
    res.json(revoked);
  });

  const iso = () => frameworkOf(settings.frameworks, ISO27001_2022);

  async function draft(exclusions: SoaExclusion[]) {
    const { snapshot, results } = await options.snapshots.currentResults(
      undefined,
      { lean: true },
    );
    return buildSoaContent({
      framework: iso(),
      checks: settings.checks,
      results,
      snapshotId: snapshot?.id ?? null,
      attestations: (await attestations.current(now(), ISO27001_2022)).values(),
      exclusions,
    });
  }

  function versionParam(req: Request) {
    const version = Number(req.params.version);
    if (!Number.isInteger(version) || version < 1) {
      throw new InputError(
        `SoA version must be a positive integer, got '${req.params.version}'`,
      );
    }
    return version;
  }

  async function storedVersion(req: Request) {
    const version = versionParam(req);
    const found = await soa.get(version);
    if (!found) throw new NotFoundError(`No SoA version ${version}`);
    return found;
  }

  async function integrityOf(version: number) {
    const verdict = await soa.verify();
    const problems = verdict.broken
      .filter(b => b.version === version)
      .map(b => b.problem);
    return { ok: problems.length === 0, chainOk: verdict.ok, problems };
  }

  /** What a new version would state today, from the configured exclusions. */
  router.get('/compliance/soa/draft', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    res.json(await draft(register.soaExclusions));
  });

  router.get('/compliance/soa/versions', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    res.json({ items: await soa.list() });
  });

  router.post('/compliance/soa/versions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: itopsComplianceWaiverApprovePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Missing permission ${itopsComplianceWaiverApprovePermission.name}`,
      );
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const exclusions =
      body.exclusions === undefined
        ? register.soaExclusions
        : parseExclusions(body.exclusions, iso(), "Body field 'exclusions'");
    if (body.comment !== undefined && typeof body.comment !== 'string') {
      throw new InputError(`Body field 'comment' must be a string`);
    }
    const content = await draft(exclusions);
    const created = await audited(
      auditor,
      req,
      {
        eventId: 'compliance-soa',
        severityLevel: 'high',
        meta: { action: 'approve', framework: ISO27001_2022 },
      },
      () =>
        soa.create(
          content,
          credentials.principal.userEntityRef,
          (body.comment as string | undefined)?.trim() || undefined,
          now(),
        ),
    );
    res.status(201).json(created);
  });

  router.get('/compliance/soa/verify', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    res.json(await soa.verify());
  });

  router.get('/compliance/soa/versions/:version', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const version = await storedVersion(req);
    res.json({ ...version, integrity: await integrityOf(version.version) });
  });

  router.get('/compliance/soa/versions/:version/export', async (req, res) => {
    await authorize(req, itopsComplianceReadPermission);
    const format = one(req, 'format') ?? 'json';
    if (!['json', 'csv', 'html'].includes(format)) {
      throw new InputError(
        `Query parameter 'format' must be json, csv or html, got '${format}'`,
      );
    }
    const version = await storedVersion(req);
    const integrity = await integrityOf(version.version);
    const name = `soa-v${version.version}`;
    if (format === 'csv') {
      res.type('text/csv').attachment(`${name}.csv`).send(soaToCsv(version));
    } else if (format === 'html') {
      res.type('text/html').send(soaToHtml(version, integrity));
    } else {
      res.attachment(`${name}.json`).json({ ...version, integrity });
    }
  });

  return router;
}

/**
 * `itops.compliance.maxAttestationDays` and `itops.compliance.soa.exclusions`;
 * a bad value fails start-up naming the key.
 */
export function readRegisterSettings(
  config: Config,
  settings: Pick<ComplianceSettings, 'frameworks'>,
): RegisterSettings {
  const key = 'itops.compliance.maxAttestationDays';
  const maxAttestationDays =
    config.getOptionalNumber(key) ?? DEFAULT_MAX_ATTESTATION_DAYS;
  if (!Number.isInteger(maxAttestationDays) || maxAttestationDays < 1) {
    throw new Error(`${key} must be a positive whole number of days`);
  }
  const exclusions = config.getOptional('itops.compliance.soa.exclusions');
  return {
    maxAttestationDays,
    soaExclusions: parseExclusions(
      exclusions,
      frameworkOf(settings.frameworks, ISO27001_2022),
      'itops.compliance.soa.exclusions',
    ),
  };
}
