/**
 * One error class for every failure a handler reports to a client. `code` is the stable
 * ErrorCode of the contract; socket handlers and REST routes turn any thrown value into
 * `{ error: { code, message } }` through `toAppError`, so nothing throws into socket.io.
 */
import { Error as MongooseError, mongo } from 'mongoose';
import type { AppError, ErrorCode } from '../common/events.js';

export class AppFailure extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppFailure';
    this.code = code;
  }
}

/** HTTP status for each contract error code. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'rate-limited': 429,
  unavailable: 503,
  internal: 500,
});

/** Mongo duplicate-key error code (E11000). */
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === DUPLICATE_KEY;
}

/**
 * The driver's errors for "no store to talk to": the TCP connection failed or broke (network,
 * pool cleared after a network error), no server could be selected within
 * serverSelectionTimeoutMS, the client is closed, or mongoose gave up buffering a command
 * while it had no connection (bufferTimeoutMS). Server-side command errors are not.
 */
export function isStoreUnavailable(err: unknown): boolean {
  return (
    err instanceof mongo.MongoNetworkError ||
    err instanceof mongo.MongoServerSelectionError ||
    err instanceof mongo.MongoNotConnectedError ||
    err instanceof mongo.MongoTopologyClosedError ||
    (err instanceof MongooseError && /buffering timed out/.test(err.message))
  );
}

/** Maps any thrown value to a reply; unknown failures become `internal` without leaking details. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppFailure) return { code: err.code, message: err.message };
  if (isDuplicateKey(err)) return { code: 'conflict', message: 'already exists' };
  if (isStoreUnavailable(err)) return { code: 'unavailable', message: 'the store is unavailable; retry later' };
  return { code: 'internal', message: 'internal error' };
}
