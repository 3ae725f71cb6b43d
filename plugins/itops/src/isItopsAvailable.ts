import { hasItopsAnnotations } from '@backstage-itops/plugin-itops-common';
import {
  type Entity,
  RELATION_HAS_PART,
  RELATION_MEMBER_OF,
  RELATION_OWNER_OF,
} from '@backstage/catalog-model';

/**
 * Relations through which an entity without annotations still has ITOps
 * data: a team or system rolls up its parts' records, a domain shows its
 * systems', a person their teams'.
 */
const ROLL_UP_RELATIONS: Record<string, string> = {
  group: RELATION_OWNER_OF,
  system: RELATION_HAS_PART,
  domain: RELATION_HAS_PART,
  user: RELATION_MEMBER_OF,
};

/**
 * Whether the ITOps tab has something to show for an entity: it carries at
 * least one `itops.io/` annotation, or it is a team or system with parts
 * (whose records the ITOps backend rolls up onto it), a domain with systems
 * or a person in a team.
 *
 * @public
 */
export function isItopsAvailable(entity: Entity): boolean {
  if (hasItopsAnnotations(entity)) {
    return true;
  }
  const relation = ROLL_UP_RELATIONS[entity.kind.toLocaleLowerCase('en-US')];
  return (
    relation !== undefined &&
    (entity.relations ?? []).some(r => r.type === relation)
  );
}
