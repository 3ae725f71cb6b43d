import type { ApiRouter } from '@backstage/backend-openapi-utils';
import type { Knex } from 'knex';
import { readClaimIssues } from '../mapping/claimIssueStore';
import type { spec } from '../schema/openapi';
import type { AreaAccess } from './access';

/**
 * `GET /mapping/conflicts`: the claims `itops.mapping.claims` withheld or
 * refused, as stored by the last mapping refresh, so that every instance
 * answers the same. Guarded like the sync status: both are operators' views
 * of how the data is wired, not records of an area.
 */
export function registerMappingConflictRoutes(
  router: ApiRouter<typeof spec>,
  options: { knex: Knex; access: AreaAccess },
): void {
  router.get('/mapping/conflicts', async (req, res) => {
    await options.access.require(req, 'syncStatus');
    const issues = await readClaimIssues(options.knex);
    // Copies: the spec-typed response accepts object literals, not the
    // StoredClaimIssue interface.
    res.json({ items: issues.map(issue => ({ ...issue })) });
  });
}
