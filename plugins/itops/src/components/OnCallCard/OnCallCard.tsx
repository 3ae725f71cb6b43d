import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
// Plain anchors: mail and phone links open the user's client, not a new tab.
import Link from '@material-ui/core/Link';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import type { ItopsApi, ItopsOnCallDetail, ItopsOnCallShift } from '../../api';
import { AreaCard } from '../shared/AreaCard';
import { isAggregatingEntity, isAreaLinked } from '../shared/areas';
import { ownerGroupRef } from '../shared/ownerRef';
import { RelativeTime } from '../shared/RelativeTime';
import { formatDateTime } from '../shared/time';
import { isForbiddenError, useAreaData } from '../shared/useAreaData';

/** On-call of an entity, and whose schedules it is when not its own. */
export interface EntityOnCall {
  detail: ItopsOnCallDetail;
  /** The owner group whose on-call is shown, when the entity has none. */
  viaOwnerRef?: string;
}

function isEmpty(detail: ItopsOnCallDetail): boolean {
  return detail.now.length === 0 && detail.next.length === 0;
}

/**
 * Services rarely have rotas of their own: their owning team does. When the
 * entity has no on-call, the owner group's is shown instead, labelled so.
 * Both are asked for at once: the service's answer is nearly always empty,
 * and asking for the owner's only then made on-call the tab's last card.
 */
export async function loadEntityOnCall(
  api: ItopsApi,
  entityRef: string,
  ownerRef: string | undefined,
): Promise<EntityOnCall> {
  const ownerRequest = ownerRef
    ? api.getEntityOnCall(ownerRef).then(
        detail => ({ detail }),
        (error: unknown) => ({ error }),
      )
    : undefined;
  const detail = await api.getEntityOnCall(entityRef);
  if (!ownerRef || !ownerRequest || !isEmpty(detail)) {
    return { detail };
  }
  const owner = await ownerRequest;
  if ('error' in owner) {
    // The owner may be unknown to ITOps (404); a 403 denies the whole area.
    if (isForbiddenError(owner.error)) {
      throw owner.error;
    }
    return { detail };
  }
  return isEmpty(owner.detail)
    ? { detail }
    : { detail: owner.detail, viaOwnerRef: ownerRef };
}

function Contact({ shift }: { shift: ItopsOnCallShift }) {
  return (
    <>
      {shift.personEmail && (
        <Link href={`mailto:${shift.personEmail}`}>{shift.personEmail}</Link>
      )}
      {shift.personEmail && shift.personPhone && ' · '}
      {shift.personPhone && (
        <Link href={`tel:${shift.personPhone.replace(/\s+/g, '')}`}>
          {shift.personPhone}
        </Link>
      )}
    </>
  );
}

function ShiftNow({ shift }: { shift: ItopsOnCallShift }) {
  return (
    <ListItem disableGutters>
      <ListItemText
        primary={
          <>
            <Typography component="span" variant="subtitle2">
              {shift.personName}
            </Typography>{' '}
            <Typography component="span" variant="body2" color="textSecondary">
              ({shift.scheduleName})
            </Typography>
          </>
        }
        secondary={
          <>
            <Typography component="span" variant="body2" display="block">
              <Contact shift={shift} />
            </Typography>
            <Typography component="span" variant="body2" display="block">
              Since {formatDateTime(shift.start)}, until{' '}
              {formatDateTime(shift.end)} (<RelativeTime iso={shift.end} />)
            </Typography>
          </>
        }
      />
    </ListItem>
  );
}

function ShiftNext({ shift }: { shift: ItopsOnCallShift }) {
  return (
    <ListItem disableGutters>
      <ListItemText
        primary={`Next: ${shift.personName} (${shift.scheduleName})`}
        secondary={
          <>
            Takes over {formatDateTime(shift.start)} (
            <RelativeTime iso={shift.start} />)
          </>
        }
      />
    </ListItem>
  );
}

/** The on-call levels: who is on call now and who is next, per level. */
export function OnCallDetailView({ detail }: { detail: ItopsOnCallDetail }) {
  if (detail.escalationLevels.length === 0) {
    return (
      <Typography variant="body2">
        Nobody is on call now, and no shift starts in the next 30 days.
      </Typography>
    );
  }
  return (
    <>
      {detail.escalationLevels.map(level => (
        <Box
          key={level.escalationLevel}
          component="section"
          aria-label={`Escalation level ${level.escalationLevel}`}
          mb={1}
        >
          <Typography variant="overline" component="h3">
            {level.escalationLevel === 1
              ? 'Level 1 · first responder'
              : `Level ${level.escalationLevel} · escalation`}
          </Typography>
          <List dense disablePadding>
            {level.now.length === 0 && (
              <ListItem disableGutters>
                <ListItemText primary="Nobody on call now" />
              </ListItem>
            )}
            {level.now.map(shift => (
              <ShiftNow
                key={`${shift.sourceType}/${shift.externalId}`}
                shift={shift}
              />
            ))}
            {level.next.map(shift => (
              <ShiftNext
                key={`${shift.sourceType}/${shift.externalId}`}
                shift={shift}
              />
            ))}
          </List>
        </Box>
      ))}
    </>
  );
}

/**
 * Who is on call for the entity now, since and until when, with contact
 * details, and who takes over next, per escalation level.
 *
 * @public
 */
export function EntityOnCallCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const ownerRef = isAggregatingEntity(entity)
    ? undefined
    : ownerGroupRef(entity);
  const data = useAreaData(
    'oncall',
    api => loadEntityOnCall(api, entityRef, ownerRef),
    [entityRef, ownerRef],
  );
  const viaOwner = data.status === 'ready' ? data.value.viaOwnerRef : undefined;
  return (
    <AreaCard
      area="oncall"
      entity={entity}
      title="On-call"
      subheader={viaOwner ? `From the owning team ${viaOwner}` : undefined}
      linked={isAreaLinked(entity, 'oncall') || ownerRef !== undefined}
      data={data}
    >
      {({ detail }) => <OnCallDetailView detail={detail} />}
    </AreaCard>
  );
}
