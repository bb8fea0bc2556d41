/** What every command handler receives. */
import type { Document } from 'bson';
import type { Catalog } from './catalog.js';
import type { CursorRegistry, Cursors } from './cursors.js';
import { WIRE_LIMITS } from './limits.js';

/** TCP connection counters for serverStatus().connections (the harness reads them for leak #4). */
export interface ConnectionStats {
  current: number;
  totalCreated: number;
}

export interface CommandContext {
  readonly catalog: Catalog;
  /** The cursors this request may use (its session's, or its connection's). */
  readonly cursors: Cursors;
  /** The whole registry, for commands that end sessions. */
  readonly cursorRegistry: CursorRegistry;
  readonly connections: ConnectionStats;
  /** Database of the request (`$db`, or the OP_QUERY namespace). */
  readonly db: string;
  readonly connectionId: number;
  /** Process start, ms since epoch (serverStatus uptime). */
  readonly startedAt: number;
}

export type Handler = (cmd: Document, ctx: CommandContext) => Document;

export const VERSION = '7.0.0-rolsoak';
/** MongoDB 7.0's wire version. */
export const MAX_WIRE_VERSION = 21;
/** What mongod advertises; the driver splits batches by these. */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;
/** The store's default connection cap (limits.ts); serverStatus `available` = this − current. */
export const MAX_CONNECTIONS = WIRE_LIMITS.maxConnections;
