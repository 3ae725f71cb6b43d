import type { Knex } from 'knex';

/**
 * The marker the append-only guard (migrations/lib/appendOnlyGuard.js)
 * accepts from the retention job, and only from inside its transaction.
 * Names must match the migration helper.
 */
const SETTING = 'itops.retention';
const PERMIT = 'itops_retention_permit';

/**
 * Runs `work` in `trx` with the retention permit held: on PostgreSQL a
 * transaction-local setting naming `trx`'s transaction id, on SQLite a
 * permit row inserted now and deleted before `trx` commits (a rollback
 * removes it too). Outside this call the guarded tables refuse the
 * operations the guard permits to retention.
 */
export async function withRetentionPermit<T>(
  trx: Knex.Transaction,
  now: number,
  work: () => Promise<T>,
): Promise<T> {
  if (trx.client.dialect === 'postgresql') {
    // The guard compares the setting with the transaction it runs in.
    await trx.raw('select set_config(?, txid_current()::text, true)', [
      SETTING,
    ]);
    const result = await work();
    await trx.raw('select set_config(?, ?, true)', [SETTING, '']);
    return result;
  }
  try {
    await trx(PERMIT).insert({ id: 1, opened_at: now });
  } catch (error) {
    // The permit admits one row; one that is already there was not left
    // by this job, which always removes its own before committing.
    throw new Error(
      `A retention permit is already present in ${PERMIT}; it was not created by the retention job and must be investigated: ${
        (error as Error).message
      }`,
    );
  }
  const result = await work();
  await trx(PERMIT).delete();
  return result;
}
