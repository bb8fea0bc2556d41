/**
 * The REST half of the contract (types only, plus paths). Every route but login and the
 * probes takes `Authorization: Bearer <token>`; errors answer `{ error: AppError }` with a
 * matching HTTP status.
 */
import type { AppError, BuddyRequest, ImMessage, PublicUser, WeatherReport } from './events.js';

export const ROUTES = Object.freeze({
  login: '/api/login',
  buddies: '/api/buddies',
  buddyRequests: '/api/buddy-requests',
  imHistory: '/api/im/history',
  weather: '/api/weather',
  metrics: '/metrics',
  health: '/healthz',
});

export interface LoginRequest {
  readonly username: string;
  readonly password: string;
}

export interface LoginResponse {
  readonly token: string;
  readonly user: PublicUser;
}

export type BuddiesResponse = { data: PublicUser[] };
export type BuddyRequestsResponse = { data: BuddyRequest[] };
/** GET /api/im/history?with=USER&limit=N&before=ID */
export type ImHistoryResponse = { data: ImMessage[] };
/** GET /api/weather?city=NAME */
export type WeatherResponse = { data: WeatherReport };
export type ErrorResponse = { error: AppError };

/** The one JSON line `server/main.ts` prints on stdout once it listens. */
export interface ServerReadyLine {
  readonly event: 'listening';
  readonly url: string;
  readonly metricsUrl: string;
  readonly pid: number;
  readonly leaks: readonly string[];
  readonly timeScale: number;
}
