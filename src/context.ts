import type { InferAttributes } from 'sequelize';
import type { User } from './db/models';
import type { InfraContext } from './lib/context';
import type { ApiRouter } from './lib/http/api-router';
import type { Broadcaster } from './realtime/broadcaster';

/**
 * What every use-case takes first: the process's toolbox (config, logger, the database
 * pool, Redis, queues, metrics, storage, `key()`) and the broadcaster that reaches the
 * rooms from whichever process runs it. Built by the composition root of each process
 * (`src/server.ts` for an API node, `workers/worker.ts` for a worker).
 */
export interface AppContext extends InfraContext {
  broadcast: Broadcaster;
}

/**
 * Who acts: the signed-in user behind a request or a socket event. Use-cases a person
 * triggers take `(ctx, actor, input)`.
 */
export interface Actor {
  userId: string;
  username: string;
  /** The socket that sent the event: it gets the ack, so broadcasts to the user's own sockets skip it. */
  socketId?: string;
}

/** The signed-in user of a request: their `users` row (a plain object), as authentication loaded it. */
export type SignedInUser = InferAttributes<User>;

/** The router every component registers its REST routes on (`register…Routes(api, ctx)`). */
export type Api = ApiRouter<SignedInUser>;
