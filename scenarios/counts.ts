/**
 * Client and load counts: the per-VU reading, and merging (max of maxima, sum of sums) so a
 * worker can fold its VUs and the parent can fold its workers into the harness's
 * `ClientCounts` / `LoadCounts` shapes (harness/sample.ts).
 */
import type { ServerToClientEvents } from '../common/events.js';
import type { ClientCounts, LoadCounts } from './count-types.js';

/** The server→client events whose listener counts are reported. */
export const COUNTED_EVENTS: readonly (keyof ServerToClientEvents)[] = [
  'im:new',
  'im:sent',
  'im:error',
  'im:read',
  'presence:update',
  'buddy:request',
  'buddy:accepted',
  'session:end',
];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function emptyClientCounts(): ClientCounts {
  return {
    vus: 0,
    socketsOpen: 0,
    socketsPerUserMax: 0,
    listenersPerSocketMax: 0,
    listenersPerSocketSum: 0,
    listenersByEvent: {},
    documentListenersMax: 0,
    documentListenersSum: 0,
    documentListenersByType: {},
    intervalsAlive: 0,
    timeoutsAlive: 0,
    duplicateDeliveries: 0,
  };
}

export function mergeClientCounts(a: ClientCounts, b: ClientCounts): ClientCounts {
  const byEvent: Record<string, { max: number; sum: number }> = {};
  for (const src of [a.listenersByEvent, b.listenersByEvent]) {
    for (const [ev, v] of Object.entries(src)) {
      const cur = byEvent[ev] ?? { max: 0, sum: 0 };
      byEvent[ev] = { max: Math.max(cur.max, v.max), sum: cur.sum + v.sum };
    }
  }
  const byType: Record<string, number> = { ...a.documentListenersByType };
  for (const [t, n] of Object.entries(b.documentListenersByType)) byType[t] = (byType[t] ?? 0) + n;
  return {
    vus: a.vus + b.vus,
    socketsOpen: a.socketsOpen + b.socketsOpen,
    socketsPerUserMax: Math.max(a.socketsPerUserMax, b.socketsPerUserMax),
    listenersPerSocketMax: Math.max(a.listenersPerSocketMax, b.listenersPerSocketMax),
    listenersPerSocketSum: a.listenersPerSocketSum + b.listenersPerSocketSum,
    listenersByEvent: byEvent,
    documentListenersMax: Math.max(a.documentListenersMax, b.documentListenersMax),
    documentListenersSum: a.documentListenersSum + b.documentListenersSum,
    documentListenersByType: byType,
    intervalsAlive: a.intervalsAlive + b.intervalsAlive,
    timeoutsAlive: a.timeoutsAlive + b.timeoutsAlive,
    duplicateDeliveries: a.duplicateDeliveries + b.duplicateDeliveries,
  };
}

/** Load counters without latency (latency travels as a histogram and is summarized by the parent). */
export type LoadTotals = Omit<LoadCounts, 'latencyMs'>;

/** What a worker counts as it goes: every counter present (the clock is read at collect). */
export type WorkerTotals = Mutable<Required<Omit<LoadTotals, 'clock' | 'readAtSimMs' | 'timerEvents' | 'errorCodes'>>> & {
  actions: Record<string, number>;
  timerEvents: Record<string, number>;
  errorCodes: Record<string, number>;
};

export function emptyLoadTotals(): WorkerTotals {
  return {
    actions: {},
    timerEvents: {},
    errorCodes: {},
    plannedActions: 0,
    doneActions: 0,
    failedActions: 0,
    pendingActions: 0,
    messagesSent: 0,
    messagesAcked: 0,
    messagesFailed: 0,
    messagesDelivered: 0,
    reconnects: 0,
    errors: 0,
  };
}

/** Sums two workers' counters; the clock reading is not summed (the caller picks one). */
export function mergeLoadTotals(a: LoadTotals, b: LoadTotals): LoadTotals {
  const actions: Record<string, number> = { ...a.actions };
  for (const [k, n] of Object.entries(b.actions)) actions[k] = (actions[k] ?? 0) + n;
  const timerEvents: Record<string, number> = { ...a.timerEvents };
  for (const [k, n] of Object.entries(b.timerEvents ?? {})) timerEvents[k] = (timerEvents[k] ?? 0) + n;
  const errorCodes: Record<string, number> = { ...a.errorCodes };
  for (const [k, n] of Object.entries(b.errorCodes ?? {})) errorCodes[k] = (errorCodes[k] ?? 0) + n;
  return {
    actions,
    timerEvents,
    errorCodes,
    plannedActions: a.plannedActions + b.plannedActions,
    doneActions: a.doneActions + b.doneActions,
    failedActions: (a.failedActions ?? 0) + (b.failedActions ?? 0),
    pendingActions: (a.pendingActions ?? 0) + (b.pendingActions ?? 0),
    messagesSent: a.messagesSent + b.messagesSent,
    messagesAcked: a.messagesAcked + b.messagesAcked,
    messagesFailed: (a.messagesFailed ?? 0) + (b.messagesFailed ?? 0),
    messagesDelivered: a.messagesDelivered + b.messagesDelivered,
    reconnects: a.reconnects + b.reconnects,
    errors: a.errors + b.errors,
  };
}
