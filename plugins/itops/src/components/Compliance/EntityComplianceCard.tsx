import {
  itopsComplianceReadPermission,
  itopsComplianceWaiverApprovePermission,
  itopsComplianceWaiverCreatePermission,
  itopsComplianceEvaluatePermission,
} from '@backstage-itops/plugin-itops-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { type ItopsFreshness, itopsApiRef } from '../../api';
import { ITOPS_AREAS } from '../shared/areas';
import { FreshnessNote, useFreshness } from '../shared/Freshness';
import { RelativeTime } from '../shared/RelativeTime';
import { isForbiddenError } from '../shared/useAreaData';
import { Finding, type Result, WaiverRow } from './ComplianceFindings';
import { RollUpCompliance } from './RollUpCompliance';
import {
  STATUS_LABELS,
  STATUS_ORDER,
  ScoreCaption,
  formatScore,
} from './status';
import { WaiverDialog } from './WaiverDialog';

const FINDINGS = ['fail', 'error', 'warn', 'no_data'];

const useStyles = makeStyles({
  score: { fontSize: '2rem', fontWeight: 700, marginRight: 16 },
});

/**
 * The synced data the checks judge, which is every area's; the card says
 * how fresh it is, since a verdict is only as current as the data behind it.
 */
const EVIDENCE_CAPABILITIES = Object.values(ITOPS_AREAS).flatMap(
  area => area.capabilities,
);

/**
 * The entity's compliance scorecard for its ITOps tab: score, failing
 * checks with what to do and their evidence, and its waivers, with
 * requesting and deciding waivers for those allowed to.
 */
export function EntityComplianceCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const freshness = useFreshness();
  if (kind === 'group' || kind === 'system') {
    return (
      <InfoCard
        title="Compliance scorecard"
        subheader={`Services ${
          kind === 'group' ? 'this team owns' : 'of this system'
        }`}
        deepLink={{ title: 'Organisation overview', link: '/itops/compliance' }}
      >
        <RollUpCompliance
          kind={kind === 'group' ? 'team' : 'system'}
          // Results record owners and systems as the catalog's lower-case refs.
          entityRef={entityRef.toLocaleLowerCase('en-US')}
        />
        <FreshnessNote capabilities={EVIDENCE_CAPABILITIES} items={freshness} />
      </InfoCard>
    );
  }
  return <ServiceComplianceCard entityRef={entityRef} freshness={freshness} />;
}

