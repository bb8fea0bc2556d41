/**
 * The periods of the reference server's own timers, shared so the harness can plan and count them
 * (harness/analysis/timer-fidelity.ts) without importing the server (DESIGN.md import direction).
 */

/** The seed's presence sweeper period, simulated ms. */
export const SWEEP_INTERVAL_SIM_MS = 60_000;
/** Per-socket presence heartbeat to buddies, simulated ms. */
export const HEARTBEAT_SIM_MS = 30_000;

/**
 * Real-ms floor of socket.io's transport keepalive (engine.io ping/pong), the one periodic timer
 * that never runs at its simulated period: it is negotiated once per connection in real ms, and
 * its deadline must outlast a sampler's forced-GC pause (median 94 ms, p90 121 ms here; see
 * harness/run/time-scale.ts MAX_SCALE), so 1 s leaves an order of magnitude to spare.
 */
export const HEARTBEAT_FLOOR_MS = 1000;

/**
 * socket.io heartbeat: socket.io's defaults (ping every 25 s, 20 s to answer) in simulated
 * time, i.e. divided by the time scale, floored at HEARTBEAT_FLOOR_MS real and, when the user
 * asked for a timer floor (`--timer-floor`), at that too. At S = 1 they are the defaults; at
 * S = 600 both are 1 s real, so a silently vanished client is dropped within about 2 s real
 * (20 simulated min); with a 6 s floor, within 12 s real. The virtual users close their
 * transports explicitly (a network drop is a TCP reset), so no run waits on it.
 */
export function heartbeatFor(scale: number, floorMs = 0): { pingIntervalMs: number; pingTimeoutMs: number } {
  const floor = Math.max(HEARTBEAT_FLOOR_MS, Math.round(floorMs));
  return {
    pingIntervalMs: Math.max(floor, Math.round(25_000 / scale)),
    pingTimeoutMs: Math.max(floor, Math.round(20_000 / scale)),
  };
}
