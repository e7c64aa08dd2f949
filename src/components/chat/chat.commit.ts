import type { AppContext } from '../../context';
import { isStatementError } from '../../db/access';
import { groupListsChanged } from '../groups';
import { type InsertOutcome, insertMessagesOnce, type NewMessage } from './chat.repository';

/** Messages stored by one statement at most. */
const MAX_BATCH = 200;
/**
 * Statements in flight at once per node. One: a node's messages take their ids in the
 * order they arrived (two in flight could commit out of order, a sender's second message
 * before its first when one connection is slower), and under load every message that
 * arrives during a statement goes in the next one.
 */
const MAX_IN_FLIGHT = 1;

interface Pending {
  message: NewMessage;
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}

interface GroupCommit {
  pending: Pending[];
  inFlight: number;
}

const commits = new WeakMap<AppContext, GroupCommit>();

/**
 * Stores a message with the others sent on this node meanwhile (group commit): a message
 * goes out at once when no insert runs, else it waits for the running one to end and goes
 * with every message that queued meanwhile, in one multi-row statement
 * (`insertMessagesOnce`, a prepared statement). Nothing waits for a timer, so a quiet node
 * stores each message alone, as fast as before; a busy one sends one round trip (and one
 * commit) per batch instead of per message. Each promise settles once its statement
 * committed (or failed): the caller acknowledges and broadcasts only then. A batch that
 * fails is stored one message at a time, so one bad message (a user or group deleted
 * meanwhile) fails alone.
 * The groups' list caches are dropped once per batch (on this node before any of its
 * callers resume).
 */
export function commitMessage(ctx: AppContext, message: NewMessage): Promise<InsertOutcome> {
  let commit = commits.get(ctx);
  if (!commit) {
    commit = { pending: [], inFlight: 0 };
    commits.set(ctx, commit);
  }
  const state = commit;
  return new Promise<InsertOutcome>((resolve, reject) => {
    state.pending.push({ message, resolve, reject });
    pump(ctx, state);
  });
}

function pump(ctx: AppContext, state: GroupCommit): void {
  while (state.pending.length > 0 && state.inFlight < MAX_IN_FLIGHT) {
    const batch = state.pending.splice(0, MAX_BATCH);
    state.inFlight += 1;
    void store(ctx, batch).finally(() => {
      state.inFlight -= 1;
      pump(ctx, state);
    });
  }
}

async function store(ctx: AppContext, batch: Pending[]): Promise<void> {
  let outcomes: InsertOutcome[];
  try {
    outcomes = await insertMessagesOnce(
      ctx.sequelize,
      batch.map((p) => p.message),
    );
  } catch (error) {
    // Only a statement PostgreSQL refused stored nothing and may be split; anything else
    // (after a commit) is an error for every message of the batch (a resend with its
    // clientMessageId is then answered with the stored message).
    if (batch.length === 1 || !isStatementError(error)) {
      for (const p of batch) p.reject(error);
      return;
    }
    // One after another: in arrival order (ids follow it), and without a burst of
    // hundreds of queries on the pool.
    for (const p of batch) await store(ctx, [p]);
    return;
  }
  const stored = new Set(outcomes.flatMap((o) => (o.message ? [o.message.groupId] : [])));
  // Unread counts and lastMessageAt in the members' GET /api/groups, on every node.
  // (This node's copies are dropped at once; the other nodes' when the message arrives.)
  if (stored.size > 0)
    void groupListsChanged(ctx, [...stored]).catch((error: unknown) => ctx.logger.warn({ err: error, component: 'chat' }, 'group list invalidation failed'));
  for (const [i, p] of batch.entries()) p.resolve(outcomes[i] as InsertOutcome);
}
