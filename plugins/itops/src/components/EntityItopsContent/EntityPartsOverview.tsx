import { parseEntityRef } from '@backstage/catalog-model';
import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import {
  EntityOverviewSection,
  loadEntityOverviews,
} from '../shared/EntityOverviews';
import type { ItopsScope } from './itopsScope';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';

type PartsScope = Extract<ItopsScope, { view: 'parts' }>;

/** The targets of the entity's relations of one type that are of one kind. */
function relatedRefs(
  relations: Array<{ type: string; targetRef: string }>,
  type: string,
  kind: string,
): string[] {
  const refs = relations
    .filter(relation => relation.type === type)
    .map(relation => relation.targetRef)
    .filter(
      ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === kind,
    );
  return [...new Set(refs)].sort();
}

/**
 * The ITOps tab of an entity ITOps does not map itself (a domain, a
 * person): the on-call and open incidents of the related entities that
 * have them, each with a link to its own ITOps tab.
 */
export function EntityPartsOverview({ scope }: { scope: PartsScope }) {
  const { entity } = useEntity();
  const api = useApi(itopsApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const refs = relatedRefs(
    entity.relations ?? [],
    scope.relation,
    scope.partKind,
  );
  const email =
    typeof entity.spec?.profile === 'object'
      ? (entity.spec.profile as { email?: string }).email
      : undefined;
  const { value, loading, error } = useAsync(
    () => loadEntityOverviews(api, refs),
    [api, refs.join(',')],
  );

  let content;
  if (loading) {
    content = <Progress aria-label={`Loading ${scope.title.toLowerCase()}`} />;
  } else if (error) {
    content = <ItopsErrorPanel error={error} />;
  } else if (!value || value.length === 0) {
    content = (
      <Typography variant="body2">
        None of them has ITOps data yet: {refs.join(', ') || 'none listed'}.
      </Typography>
    );
  } else {
    content = (
      <Grid container spacing={2}>
        {value.map(overview => {
          const ref = parseEntityRef(overview.entityRef);
          return (
            <Grid item xs={12} md={6} key={overview.entityRef}>
              <EntityOverviewSection
                overview={overview}
                label={scope.partLabel}
                myEmail={email}
              />
              <Link
                to={`${entityRoute({
                  kind: ref.kind.toLocaleLowerCase('en-US'),
                  namespace: ref.namespace,
                  name: ref.name,
                })}/itops`}
              >
                ITOps tab of {ref.name}
              </Link>
            </Grid>
          );
        })}
      </Grid>
    );
  }
  return (
    <InfoCard title={scope.title} subheader={scope.explanation}>
      {content}
    </InfoCard>
  );
}
