import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DateTime } from 'luxon';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import { AgendaList } from './AgendaList';
import { ChangeDrawer } from './ChangeDrawer';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';

/**
 * The entity's change calendar for the next 30 days (its own changes, or
 * for a group or system those of what it owns or contains), with conflict
 * and freeze flags and the same detail drawer as the calendar page.
 *
 * @public
 */
export function EntityChangeCalendar(props: { days?: number; title?: string }) {
  const { days = 30, title = 'Change calendar' } = props;
  const api = useApi(itopsApiRef);
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const zone = DateTime.local().zoneName ?? 'UTC';
  const today = DateTime.local().toISODate()!;
  const [open, setOpen] = useState<string>();
  const range = useMemo(() => {
    const start = DateTime.local().startOf('day');
    return {
      from: start.toUTC().toISO()!,
      to: start.plus({ days }).toUTC().toISO()!,
    };
  }, [days]);
  const changes = useAsync(
    () =>
      api.getChangeCalendar({ ...range, entityRef: [entityRef], limit: 200 }),
    [api, range, entityRef],
  );
  return (
    <InfoCard
      title={title}
      subheader={`Next ${days} days`}
      deepLink={{
        title: 'Open calendar',
        link: `/itops/changes?view=agenda&owner=all&entityRef=${encodeURIComponent(
          entityRef,
        )}`,
      }}
    >
      {changes.loading && <Progress />}
      {changes.error && <ItopsErrorPanel error={changes.error} />}
      {changes.value && (
        <AgendaList
          dense
          changes={changes.value.items}
          zone={zone}
          today={today}
          onOpen={setOpen}
        />
      )}
      <ChangeDrawer
        changeId={open}
        zone={zone}
        onClose={() => setOpen(undefined)}
      />
    </InfoCard>
  );
}
