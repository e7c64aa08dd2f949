import { type Db, execute, within } from '../../db/access';
import { Grouping } from '../../db/models';

/**
 * The only data access of presence: the mirror of live presence in
 * `groupings.is_connected` / `last_seen`, and the members a room lists.
 */

/**
 * Records a batch of presence transitions in one statement. A row only moves forward in
 * time (`last_seen <= at`), so two nodes flushing overlapping batches, or a batch
 * delayed behind a newer one, never bring an older state back.
 */
export async function writeConnected(db: Db, rows: Array<{ groupId: number; userId: string; online: boolean; at: Date }>): Promise<void> {
  if (rows.length === 0) return;
  await execute(
    db,
    `UPDATE groupings AS g SET is_connected = v.online, last_seen = v.at
     FROM unnest(ARRAY[:groupIds]::integer[], ARRAY[:userIds]::varchar[], ARRAY[:onlines]::boolean[], ARRAY[:ats]::timestamptz[])
       AS v(group_id, user_id, online, at)
     WHERE g.group_id = v.group_id AND g.user_id = v.user_id AND (g.last_seen IS NULL OR g.last_seen <= v.at)`,
    {
      groupIds: rows.map((r) => r.groupId),
      userIds: rows.map((r) => r.userId),
      onlines: rows.map((r) => r.online),
      ats: rows.map((r) => r.at),
    },
  );
}

/**
 * Every member goes offline, last seen now (the group was deleted): every row, not only
 * those marked connected, since a join not yet written behind must not land after this.
 */
export async function disconnectAll(db: Db, groupId: number, at: Date): Promise<void> {
  await Grouping.update({ isConnected: false, lastSeen: at }, { where: { groupId }, ...within(db) });
}
