import { createTestDatabases } from '../__testUtils__/testDatabases';
import { migrateItopsDatabase } from '../testUtils/migrate';
import { FeedTokenStore, MAX_TOKENS_PER_USER } from './feedTokens';

const DAY = 24 * 3600 * 1000;
const ALICE = 'user:default/alice';

describe('FeedTokenStore', () => {
  const databases = createTestDatabases();

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await migrateItopsDatabase(await databases.init(databaseId));
    let now = Date.parse('2026-12-07T12:00:00Z');
    const present = new Set([ALICE]);
    const lookups: string[] = [];
    const store = new FeedTokenStore(knex, {
      clock: () => now,
      maxAgeDays: 30,
      userExists: async ref => {
        lookups.push(ref);
        return present.has(ref);
      },
    });
    return {
      knex,
      store,
      present,
      lookups,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it.each(databases.eachSupportedId())(
    'stores only a hash, and refuses a token once it expires, on %p',
    async databaseId => {
      const { knex, store, advance } = await setup(databaseId);
      const created = await store.create(ALICE, 'Outlook');
      expect(
        Date.parse(created.expiresAt) - Date.parse(created.createdAt),
      ).toBe(30 * DAY);
      const stored = await knex('itops_calendar_feed_tokens').first();
      expect(JSON.stringify(stored)).not.toContain(created.token);

      advance(30 * DAY - 1);
      await expect(store.verify(created.token)).resolves.toEqual({
        ok: true,
        userRef: ALICE,
      });
      advance(1);
      await expect(store.verify(created.token)).resolves.toEqual({
        ok: false,
        reason: 'expired',
      });
      // Listed, so that the owner sees it expired.
      expect(await store.list(ALICE)).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    "asks the catalog about the owner at most every five minutes, and drops a departed owner's tokens, on %p",
    async databaseId => {
      const { store, present, lookups, advance } = await setup(databaseId);
      const first = await store.create(ALICE, 'a');
      const second = await store.create(ALICE, 'b');
      await store.verify(first.token);
      await store.verify(first.token);
      expect(lookups).toEqual([ALICE]);

      present.delete(ALICE);
      // Still cached: the catalog is asked again after five minutes.
      expect((await store.verify(first.token)).ok).toBe(true);
      advance(5 * 60 * 1000);
      await expect(store.verify(first.token)).resolves.toEqual({
        ok: false,
        reason: 'owner-gone',
      });
      await expect(store.verify(second.token)).resolves.toEqual({
        ok: false,
        reason: 'unknown',
      });
      expect(await store.list(ALICE)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'rotates within the per-user limit and revokes all on request, on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const tokens = [];
      for (let i = 0; i < MAX_TOKENS_PER_USER; i++) {
        tokens.push(await store.create(ALICE, `t${i}`));
      }
      await expect(store.create(ALICE, 'one more')).rejects.toThrow(
        /At most 20/,
      );
      // Rotating at the limit replaces, so it is allowed.
      const rotated = await store.rotate(ALICE, tokens[0].id);
      expect(rotated).toMatchObject({ name: 't0' });
      expect((await store.verify(tokens[0].token)).ok).toBe(false);
      expect((await store.verify(rotated!.token)).ok).toBe(true);
      await expect(
        store.rotate('user:default/bob', tokens[1].id),
      ).resolves.toBe(undefined);
      expect(await store.revokeAll(ALICE)).toBe(MAX_TOKENS_PER_USER);
      expect((await store.verify(rotated!.token)).ok).toBe(false);
    },
  );
});
