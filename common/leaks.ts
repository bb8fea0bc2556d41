/**
 * The leak catalogue: the six leaks of the seed analysis (../shared/seed-leak-analysis.md),
 * each a switch that is off by default (= the seed's fix is in). Server, client, scenarios and
 * harness all read this one table, so an id means the same thing everywhere.
 */

export const LEAK_IDS = [
  'im-listeners',
  'presence-maps',
  'drag-listeners',
  'db-per-event',
  'intervals',
  'socket-no-disconnect',
] as const;

export type LeakId = (typeof LEAK_IDS)[number];

export type LeakSide = 'client' | 'server' | 'both';

export interface LeakInfo {
  readonly id: LeakId;
  /** Seed number (1–6) in seed-leak-analysis.md. */
  readonly seed: number;
  readonly title: string;
  readonly side: LeakSide;
  /** What grows, in the seed's words. */
  readonly grows: string;
  /** The metric (Prometheus name or client count) whose rule must catch it. */
  readonly metric: string;
}

export const LEAKS: Readonly<Record<LeakId, LeakInfo>> = Object.freeze({
  'im-listeners': {
    id: 'im-listeners',
    seed: 1,
    title: 'IMWindow socket listeners re-added when currentThread changes',
    side: 'client',
    grows: 'im:new / im:sent / im:error listeners per socket; duplicate handling of each message',
    metric: 'client_socket_listeners_max',
  },
  'presence-maps': {
    id: 'presence-maps',
    seed: 2,
    title: 'userSocketMap / socketUserMap keep entries when disconnect handling fails',
    side: 'server',
    grows: 'Map sizes above the number of connected sockets; retained socket objects',
    metric: 'rol_presence_map_entries',
  },
  'drag-listeners': {
    id: 'drag-listeners',
    seed: 3,
    title: 'Window drag/resize mousemove/mouseup listeners not removed',
    side: 'client',
    grows: 'document listeners per drag',
    metric: 'client_document_listeners_max',
  },
  'db-per-event': {
    id: 'db-per-event',
    seed: 4,
    title: 'dbConnect() on every socket event, connections not reused',
    side: 'server',
    grows: 'DB connections / pool size, server-side connection count',
    metric: 'rol_db_connections',
  },
  intervals: {
    id: 'intervals',
    seed: 5,
    title: 'Intervals (buddy ping, request poll, weather, per-socket) not cleared on remount/disconnect',
    side: 'both',
    grows: 'active timers; ping rate per user',
    metric: 'rol_active_timers',
  },
  'socket-no-disconnect': {
    id: 'socket-no-disconnect',
    seed: 6,
    title: 'Socket not disconnected on unmount / navigation',
    side: 'client',
    grows: 'sockets per user, stale server sockets',
    metric: 'rol_sockets_per_user_max',
  },
});

/** An invalid `--leaks` value; `code` is stable for callers and exit-code mapping. */
export class LeakSpecError extends Error {
  readonly code = 'ERR_LEAK_SPEC' as const;
  constructor(message: string) {
    super(message);
    this.name = 'LeakSpecError';
  }
}

export function isLeakId(value: string): value is LeakId {
  return (LEAK_IDS as readonly string[]).includes(value);
}

/**
 * Parses `none`, `all` or a comma-separated list of ids (order and duplicates ignored).
 * Returns ids in catalogue order. Throws LeakSpecError naming the unknown ids.
 */
export function parseLeaks(spec: string | undefined | null): LeakId[] {
  const text = (spec ?? '').trim();
  if (text === '' || text === 'none') return [];
  if (text === 'all') return [...LEAK_IDS];
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const unknown = parts.filter((p) => !isLeakId(p));
  if (unknown.length > 0) {
    throw new LeakSpecError(
      `unknown leak id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: none, all, ${LEAK_IDS.join(', ')})`,
    );
  }
  return LEAK_IDS.filter((id) => parts.includes(id));
}

/** Ids whose switch lives on the given side (a `both` leak belongs to each side). */
export function leaksForSide(leaks: readonly LeakId[], side: 'client' | 'server'): LeakId[] {
  return leaks.filter((id) => LEAKS[id].side === side || LEAKS[id].side === 'both');
}
