/**
 * The client's socket module, like the seed's `src/lib/websocket/client.ts` (getSocket /
 * disconnectSocket), but one instance per virtual user instead of module state, because many
 * users share one worker realm.
 *
 * `forgetSocket()` is the `socket-no-disconnect` leak's path: the reference is dropped without
 * `disconnect()`, so the old connection stays open and the next `getSocket()` opens another
 * (every socket has its own Manager: `forceNew`).
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../common/events.js';

export type RolSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** Real ms before the first reconnection attempt (socket.io's reconnectionDelay). @default 200 */
  readonly reconnectionDelayMs?: number;
  /** Real ms cap on reconnection backoff. @default 2000 */
  readonly reconnectionDelayMaxMs?: number;
  /** Called with every socket this client opens (e.g. to count reconnections). */
  readonly onOpen?: (socket: RolSocket) => void;
}

export class SocketClient {
  readonly #options: SocketClientOptions;
  #token = '';
  #current: RolSocket | null = null;
  /** Every socket this client opened and nobody disconnected: the live ones and the leaked ones. */
  readonly #open = new Set<RolSocket>();

  constructor(options: SocketClientOptions) {
    this.#options = options;
  }

  /** The token used by the next socket this client opens (set at login). */
  setToken(token: string): void {
    this.#token = token;
  }

  /** The current socket, opening one if there is none (the seed's getSocket). */
  getSocket(): RolSocket {
    if (this.#current) return this.#current;
    const socket: RolSocket = io(this.#options.url, {
      auth: { token: this.#token },
      // One VU = one connection of its own; websocket only, as the seed's browsers upgrade anyway.
      forceNew: true,
      transports: ['websocket'],
      reconnectionDelay: this.#options.reconnectionDelayMs ?? 200,
      reconnectionDelayMax: this.#options.reconnectionDelayMaxMs ?? 2000,
    });
    socket.on('disconnect', (reason) => {
      // Closed for good: by us, or by the server (socket.io does not reconnect after that).
      if (reason === 'io client disconnect' || reason === 'io server disconnect') this.#open.delete(socket);
    });
    this.#open.add(socket);
    this.#current = socket;
    this.#options.onOpen?.(socket);
    return socket;
  }

  /** The current socket without opening one (timer callbacks must never open sockets). */
  current(): RolSocket | null {
    return this.#current;
  }

  /** The seed's disconnectSocket: close and forget. */
  disconnectSocket(): void {
    const socket = this.#current;
    this.#current = null;
    if (!socket) return;
    this.#open.delete(socket);
    socket.disconnect();
  }

  /** Leak path (`socket-no-disconnect`): forget the socket but leave it connected. */
  forgetSocket(): void {
    this.#current = null;
  }

  /** Sockets opened and not disconnected (connected or reconnecting), including leaked ones. */
  openSockets(): readonly RolSocket[] {
    return [...this.#open];
  }

  /** Teardown: disconnect everything, leaked sockets included. */
  closeAll(): void {
    for (const s of this.#open) s.disconnect();
    this.#open.clear();
    this.#current = null;
  }
}
