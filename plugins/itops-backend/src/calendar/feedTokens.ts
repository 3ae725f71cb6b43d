import { createHash, randomBytes } from 'node:crypto';
import { ConflictError } from '@backstage/errors';
import type { Knex } from 'knex';

const TABLE = 'itops_calendar_feed_tokens';
/** Recognisable in logs and secret scanners. */
const PREFIX = 'itopscal_';
/** Tokens a user may hold at once, against unbounded growth. */
export const MAX_TOKENS_PER_USER = 20;

export type FeedToken = {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt?: string;
};

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toFeedToken(row: Record<string, unknown>): FeedToken {
  return {
    id: Number(row.id),
    name: String(row.name),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    ...(row.last_used_at === null || row.last_used_at === undefined
      ? {}
      : { lastUsedAt: new Date(Number(row.last_used_at)).toISOString() }),
  };
}

/**
 * Per-user tokens of the iCalendar feed. Calendar clients cannot send a
 * Backstage token, so the feed URL carries one of these instead. Only a
 * SHA-256 of each token is stored (a token is 32 random bytes, so a plain
 * hash suffices); the token itself is shown once, at creation.
 */
export class FeedTokenStore {
  readonly #knex: Knex;
  readonly #clock: () => number;

  constructor(knex: Knex, clock: () => number = Date.now) {
    this.#knex = knex;
    this.#clock = clock;
  }

  async create(
    userRef: string,
    name: string,
  ): Promise<FeedToken & { token: string }> {
    const [{ count }] = await this.#knex(TABLE)
      .where('user_ref', userRef)
      .count({ count: '*' });
    if (Number(count) >= MAX_TOKENS_PER_USER) {
      throw new ConflictError(
        `At most ${MAX_TOKENS_PER_USER} calendar feed tokens per user; revoke one first`,
      );
    }
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    const createdAt = this.#clock();
    const [row] = await this.#knex(TABLE)
      .insert({
        user_ref: userRef,
        name,
        token_hash: hash(token),
        created_at: createdAt,
        last_used_at: null,
      })
      .returning('id');
    const id = Number(typeof row === 'object' ? row.id : row);
    return { id, name, createdAt: new Date(createdAt).toISOString(), token };
  }

  async list(userRef: string): Promise<FeedToken[]> {
    const rows = await this.#knex(TABLE)
      .where('user_ref', userRef)
      .orderBy('id')
      .select('id', 'name', 'created_at', 'last_used_at');
    return rows.map(toFeedToken);
  }

  /** Revokes one of the user's tokens; false when the user has no such token. */
  async revoke(userRef: string, id: number): Promise<boolean> {
    const deleted = await this.#knex(TABLE)
      .where({ id, user_ref: userRef })
      .delete();
    return deleted > 0;
  }

  /** The user a token belongs to, recording its use; undefined if unknown or revoked. */
  async verify(token: string): Promise<string | undefined> {
    if (!token.startsWith(PREFIX)) return undefined;
    const row = await this.#knex(TABLE)
      .where('token_hash', hash(token))
      .first('id', 'user_ref');
    if (!row) return undefined;
    await this.#knex(TABLE)
      .where('id', row.id)
      .update({ last_used_at: this.#clock() });
    return String(row.user_ref);
  }
}
