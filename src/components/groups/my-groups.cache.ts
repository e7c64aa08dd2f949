import type { AppContext } from '../../context';
import type { MyGroupDto } from './group.dto';

/**
 * `GET /api/groups` answers, node-local, per user: the list, its member counts, roles,
 * unread counts and newest-message times. An answer stays good while nothing it was
 * built from changed since it was loaded, which the change clock of
 * `my-groups:changes` tells (src/lib/cache.ts, `stamp` / `changedSince`):
 * - `g:<groupId>`: the group's row, members or messages changed (`forgetGroup`,
 *   `forgetMembership`, a message sent or deleted);
 * - `u:<userId>`: the user's own list or read markers changed (`forgetMembership`, a
 *   read marker that moved).
 * Those invalidations reach every process over Redis pub/sub like every cache's, so an
 * answer is rebuilt on its next read anywhere; a read on the node that made the change
 * sees it at once (the local drop is synchronous). The TTL bounds a lost invalidation.
 */
const ANSWERS = { ttlMs: 60_000, max: 20_000 } as const;

interface CachedAnswer {
  answer: MyGroupDto[];
  /** The change clock before the load began. */
  stamp: number;
}

const answers = (ctx: AppContext) => ctx.caches.cache<CachedAnswer>('my-groups', ANSWERS);
const changes = (ctx: AppContext) => ctx.caches.cache<never>('my-groups:changes', { ttlMs: ANSWERS.ttlMs, max: 100_000 });

/** My groups through the cache; `load` builds the answer from the database. */
export async function cachedMyGroups(ctx: AppContext, userId: string, load: () => Promise<MyGroupDto[]>): Promise<MyGroupDto[]> {
  const clock = changes(ctx);
  const hit = answers(ctx).get(userId);
  if (hit && !clock.changedSince(`u:${userId}`, hit.stamp) && hit.answer.every((g) => !clock.changedSince(`g:${g.id}`, hit.stamp))) return hit.answer;
  const stamp = clock.stamp();
  const answer = await load();
  answers(ctx).set(userId, { answer, stamp });
  return answer;
}

/** After a committed change of what members see of the group in their lists (row, members, messages). */
export function groupListChanged(ctx: AppContext, groupId: number): Promise<void> {
  return changes(ctx).invalidate(`g:${groupId}`);
}

/** `groupListChanged` for several groups, in one message to the other nodes. */
export function groupListsChanged(ctx: AppContext, groupIds: readonly number[]): Promise<void> {
  return changes(ctx).invalidateMany(groupIds.map((id) => `g:${id}`));
}

/** After a committed change of the user's own list (a membership, a read marker). */
export function userListChanged(ctx: AppContext, userId: string): Promise<void> {
  return changes(ctx).invalidate(`u:${userId}`);
}
