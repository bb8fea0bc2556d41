/**
 * The one typed event contract (types only) shared by the reference server, the reference
 * client and the virtual users. Event names are `domain:verb`; the seed's `im:new`, `im:sent`
 * and `im:error` keep their names. Acknowledgements are `{ data } | { error }`; a handler never
 * throws into socket.io, it answers with an error.
 */

/** Closed set of error codes a reply can carry. */
export type ErrorCode =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'too-large'
  /** The store is unreachable, or reconnected and its indexes are not yet re-created; retry later. */
  | 'unavailable'
  | 'internal';

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Ack<T> = { data: T } | { error: AppError };
export type AckFn<T> = (reply: Ack<T>) => void;

/** Dates travel as ISO strings of *simulated* time. */
export type IsoDate = string;

export interface PublicUser {
  readonly username: string;
  readonly displayName: string;
  readonly online: boolean;
  readonly lastSeen: IsoDate | null;
}

export interface ImMessage {
  readonly id: string;
  /** Sorted pair of usernames joined by ':' — one thread per pair. */
  readonly threadId: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  /** Sender-chosen id, echoed back so the sender can match im:sent / im:error. */
  readonly clientId: string;
  readonly sentAt: IsoDate;
  readonly readAt: IsoDate | null;
}

export type BuddyRequestStatus = 'pending' | 'accepted' | 'declined';

export interface BuddyRequest {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly status: BuddyRequestStatus;
  readonly createdAt: IsoDate;
}

export interface WindowLayout {
  readonly windowId: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly updatedAt: IsoDate;
}

export interface WeatherReport {
  readonly city: string;
  readonly tempC: number;
  readonly condition: 'sunny' | 'cloudy' | 'rain' | 'snow' | 'wind';
  readonly observedAt: IsoDate;
  /** True when served from the server's cache (TTL in simulated time). */
  readonly cached: boolean;
}

export interface PresenceUpdate {
  readonly username: string;
  readonly online: boolean;
  readonly at: IsoDate;
}

export interface ReadReceipt {
  readonly threadId: string;
  readonly by: string;
  readonly upTo: string;
  readonly at: IsoDate;
}

/** Why a server closed a session on purpose. */
export type DisconnectReason = 'logoff' | 'replaced' | 'rate-limited';

export interface ServerToClientEvents {
  'presence:update': (update: PresenceUpdate) => void;
  'im:new': (message: ImMessage) => void;
  'im:sent': (message: ImMessage) => void;
  'im:error': (failure: { clientId: string; error: AppError }) => void;
  'im:read': (receipt: ReadReceipt) => void;
  'buddy:request': (request: BuddyRequest) => void;
  'buddy:accepted': (request: BuddyRequest) => void;
  'session:end': (info: { reason: DisconnectReason }) => void;
}

export interface ImSendPayload {
  readonly to: string;
  readonly text: string;
  readonly clientId: string;
}

export interface ImReadPayload {
  readonly threadId: string;
  /** Id of the newest message read. */
  readonly upTo: string;
}

export interface ImHistoryPayload {
  readonly with: string;
  readonly limit?: number;
  /** Message id: return messages older than this one. */
  readonly before?: string;
}

export interface WindowLayoutPayload {
  readonly windowId: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface ClientToServerEvents {
  'presence:ping': (ack: AckFn<{ at: IsoDate }>) => void;
  'presence:logoff': (ack: AckFn<{ ok: true }>) => void;
  'buddy:list': (ack: AckFn<PublicUser[]>) => void;
  'buddy:request': (payload: { to: string }, ack: AckFn<BuddyRequest>) => void;
  'buddy:accept': (payload: { requestId: string }, ack: AckFn<BuddyRequest>) => void;
  'buddy:requests': (ack: AckFn<BuddyRequest[]>) => void;
  'im:send': (payload: ImSendPayload, ack: AckFn<ImMessage>) => void;
  'im:read': (payload: ImReadPayload, ack: AckFn<{ updated: number }>) => void;
  'im:history': (payload: ImHistoryPayload, ack: AckFn<ImMessage[]>) => void;
  'window:layout': (payload: WindowLayoutPayload, ack: AckFn<WindowLayout>) => void;
  'window:layouts': (ack: AckFn<WindowLayout[]>) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;

/** Per-socket data the server attaches after the handshake; the sender always comes from here. */
export interface SocketData {
  username: string;
  displayName: string;
}

/** Handshake auth: the token from POST /api/login. */
export interface HandshakeAuth {
  readonly token: string;
}

export function threadIdFor(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}
