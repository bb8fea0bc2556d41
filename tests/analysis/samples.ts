/** Builders of synthetic `Sample[]` runs for the rule, fidelity and verdict tests. */
import type { ClientCounts, LoadCounts, Phase, Sample } from '../../harness/sample.js';

export const MiB = 1024 * 1024;
export const HOUR = 3_600_000;

export interface RunShape {
  /** Samples per phase at 15-simulated-minute cadence. */
  readonly warmup?: number;
  readonly soak?: number;
  readonly cooldown?: number;
  /** Build each sample's variable parts from its phase, simulated hour and index. */
  readonly at?: (phase: Phase, hour: number, i: number) => Partial<Overrides>;
}

export interface Overrides {
  heapUsed: number;
  metrics: Record<string, number>;
  client: Partial<ClientCounts> | null;
  load: Partial<LoadCounts> | null;
  eventLoopDelayP99Ms: number;
  marks: string[];
}

/** A healthy server with 100 users: every gauge in budget, unless `at` overrides it. */
export function healthyMetrics(phase: Phase, i: number): Record<string, number> {
  // Users arrive during warm-up (0 → 100 over its 8 samples) and leave at cool-down.
  const sockets = phase === 'cooldown' ? 0 : phase === 'warmup' ? Math.round((100 * i) / 7) : 100;
  return {
    'rol_presence_map_entries{map="userSocketMap"}': sockets,
    'rol_presence_map_entries{map="socketUserMap"}': sockets,
    rol_connected_sockets: sockets,
    rol_sockets_per_user_max: sockets === 0 ? 0 : 1,
    'rol_socket_listeners_max{event="im:send"}': 1,
    rol_active_timers: phase === 'cooldown' ? 10 : 10 + 2 * sockets,
    'rol_db_connections{source="driver"}': 5,
    'rol_db_connections{source="store"}': 7,
    rol_db_pool_max_size: 5,
    rol_db_clients: 1,
    rol_users_online: sockets,
  };
}

export function client(over: Partial<ClientCounts> = {}): ClientCounts {
  return {
    vus: 100,
    socketsOpen: 100,
    socketsPerUserMax: 1,
    listenersPerSocketMax: 1,
    listenersPerSocketSum: 300,
    listenersByEvent: { 'im:new': { max: 1, sum: 100 }, 'im:sent': { max: 1, sum: 100 } },
    documentListenersMax: 4,
    documentListenersSum: 400,
    documentListenersByType: { keydown: 100 },
    intervalsAlive: 300,
    timeoutsAlive: 10,
    duplicateDeliveries: 0,
    ...over,
  };
}

export function load(over: Partial<LoadCounts> = {}): LoadCounts {
  return {
    actions: { message: 0 },
    plannedActions: 1000,
    doneActions: 1000,
    messagesSent: 0,
    messagesAcked: 0,
    messagesDelivered: 0,
    reconnects: 0,
    errors: 0,
    latencyMs: { p50: 5, p95: 12, p99: 20, max: 40, count: 100 },
    ...over,
  };
}

/** A run: warm-up, soak, cool-down samples every 15 simulated minutes, at time scale 600. */
export function makeRun(shape: RunShape = {}): Sample[] {
  const phases: Phase[] = [
    ...Array<Phase>(shape.warmup ?? 8).fill('warmup'),
    ...Array<Phase>(shape.soak ?? 92).fill('soak'),
    ...Array<Phase>(shape.cooldown ?? 2).fill('cooldown'),
  ];
  return phases.map((phase, i) => {
    const hour = (i + 1) / 4;
    const o = shape.at?.(phase, hour, i) ?? {};
    const done = 1000 * (i + 1);
    return {
      seq: i,
      simMs: hour * HOUR,
      realMs: (hour * HOUR) / 600,
      phase,
      server: {
        heapUsed: o.heapUsed ?? 8 * MiB,
        heapTotal: 16 * MiB,
        rss: 64 * MiB,
        external: MiB,
        arrayBuffers: 0,
        cpuPercent: 20,
        eventLoopDelayP50Ms: 1,
        eventLoopDelayP99Ms: o.eventLoopDelayP99Ms ?? 12,
        eventLoopDelayMaxMs: 30,
        eventLoopUtilization: 0.2,
        probeMs: 8,
      },
      metrics: { ...healthyMetrics(phase, i), ...(o.metrics ?? {}) },
      client: o.client === null ? null : client(o.client ?? {}),
      load: o.load === null ? null : load({ plannedActions: done, doneActions: done, ...(o.load ?? {}) }),
      harnessHeapUsed: 30 * MiB,
      ...(o.marks ? { marks: o.marks } : {}),
    };
  });
}
