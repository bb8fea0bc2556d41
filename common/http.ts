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
  /** Readiness: 200 while the store is connected with its indexes in place, else 503. */
  health: '/healthz',
  /** Liveness: 200 while the process runs, whatever the store does. */
  live: '/livez',
  /** Harness-only: starts a server spawned with `SOAK_SIM_EPOCH=pending` at the run's epoch. */
  clockStart: '/soak/clock/start',
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
/** POST ROUTES.clockStart body: the run's simulated time 0, wall-clock ms (Date.now()). */
export interface ClockStartRequest {
  readonly epochMs: number;
}

/** Its answer: the server's simulated ms now, and how far its clock jumped forward. */
export interface ClockStartResponse {
  readonly simMs: number;
  readonly jumpedSimMs: number;
}

export interface ServerReadyLine {
  readonly event: 'listening';
  readonly url: string;
  readonly metricsUrl: string;
  readonly pid: number;
  readonly leaks: readonly string[];
  readonly timeScale: number;
  /** True while the clock waits for POST ROUTES.clockStart (`SOAK_SIM_EPOCH=pending`). */
  readonly clockPending?: boolean;
}

/**
 * Environment variables by which the harness hands a spawned server its per-run secrets (random,
 * at least 16 characters); the harness then sends each as `Authorization: Bearer <token>`.
 * SOAK_CLOCK_TOKEN: one-time token for ROUTES.clockStart, required with `SOAK_SIM_EPOCH=pending`.
 * SOAK_METRICS_TOKEN: when set, ROUTES.metrics answers 403 without it.
 */
export const TOKEN_ENV = Object.freeze({ clock: 'SOAK_CLOCK_TOKEN', metrics: 'SOAK_METRICS_TOKEN' });
