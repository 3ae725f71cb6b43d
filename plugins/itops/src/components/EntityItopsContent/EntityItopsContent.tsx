import { ITOPS_ANNOTATIONS } from '@backstage-itops/plugin-itops-common';
import { CodeSnippet, EmptyState, InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import type { ReactNode } from 'react';
import { isItopsAvailable } from '../../isItopsAvailable';
import { EntityBackupsCard } from '../BackupsCard';
import { EntityChangesCard } from '../ChangesCard';
import { EntityOpenIncidentsCard } from '../IncidentsCard';
import { EntityKpiCard } from '../KpiCard';
import { EntityOnCallCard } from '../OnCallCard';
import type { ItopsArea } from '../shared/areas';
import { EntityMappingConflicts } from '../Sources/EntityMappingConflicts';
import { EntityPageLinks } from './EntityPageLinks';
import { EntityPartsOverview } from './EntityPartsOverview';
import { type NotApplicable, itopsScopeOf } from './itopsScope';
import { getSourceLinks, type SourceLink } from './sourceLinks';

const EXAMPLE_ANNOTATIONS = `metadata:
  annotations:
    ${ITOPS_ANNOTATIONS.servicenowService}: Payments API
    ${ITOPS_ANNOTATIONS.jiraProject}: PAY
    ${ITOPS_ANNOTATIONS.veeamJob}: Payments DB - Hourly`;

/**
 * Props of {@link EntityItopsContent}.
 *
 * @public
 */
export interface EntityItopsContentProps {
  /**
   * Slot for the entity's change calendar over the next 30 days, shown
   * under the changes card. Empty until the calendar provides one.
   */
  changeCalendar?: ReactNode;
  /**
   * Slot for the entity's compliance scorecard card. Empty until the
   * compliance scorecards provide one.
   */
  complianceScorecard?: ReactNode;
}

/**
 * The ITOps tab of an entity page: on-call, open incidents, KPIs, changes
 * and backups, each in its own card; on a team or system page, rolled up
 * over what it owns or contains; on a domain or person page, the overviews
 * of its systems or teams. Areas that do not apply to the kind (backups of
 * a library or an API) are named with the reason instead of a card.
 *
 * @public
 */
export function EntityItopsContent(props: EntityItopsContentProps = {}) {
  const { changeCalendar, complianceScorecard } = props;
  const { entity } = useEntity();

  if (!isItopsAvailable(entity)) {
    return (
      <EmptyState
        missing="field"
        title="No ITOps links for this entity"
        description="Add ITOps annotations to the entity's catalog-info.yaml to link it to ServiceNow, Jira Service Management and Veeam records."
        action={<CodeSnippet language="yaml" text={EXAMPLE_ANNOTATIONS} />}
      />
    );
  }

  const scope = itopsScopeOf(entity);
  if (scope.view === 'parts') {
    return <EntityPartsOverview scope={scope} />;
  }
  const shows = (area: ItopsArea) => scope.areas.includes(area);
  const links = getSourceLinks(entity);
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <EntityPageLinks entityRef={stringifyEntityRef(entity)} />
      </Grid>
      <EntityMappingConflictsSlot entityRef={stringifyEntityRef(entity)} />
      {/* Side by side from 1280 px: narrower, the incident table would wrap. */}
      {shows('oncall') && (
        <Grid item xs={12} lg={6}>
          <EntityOnCallCard />
        </Grid>
      )}
      {shows('incidents') && (
        <Grid item xs={12} lg={6}>
          <EntityOpenIncidentsCard />
        </Grid>
      )}
      <Grid item xs={12}>
        <EntityKpiCard />
      </Grid>
      {/* Full width: both are tables with long titles and dates. */}
      {shows('changes') && (
        <Grid item xs={12}>
          <EntityChangesCard />
        </Grid>
      )}
      {shows('backups') && (
        <Grid item xs={12}>
          <EntityBackupsCard />
        </Grid>
      )}
      {scope.notApplicable.length > 0 && (
        <Grid item xs={12}>
          <NotApplicableCard entity={entity} items={scope.notApplicable} />
        </Grid>
      )}
      {changeCalendar && shows('changes') && (
        <Grid item xs={12} data-itops-slot="change-calendar">
          {changeCalendar}
        </Grid>
      )}
      {complianceScorecard && (
        <Grid item xs={12} data-itops-slot="compliance-scorecard">
          {complianceScorecard}
        </Grid>
      )}
      {links.length > 0 && (
        <Grid item xs={12}>
          <SourceLinksCard links={links} />
        </Grid>
      )}
    </Grid>
  );
}

/** The areas left out for this kind of entity, each with why. */
function NotApplicableCard(props: { entity: Entity; items: NotApplicable[] }) {
  const { entity, items } = props;
  const noun =
    typeof entity.spec?.type === 'string'
      ? `${entity.spec.type} ${entity.kind.toLocaleLowerCase('en-US')}`
      : entity.kind.toLocaleLowerCase('en-US');
  return (
    <InfoCard title={`Not shown for a ${noun}`}>
      <List dense disablePadding aria-label="Not applicable">
        {items.map(item => (
          <ListItem disableGutters key={item.label}>
            <ListItemText primary={item.label} secondary={item.reason} />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}

function SourceLinksCard({ links }: { links: SourceLink[] }) {
  return (
    <InfoCard title="Linked records" subheader="From this entity's annotations">
      <Table size="small" aria-label="ITOps links">
        <TableHead>
          <TableRow>
            <TableCell>System</TableCell>
            <TableCell>Link</TableCell>
            <TableCell>Value</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {links.map(link => (
            <TableRow key={link.annotation}>
              <TableCell>{link.system}</TableCell>
              <TableCell title={link.annotation}>{link.label}</TableCell>
              <TableCell>{link.values.join(', ')}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}

/** The mapping warning in a grid row of its own, only when there is one. */
function EntityMappingConflictsSlot(props: { entityRef: string }) {
  return (
    <EntityMappingConflicts
      entityRef={props.entityRef}
      wrap={panel => (
        <Grid item xs={12}>
          {panel}
        </Grid>
      )}
    />
  );
}
