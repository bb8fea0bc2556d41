/**
 * A deliberately slow server (a calibration switch, off by default): with
 * `SOAK_SERVER_EVENT_COST_MS` set, every socket event costs that many real ms of synchronous CPU
 * before its handler runs, as a server whose handlers do too much would. It exists so a test can
 * drive the reference server past its capacity on any machine, fast or shared: a busy-wait takes
 * its wall time whatever else runs, so the event loop is saturated as soon as events per second ×
 * cost exceeds one second per second, and acks queue behind it.
 */
import type { AppServer } from './types.js';

export const EVENT_COST_ENV = 'SOAK_SERVER_EVENT_COST_MS';

/** Largest cost accepted, real ms: beyond it the socket.io heartbeat (≥ 1 s) would time out every socket. */
export const MAX_EVENT_COST_MS = 500;

/** The cost from the env text: 0 when unset or empty; throws a RangeError naming the variable when it is not a number in [0, MAX_EVENT_COST_MS]. */
export function parseEventCost(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  const ms = Number(text);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_EVENT_COST_MS) {
    throw new RangeError(`${EVENT_COST_ENV} must be a number of ms in [0, ${MAX_EVENT_COST_MS}], got ${JSON.stringify(text)}`);
  }
  return ms;
}

/** Makes every incoming socket event of `io` cost `costMs` real ms of CPU (nothing when 0). */
export function slowEvents(io: AppServer, costMs: number): void {
  if (!(costMs > 0)) return;
  io.on('connection', (socket) => {
    socket.use((_packet, next) => {
      const end = performance.now() + costMs;
      while (performance.now() < end) {
        // busy on purpose: the cost is CPU the event loop cannot spend on anything else
      }
      next();
    });
  });
}