function ServiceComplianceCard(props: {
  entityRef: string;
  freshness: ItopsFreshness[] | undefined;
}) {
  const classes = useStyles();
  const { entityRef } = props;
  const api = useApi(itopsApiRef);
  const read = usePermission({ permission: itopsComplianceReadPermission });
  const create = usePermission({
    permission: itopsComplianceWaiverCreatePermission,
  });
  const approve = usePermission({
    permission: itopsComplianceWaiverApprovePermission,
  });
  const evaluate = usePermission({
    permission: itopsComplianceEvaluatePermission,
  });
  const identityApi = useApi(identityApiRef);
  const identity = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  const { freshness } = props;
  const [evaluating, setEvaluating] = useState(false);
  const [requesting, setRequesting] = useState<Result>();
  const [actionError, setActionError] = useState<string>();
  const card = useAsyncRetry(
    async () => (read.allowed ? api.getEntityCompliance(entityRef) : undefined),
    [api, entityRef, read.allowed],
  );

  const decide = async (id: string, action: 'approve' | 'reject') => {
    setActionError(undefined);
    try {
      await api.decideComplianceWaiver(id, action);
      card.retry();
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    }
  };

  const evaluateNow = async () => {
    setActionError(undefined);
    setEvaluating(true);
    try {
      await api.evaluateEntityCompliance(entityRef);
      card.retry();
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    } finally {
      setEvaluating(false);
    }
  };

  // A 404 either says "not evaluated yet" (Evaluate helps) or "not in the
  // compliance selection" (it does not); the backend's own words tell which.
  const notFound =
    card.error && (card.error as { statusCode?: number }).statusCode === 404
      ? backendMessage(card.error)
      : undefined;
  const outOfScope = notFound?.includes('is not evaluated for compliance');
  let content;
  if (read.loading || card.loading) {
    content = <Progress />;
  } else if (!read.allowed || (card.error && isForbiddenError(card.error))) {
    content = (
      <WarningPanel
        severity="info"
        title="You do not have permission to see compliance scorecards"
        message="Reading compliance data needs the itops.compliance.read permission."
      />
    );
  } else if (notFound !== undefined) {
    content = (
      <EmptyState
        missing="info"
        title={outOfScope ? 'Not in the compliance scope' : 'Not evaluated yet'}
        description={
          outOfScope
            ? `${notFound}. Compliance officers choose the kinds and lifecycles under itops.compliance.`
            : `${notFound}. Evaluate it now, or wait for the next scheduled evaluation.`
        }
      />
    );
  } else if (card.error) {
    content = <ResponseErrorPanel error={card.error} />;
  } else if (!card.value) {
    // Permission decided, request not started yet (see RollUpCompliance).
    content = <Progress />;
  } else {
    const value = card.value;
    const findings = value.results
      .filter(r => FINDINGS.includes(r.status))
      .sort(
        (a, b) =>
          STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status),
      );
    const exempt = value.results.filter(r => r.status === 'exempt');
    content = (
      <>
        <Box display="flex" alignItems="center" mb={1}>
          <Typography className={classes.score} aria-label="Compliance score">
            {formatScore(value.score)}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {STATUS_ORDER.filter(
              s => value.counts[s as keyof typeof value.counts],
            )
              .map(
                s =>
                  `${STATUS_LABELS[s]} ${
                    value.counts[s as keyof typeof value.counts]
                  }`,
              )
              .join(' · ')}
            <ScoreCaption
              score={value.score}
              scoreIfWaiversHeld={value.scoreIfWaiversHeld}
            />
            Evaluated{' '}
            {value.evaluatedAt ? (
              <RelativeTime iso={value.evaluatedAt} />
            ) : (
              'never'
            )}
          </Typography>
        </Box>
        <Typography variant="subtitle2">
          {findings.length === 0
            ? 'No failing checks.'
            : `Checks needing attention (${findings.length})`}
        </Typography>
        <Table size="small" aria-label="Checks needing attention">
          <TableBody>
            {[...findings, ...exempt].map(result => (
              <Finding
                key={result.checkId}
                result={result}
                canRequest={create.allowed}
                onRequest={setRequesting}
              />
            ))}
          </TableBody>
        </Table>
        {value.waivers.length > 0 && (
          <>
            <Box mt={2}>
              <Typography variant="subtitle2">Waivers</Typography>
            </Box>
            <Table size="small" aria-label="Waivers">
              <TableBody>
                {value.waivers.map(waiver => (
                  <WaiverRow
                    key={waiver.id}
                    waiver={waiver}
                    canDecide={approve.allowed}
                    userEntityRef={identity.value}
                    onDecide={decide}
                  />
                ))}
              </TableBody>
            </Table>
          </>
        )}
        {actionError && (
          <Typography color="error" role="alert">
            {actionError}
          </Typography>
        )}
        {requesting && (
          <WaiverDialog
            open
            entityRef={entityRef}
            checkId={requesting.checkId}
            checkTitle={requesting.title}
            onClose={() => setRequesting(undefined)}
            onRequested={() => {
              setRequesting(undefined);
              card.retry();
            }}
          />
        )}
      </>
    );
  }
  return (
    <InfoCard
      title="Compliance scorecard"
      subheader="ISO/IEC 27001:2022 Annex A and GDPR checks from ITOps evidence"
      deepLink={{ title: 'Organisation overview', link: '/itops/compliance' }}
    >
      {content}
      {read.allowed && (
        <FreshnessNote capabilities={EVIDENCE_CAPABILITIES} items={freshness} />
      )}
      {evaluate.allowed && read.allowed && !outOfScope && (
        <Box mt={1}>
          <Button
            size="small"
            variant="outlined"
            disabled={evaluating}
            onClick={evaluateNow}
          >
            Evaluate now
          </Button>
        </Box>
      )}
    </InfoCard>
  );
}

/** The message the backend wrote, else the error's own. */
function backendMessage(error: Error): string {
  const body = (error as { body?: { error?: { message?: unknown } } }).body;
  const message = body?.error?.message;
  return typeof message === 'string' ? message : error.message;
}
