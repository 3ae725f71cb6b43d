import type { Entity } from '@backstage/catalog-model';
import {
  CodeSnippet,
  EmptyState,
  InfoCard,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import HourglassEmptyIcon from '@material-ui/icons/HourglassEmpty';
import LinkOffIcon from '@material-ui/icons/LinkOff';
import SettingsIcon from '@material-ui/icons/Settings';
import type { ReactNode } from 'react';
import type { ItopsSyncStatus } from '../../api';
import { ITOPS_AREAS, type ItopsArea, isAreaLinked } from './areas';
import { FreshnessNote, useFreshness } from './Freshness';
import { useSourceStatus } from './sourceStatus';
import { formatAge, formatDateTime } from './time';
import type { AreaData } from './useAreaData';
import { ItopsErrorPanel } from './ItopsErrorPanel';

const smallIcon = (icon: ReactNode) => ({
  customImage: (
    <Typography color="textSecondary" component="span" aria-hidden>
      {icon}
    </Typography>
  ),
});

/** The entity has none of the annotations that link it to the area. */
export function MissingAreaAnnotations({ area }: { area: ItopsArea }) {
  const definition = ITOPS_AREAS[area];
  return (
    <EmptyState
      missing={smallIcon(<LinkOffIcon fontSize="large" />)}
      title={`No ${definition.label} linked to this entity`}
      description={`Add one of the annotations ${definition.annotations.join(
        ', ',
      )} to the entity's catalog-info.yaml, for example:`}
      action={<CodeSnippet language="yaml" text={definition.example} />}
    />
  );
}

/** No installed source module can provide the area. */
export function SourceNotConfigured({ area }: { area: ItopsArea }) {
  const definition = ITOPS_AREAS[area];
  return (
    <EmptyState
      missing={smallIcon(<SettingsIcon fontSize="large" />)}
      title={`No source configured for ${definition.label}`}
      description={`Ask your Backstage administrator to configure ${definition.sources
        .map(source => `${source.title} (${source.configKey})`)
        .join(' or ')} in app-config.yaml.`}
    />
  );
}

/** The user lacks the area's read permission. */
export function AreaPermissionDenied({ area }: { area: ItopsArea }) {
  const definition = ITOPS_AREAS[area];
  return (
    <WarningPanel
      severity="info"
      title={`You do not have permission to see ${definition.label}`}
      message={`Reading ${definition.label} needs the ${definition.permission.name} permission; ask your Backstage administrator for it.`}
      defaultExpanded
    />
  );
}

/** A source's latest sync failed: what is shown may be out of date. */
export function SourceFailingNotice({
  area,
  failing,
}: {
  area: ItopsArea;
  failing: ItopsSyncStatus[];
}) {
  return (
    <WarningPanel
      title={`The ${ITOPS_AREAS[area].label} shown may be out of date: syncing failed`}
      defaultExpanded
    >
      <ul aria-label="Failing syncs">
        {failing.map(row => (
          <li key={`${row.sourceType}/${row.sourceInstance}/${row.capability}`}>
            <Typography variant="body2">
              {row.sourceType}/{row.sourceInstance} ({row.capability}):{' '}
              {row.lastError ?? 'unknown error'}.{' '}
              {row.lastSuccessAt
                ? `Last successful sync ${formatDateTime(
                    row.lastSuccessAt,
                  )} (${formatAge(row.lastSuccessAt)} ago).`
                : 'It has never synced successfully.'}
            </Typography>
          </li>
        ))}
      </ul>
    </WarningPanel>
  );
}

/**
 * The backend answers 404 for a catalog entity it has no row for: one
 * registered since the backend last read the catalog, or of a kind it does
 * not map. Neither is an error the reader can do anything about but wait.
 */
export function EntityNotMappedYet() {
  return (
    <EmptyState
      missing={smallIcon(<HourglassEmptyIcon fontSize="large" />)}
      title="ITOps has not read this entity from the catalog yet"
      description="The ITOps backend reads Components, Resources, APIs, Systems and Groups from the catalog every few minutes (itops.mapping.schedule). An entity registered a moment ago shows here after the next read; if it stays missing, ask your Backstage administrator to check the ITOps backend's logs."
    />
  );
}

/** Renders the loading, denied and error states of an area's data. */
export function AreaDataView<T>(props: {
  area: ItopsArea;
  data: AreaData<T>;
  children: (value: T) => ReactNode;
}) {
  const { area, data, children } = props;
  switch (data.status) {
    case 'loading':
      return <Progress aria-label={`Loading ${ITOPS_AREAS[area].label}`} />;
    case 'denied':
      return <AreaPermissionDenied area={area} />;
    case 'error':
      return (data.error as { statusCode?: number }).statusCode === 404 ? (
        <EntityNotMappedYet />
      ) : (
        <ItopsErrorPanel error={data.error} />
      );
    default:
      return <>{children(data.value)}</>;
  }
}

/**
 * A card of one ITOps area with the states every area shares: entity not
 * linked, source not configured, source failing (with the data still
 * shown), permission denied, loading and error.
 */
export function AreaCard<T>(props: {
  area: ItopsArea;
  entity: Entity;
  title: string;
  subheader?: string;
  /** Skips the annotation check, when the card finds its data another way. */
  linked?: boolean;
  data: AreaData<T>;
  children: (value: T) => ReactNode;
}) {
  const { area, entity, title, subheader, data, children } = props;
  const linked = props.linked ?? isAreaLinked(entity, area);
  const sources = useSourceStatus(area);
  const freshness = useFreshness();

  let content: ReactNode;
  if (!linked) {
    content = <MissingAreaAnnotations area={area} />;
  } else if (sources?.notConfigured) {
    content = <SourceNotConfigured area={area} />;
  } else {
    content = (
      <>
        {sources && sources.failing.length > 0 && (
          <SourceFailingNotice area={area} failing={sources.failing} />
        )}
        <AreaDataView area={area} data={data}>
          {children}
        </AreaDataView>
        {data.status === 'ready' && (
          <FreshnessNote
            capabilities={ITOPS_AREAS[area].capabilities}
            items={freshness}
          />
        )}
      </>
    );
  }
  return (
    <InfoCard title={title} subheader={subheader}>
      {content}
    </InfoCard>
  );
}
