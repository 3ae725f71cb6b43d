import {
  auditedAction,
  entityRefInput,
  entityRefSchema,
  type ItopsActionsOptions,
  type Zod,
} from './common';
import { statusCountsSchema } from './schemas';

/** Control statuses that mean the control fails (no data caps at warn). */
const FAILING = new Set(['fail', 'error']);
/** Check statuses that do not pass: waived and missing data included. */
const NOT_PASSING = new Set(['fail', 'error', 'warn', 'no_data', 'exempt']);

const scoreFields = (z: Zod) => ({
  score: z
    .number()
    .nullable()
    .describe(
      'pass ÷ judged results; waived (exempt) and no-data results count as not passing; null when nothing was judged',
    ),
  scoreIfWaiversHeld: z.number().nullable(),
  counts: statusCountsSchema(z),
});

/**
 * `get-compliance-scorecard` and `get-team-compliance`: an entity's
 * scorecard and a team's overview, read through the compliance reader the
 * REST routes use, so waivers, expiry and missing data count the same.
 */
export function registerComplianceActions(options: ItopsActionsOptions): void {
  const { actionsRegistry, access, compliance, auditor } = options;

  actionsRegistry.register({
    name: 'get-compliance-scorecard',
    title: 'Compliance scorecard of an entity',
    description:
      'The latest compliance evaluation of a catalog entity (ISO/IEC 27001, GDPR): score, counts per status, the failing controls per framework and every check that does not pass (fail, error, warn, no data, or waived) with its reason and remediation. Needs the itops.compliance.read permission.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({ entityRef: entityRefSchema(z) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          evaluatedAt: z.string().optional(),
          ...scoreFields(z),
          failingControls: z.array(
            z.object({
              framework: z.string(),
              id: z.string(),
              label: z.string(),
              status: z.string(),
              checks: z.array(z.string()),
            }),
          ),
          checksNotPassing: z.array(
            z.object({
              checkId: z.string(),
              title: z.string(),
              status: z.string(),
              reason: z.string(),
              remediation: z.string().optional(),
              waiverId: z.string().optional(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) =>
      auditedAction(
        auditor,
        {
          eventId: 'compliance-scorecard-read',
          credentials,
          meta: { entityRef: input.entityRef },
        },
        async () => {
          await access.requireFor(credentials, 'compliance');
          const entityRef = entityRefInput(input.entityRef);
          const card = await compliance.entityScorecard(entityRef);
          return {
            output: {
              entityRef: card.entityRef,
              evaluatedAt: card.evaluatedAt,
              score: card.score,
              scoreIfWaiversHeld: card.scoreIfWaiversHeld,
              counts: card.counts,
              failingControls: card.frameworks.flatMap(framework =>
                framework.controls
                  .filter(control => FAILING.has(control.status))
                  .map(control => ({
                    framework: framework.id,
                    id: control.id,
                    label: control.label,
                    status: control.status,
                    checks: control.checks,
                  })),
              ),
              checksNotPassing: card.results
                .filter(result => NOT_PASSING.has(result.status))
                .map(result => ({
                  checkId: result.checkId,
                  title: result.title,
                  status: result.status,
                  reason: result.reason,
                  remediation: result.remediation,
                  waiverId: result.waiverId,
                })),
            },
          };
        },
      ),
  });

  actionsRegistry.register({
    name: 'get-team-compliance',
    title: 'Compliance of a team',
    description:
      'Compliance of the entities a team (group) owns, from the latest evaluation: score, counts per status, the controls failing on at least one of its entities with how many, and its worst-scoring services. A team owning no evaluated entity has score null and says so. Needs the itops.compliance.read permission.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          teamRef: entityRefSchema(
            z,
            'The team, as a group entity ref such as group:default/payments',
          ),
          framework: z
            .string()
            .min(1)
            .max(100)
            .optional()
            .describe('Only this framework, e.g. iso27001 or gdpr'),
        }),
      output: z =>
        z.object({
          teamRef: z.string(),
          evaluatedAt: z.string().optional(),
          entityCount: z.number(),
          noDataReason: z.string().optional(),
          ...scoreFields(z),
          failingControls: z.array(
            z.object({
              framework: z.string(),
              id: z.string(),
              label: z.string(),
              status: z.string(),
              failingEntities: z.number(),
              judgedEntities: z.number(),
            }),
          ),
          worstServices: z.array(
            z.object({
              entityRef: z.string(),
              score: z.number().nullable(),
              fail: z.number(),
              warn: z.number(),
              noData: z.number(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) =>
      auditedAction(
        auditor,
        {
          eventId: 'compliance-overview-read',
          credentials,
          meta: { teamRef: input.teamRef, framework: input.framework },
        },
        async () => {
          await access.requireFor(credentials, 'compliance');
          const teamRef = entityRefInput(input.teamRef, 'teamRef');
          const overview = await compliance.overview({
            ownerRef: teamRef.toLocaleLowerCase('en-US'),
            framework: input.framework,
          });
          return {
            output: {
              teamRef,
              evaluatedAt: overview.snapshot?.takenAt,
              entityCount: overview.entityCount,
              ...(overview.entityCount === 0
                ? {
                    noDataReason: overview.snapshot
                      ? `No entity owned by ${teamRef} was evaluated in the latest compliance snapshot`
                      : 'No compliance evaluation has run yet',
                  }
                : {}),
              score: overview.score,
              scoreIfWaiversHeld: overview.scoreIfWaiversHeld,
              counts: overview.counts,
              failingControls: overview.frameworks.flatMap(framework =>
                framework.controls
                  .filter(control => FAILING.has(control.status))
                  .map(control => ({
                    framework: framework.id,
                    id: control.id,
                    label: control.label,
                    status: control.status,
                    failingEntities:
                      (control.entityCounts.fail ?? 0) +
                      (control.entityCounts.error ?? 0),
                    judgedEntities: control.judgedEntities,
                  })),
              ),
              worstServices: overview.worstServices,
            },
          };
        },
      ),
  });
}
