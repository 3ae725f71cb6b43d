import type { Knex } from 'knex';
import type { MappingKeyType } from '@backstage-itops/plugin-itops-common';
import type { ClaimIssue } from './decideClaims';

const TABLE = 'itops_mapping_claim_issues';

/** Width of `key_value` (see the claim issues migration). */
const MAX_VALUE_LENGTH = 255;

/** A stored claim issue, as the API lists it. */
export interface StoredClaimIssue extends ClaimIssue {
  /** When this decision was first stored (ISO 8601). */
  detectedAt: string;
}

/** What {@link replaceClaimIssues} changed, for logging once per change. */
export interface ClaimIssueChanges {
  /** New issues, and issues whose claimants or decision changed. */
  raised: ClaimIssue[];
  /** Issues gone: the claims stand again or were withdrawn. */
  resolved: Array<Pick<ClaimIssue, 'type' | 'value'>>;
}

interface Row {
  key_type: MappingKeyType;
  key_value: string;
  decision: ClaimIssue['decision'];
  claimants: string;
  granted: string;
  reason: string;
  detected_at: number | string;
}

const idOf = (issue: Pick<ClaimIssue, 'type' | 'value'>) =>
  `${issue.type}\u0000${issue.value}`;

/** What makes two decisions of one value the same. */
const contentOf = (row: Omit<Row, 'detected_at'>) =>
  JSON.stringify([row.decision, row.claimants, row.granted, row.reason]);

function toRow(issue: ClaimIssue): Omit<Row, 'detected_at'> {
  return {
    key_type: issue.type,
    key_value: issue.value,
    decision: issue.decision,
    claimants: JSON.stringify(issue.claimants),
    granted: JSON.stringify(issue.granted),
    reason: issue.reason,
  };
}

/**
 * Makes the stored issues those given, in one transaction, and tells what
 * changed against the stored ones (not against what this process wrote), so
 * that with several instances each change is reported by the one that
 * stored it. Unchanged issues keep their detection time.
 */
export async function replaceClaimIssues(
  knex: Knex,
  issues: readonly ClaimIssue[],
  now: number = Date.now(),
): Promise<ClaimIssueChanges> {
  // Keys too long for the mapping are dropped anyway (see the mapping store).
  const wanted = new Map(
    issues
      .filter(issue => issue.value.length <= MAX_VALUE_LENGTH)
      .map(issue => [idOf(issue), issue]),
  );
  return knex.transaction(async trx => {
    const stored = new Map(
      (await trx<Row>(TABLE).select()).map(row => [
        idOf({ type: row.key_type, value: row.key_value }),
        row,
      ]),
    );
    const raised: ClaimIssue[] = [];
    const resolved: ClaimIssueChanges['resolved'] = [];
    for (const [id, row] of stored) {
      if (!wanted.has(id)) {
        resolved.push({ type: row.key_type, value: row.key_value });
        await trx(TABLE)
          .where({ key_type: row.key_type, key_value: row.key_value })
          .delete();
      }
    }
    for (const [id, issue] of wanted) {
      const row = toRow(issue);
      const before = stored.get(id);
      if (before && contentOf(before) === contentOf(row)) {
        continue;
      }
      raised.push(issue);
      if (before) {
        await trx(TABLE)
          .where({ key_type: row.key_type, key_value: row.key_value })
          .update({ ...row, detected_at: now });
      } else {
        await trx(TABLE).insert({ ...row, detected_at: now });
      }
    }
    return { raised, resolved };
  });
}

/** The stored issues, by type and value. */
export async function readClaimIssues(knex: Knex): Promise<StoredClaimIssue[]> {
  const rows = await knex<Row>(TABLE)
    .select()
    .orderBy([
      { column: 'key_type', order: 'asc' },
      { column: 'key_value', order: 'asc' },
    ]);
  return rows.map(row => ({
    type: row.key_type,
    value: row.key_value,
    decision: row.decision,
    claimants: JSON.parse(row.claimants),
    granted: JSON.parse(row.granted),
    reason: row.reason,
    detectedAt: new Date(Number(row.detected_at)).toISOString(),
  }));
}
