import type { Entity } from '@backstage/catalog-model';
import type { ItopsArea } from '../shared/areas';

/** An area the tab leaves out for an entity, and why, shown to the reader. */
export interface NotApplicable {
  label: string;
  reason: string;
}

/**
 * What the ITOps tab shows for an entity:
 * - `cards`: the entity's own cards for `areas` (components, resources,
 *   APIs; systems and teams rolled up over their parts by the backend);
 * - `parts`: the overviews of related entities that have ITOps data, for
 *   kinds ITOps does not map (a domain's systems, a person's teams).
 */
export type ItopsScope =
  | { view: 'cards'; areas: ItopsArea[]; notApplicable: NotApplicable[] }
  | {
      view: 'parts';
      relation: string;
      partKind: string;
      /** The section label of each part, e.g. "System". */
      partLabel: string;
      title: string;
      explanation: string;
    };

const ALL_AREAS: ItopsArea[] = ['oncall', 'incidents', 'changes', 'backups'];
const WITHOUT_BACKUPS: ItopsArea[] = ['oncall', 'incidents', 'changes'];

function lower(value: unknown): string {
  return typeof value === 'string' ? value.toLocaleLowerCase('en-US') : '';
}

/** The tab's scope for an entity, by kind (and a component's type). */
export function itopsScopeOf(entity: Entity): ItopsScope {
  const kind = lower(entity.kind);
  if (kind === 'domain') {
    return {
      view: 'parts',
      relation: 'hasPart',
      partKind: 'system',
      partLabel: 'System',
      title: 'Systems of this domain',
      explanation:
        "A domain's on-call, incidents, changes and backups are those of its systems: each system's ITOps tab has the details.",
    };
  }
  if (kind === 'user') {
    return {
      view: 'parts',
      relation: 'memberOf',
      partKind: 'group',
      partLabel: 'Team',
      title: 'Teams of this person',
      explanation:
        "On-call rotas and incidents belong to teams: these are the person's teams. Changes and backups are on the pages of the services the teams own.",
    };
  }
  if (kind === 'api') {
    return {
      view: 'cards',
      areas: WITHOUT_BACKUPS,
      notApplicable: [
        {
          label: 'Backups',
          reason:
            'An API stores nothing itself: backups are on the pages of the components and resources that serve it.',
        },
      ],
    };
  }
  if (kind === 'component' && lower(entity.spec?.type) === 'library') {
    return {
      view: 'cards',
      areas: WITHOUT_BACKUPS,
      notApplicable: [
        {
          label: 'Backups',
          reason:
            'A library runs nowhere and keeps no data: backups are on the pages of the services that use it.',
        },
      ],
    };
  }
  return { view: 'cards', areas: ALL_AREAS, notApplicable: [] };
}
