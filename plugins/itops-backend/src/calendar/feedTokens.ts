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
  /** After this instant the feed refuses the token. */
  expiresAt: string;
  lastUsedAt?: string;
};

/** Why a feed token was refused; every reason answers 401. */
export type FeedTokenRefusal = 'unknown' | 'expired' | 'owner-gone';

export type FeedTokenCheck =
  | { ok: true; userRef: string }
  | { ok: false; reason: FeedTokenRefusal };

export const DEFAULT_FEED_TOKEN_MAX_AGE_DAYS = 90;
/** How long a "the owner still exists" answer of the catalog is reused. */
const OWNER_CHECK_TTL_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toFeedToken(row: Record<string, unknown>): FeedToken {
  return {
    id: Number(row.id),
    name: String(row.name),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    expiresAt: new Date(Number(row.expires_at)).toISOString(),
    ...(row.last_used_at === null || row.last_used_at === undefined
      ? {}
      : { lastUsedAt: new Date(Number(row.last_used_at)).toISOString() }),
  };
}

export interface FeedTokenStoreOptions {
  clock?: () => number;
  /** Lifetime of a new token (default 90 days). */
  maxAgeDays?: number;
  /**
   * Whether the user still exists in the catalog. A token whose owner has
   * left is refused, and all of that owner's tokens are deleted.
   */
  userExists?: (userRef: string) => Promise<boolean>;
}

/**
 * Per-user tokens of the iCalendar feed. Calendar clients cannot send a
 * Backstage token, so the feed URL carries one of these instead. Only a
 * SHA-256 of each token is stored (a token is 32 random bytes, so a plain
 * hash suffices); the token itself is shown once, at creation. A token
 * expires (90 days by default), dies with its owner's catalog entity, and
 * can be revoked or rotated by its owner.
 */
export class FeedTokenStore {
  readonly #knex: Knex;
  readonly #clock: () => number;
  readonly #maxAgeMs: number;
  readonly #userExists?: (userRef: string) => Promise<boolean>;
  readonly #ownerSeenAt = new Map<string, number>();

  constructor(knex: Knex, options: FeedTokenStoreOptions = {}) {
    this.#knex = knex;
    this.#clock = options.clock ?? Date.now;
    this.#maxAgeMs =
      (options.maxAgeDays ?? DEFAULT_FEED_TOKEN_MAX_AGE_DAYS) * DAY_MS;
    this.#userExists = options.userExists;
  }

  async create(
    userRef: string,
    name: string,
  ): Promise<FeedToken & { token: string }> {
    return this.#knex.transaction(tx => this.#create(tx, userRef, name));
  }

  async #create(
    db: Knex,
    userRef: string,
    name: string,
    replacing = 0,
  ): Promise<FeedToken & { token: string }> {
    const [{ count }] = await db(TABLE)
      .where('user_ref', userRef)
      .count({ count: '*' });
    if (Number(count) - replacing >= MAX_TOKENS_PER_USER) {
      throw new ConflictError(
        `At most ${MAX_TOKENS_PER_USER} calendar feed tokens per user; revoke one first`,
      );
    }
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    const createdAt = this.#clock();
    const expiresAt = createdAt + this.#maxAgeMs;
    const [row] = await db(TABLE)
      .insert({
        user_ref: userRef,
        name,
        token_hash: hash(token),
        created_at: createdAt,
        expires_at: expiresAt,
        last_used_at: null,
      })
      .returning('id');
    const id = Number(typeof row === 'object' ? row.id : row);
    return {
      id,
      name,
      createdAt: new Date(createdAt).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
      token,
    };
  }

  /** The user's tokens, expired ones included (so the user sees them go). */
  async list(userRef: string): Promise<FeedToken[]> {
    const rows = await this.#knex(TABLE)
      .where('user_ref', userRef)
      .orderBy('id')
      .select('id', 'name', 'created_at', 'expires_at', 'last_used_at');
    return rows.map(toFeedToken);
  }

  /** Revokes one of the user's tokens; false when the user has no such token. */
  async revoke(userRef: string, id: number): Promise<boolean> {
    const deleted = await this.#knex(TABLE)
      .where({ id, user_ref: userRef })
      .delete();
    return deleted > 0;
  }

  /** Revokes every token of the user; how many there were. */
  async revokeAll(userRef: string): Promise<number> {
    this.#ownerSeenAt.delete(userRef);
    return this.#knex(TABLE).where('user_ref', userRef).delete();
  }

  /**
   * Replaces one of the user's tokens with a new one of the same name: the
   * old one stops working at once. Undefined when the user has no such token.
   */
  async rotate(
    userRef: string,
    id: number,
  ): Promise<(FeedToken & { token: string }) | undefined> {
    return this.#knex.transaction(async tx => {
      const old = await tx(TABLE)
        .where({ id, user_ref: userRef })
        .first('id', 'name');
      if (!old) {
        return undefined;
      }
      const created = await this.#create(tx, userRef, String(old.name), 1);
      await tx(TABLE).where('id', old.id).delete();
      return created;
    });
  }

  /**
   * The user a token belongs to, recording its use; or why it is refused:
   * unknown or revoked, expired, or its owner no longer in the catalog.
   */
  async verify(token: string): Promise<FeedTokenCheck> {
    if (!token.startsWith(PREFIX)) return { ok: false, reason: 'unknown' };
    const row = await this.#knex(TABLE)
      .where('token_hash', hash(token))
      .first('id', 'user_ref', 'created_at', 'expires_at');
    if (!row) return { ok: false, reason: 'unknown' };
    const now = this.#clock();
    const expiresAt =
      row.expires_at === null
        ? Number(row.created_at) + this.#maxAgeMs
        : Number(row.expires_at);
    if (now >= expiresAt) return { ok: false, reason: 'expired' };
    const userRef = String(row.user_ref);
    if (!(await this.#ownerExists(userRef, now))) {
      await this.revokeAll(userRef);
      return { ok: false, reason: 'owner-gone' };
    }
    await this.#knex(TABLE).where('id', row.id).update({ last_used_at: now });
    return { ok: true, userRef };
  }

  async #ownerExists(userRef: string, now: number): Promise<boolean> {
    if (!this.#userExists) return true;
    const seenAt = this.#ownerSeenAt.get(userRef);
    if (seenAt !== undefined && now - seenAt < OWNER_CHECK_TTL_MS) {
      return true;
    }
    const exists = await this.#userExists(userRef);
    if (exists) {
      this.#ownerSeenAt.set(userRef, now);
    } else {
      this.#ownerSeenAt.delete(userRef);
    }
    return exists;
  }
}
