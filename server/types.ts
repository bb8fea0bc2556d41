/** socket.io types bound to the contract of common/events.ts. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../common/events.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type NoInterServerEvents = {};
export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, NoInterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, NoInterServerEvents, SocketData>;

/** The room every socket of a user joins; deliveries go to it so every tab gets them. */
export function userRoom(username: string): string {
  return `user:${username}`;
}
