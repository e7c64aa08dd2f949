import type { Server } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from './events';

/** The typed Socket.IO server of an API node (its own module, so helpers of io.ts can name it without importing io.ts). */
export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
