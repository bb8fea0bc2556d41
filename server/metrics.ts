/**
 * The Prometheus registry the harness scrapes at /metrics: prom-client's default `nodejs_*`
 * metrics plus the `rol_*` series its rules read. Gauges are computed at scrape time from the
 * live objects (io, presence Maps, DB pool counters, SimClock), so a scrape costs no timers.
 */
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SimClock } from '../common/sim-clock.js';
import type { Db } from './db.js';
import type { Presence } from './presence.js';
import type { AppServer } from './types.js';

export interface MetricsSources {
  readonly io: AppServer;
  readonly presence: Presence;
  readonly db: Db;
  readonly clock: SimClock;
}

/** Handler latencies, seconds: 0.5 ms … 5 s. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class AppMetrics {
  readonly registry = new Registry();
  readonly eventsHandled: Counter<'event'>;
  readonly eventErrors: Counter<'event' | 'code'>;
  readonly handlerDuration: Histogram<'event'>;
  readonly httpDuration: Histogram<'route' | 'status'>;
  readonly heartbeats: Counter;
  readonly sweeps: Counter;
  readonly transportKeepalives: Counter;
  #sources: MetricsSources | null = null;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.eventsHandled = new Counter({ name: 'rol_events_handled_total', help: 'Socket events handled, by event.', labelNames: ['event'], registers });
    this.eventErrors = new Counter({ name: 'rol_event_errors_total', help: 'Socket events answered with an error, by event and error code.', labelNames: ['event', 'code'], registers });
    this.handlerDuration = new Histogram({ name: 'rol_handler_duration_seconds', help: 'Socket handler latency in seconds (real time), by event.', labelNames: ['event'], buckets: LATENCY_BUCKETS, registers });
    this.httpDuration = new Histogram({ name: 'rol_http_request_duration_seconds', help: 'REST request latency in seconds (real time), by route and status.', labelNames: ['route', 'status'], buckets: LATENCY_BUCKETS, registers });
    this.heartbeats = new Counter({ name: 'rol_presence_heartbeats_total', help: 'Per-socket presence heartbeat ticks (live and leaked intervals).', registers });
    this.sweeps = new Counter({ name: 'rol_presence_sweeps_total', help: 'Presence sweeper ticks.', registers });
    this.transportKeepalives = new Counter({ name: 'rol_transport_keepalives_total', help: "socket.io (engine.io) keepalive round trips completed (ping answered by pong).", registers });
    this.#defineGauges(registers);
  }

  /**
   * Exports a calibration leak's planted amount (server/synthetic-leak.ts), only on a server that
   * has one: `rol_synthetic_leak_bytes` (bytes it retains on purpose) and
   * `rol_synthetic_leak_events_total` (events it retained for), so a test or a harness can check
   * what was planted against what it measured.
   */
  watchSynthetic(leak: { readonly retainedBytes: number; readonly events: number }): void {
    const registers = [this.registry];
    new Gauge({ name: 'rol_synthetic_leak_bytes', help: 'Heap the calibration leak (--synthetic-leak) retains on purpose, bytes (array bodies).', registers,
      collect() { this.set(leak.retainedBytes); } });
    new Counter({ name: 'rol_synthetic_leak_events_total', help: 'Events the calibration leak retained for (time shape: its timer fires).', registers,
      collect() { this.reset(); this.inc(leak.events); } });
  }

  /** Connects the live objects the gauges read; before this they report nothing. */
  attach(sources: MetricsSources): void {
    this.#sources = sources;
  }

  #defineGauges(registers: Registry[]): void {
    const src = () => this.#sources;
    new Gauge({
      name: 'rol_presence_map_entries', help: 'Entries in the seed presence Maps.', labelNames: ['map'], registers,
      collect() {
        const s = src(); if (!s) return;
        this.set({ map: 'userSocketMap' }, s.presence.userSocketMap.size);
        this.set({ map: 'socketUserMap' }, s.presence.socketUserMap.size);
      },
    });
    new Gauge({ name: 'rol_connected_sockets', help: 'Connected server-side sockets.', registers,
      collect() { const s = src(); if (s) this.set(s.io.of('/').sockets.size); } });
    new Gauge({ name: 'rol_sockets_per_user_max', help: 'Largest number of connected sockets of one user.', registers,
      collect() {
        const s = src(); if (!s) return;
        const perUser = new Map<string, number>();
        for (const sock of s.io.of('/').sockets.values()) perUser.set(sock.data.username, (perUser.get(sock.data.username) ?? 0) + 1);
        this.set(Math.max(0, ...perUser.values()));
      } });
    new Gauge({ name: 'rol_users_online', help: 'Distinct users with at least one connected socket.', registers,
      collect() {
        const s = src(); if (!s) return;
        this.set(new Set([...s.io.of('/').sockets.values()].map((x) => x.data.username)).size);
      } });
    const listeners = () => {
      const s = src();
      const max = new Map<string, number>();
      const sum = new Map<string, number>();
      for (const sock of s ? s.io.of('/').sockets.values() : []) {
        for (const name of sock.eventNames()) {
          if (typeof name !== 'string') continue;
          const n = sock.listenerCount(name);
          max.set(name, Math.max(max.get(name) ?? 0, n));
          sum.set(name, (sum.get(name) ?? 0) + n);
        }
      }
      return { max, sum };
    };
    new Gauge({ name: 'rol_socket_listeners_max', help: 'Most listeners on one server-side socket, by event.', labelNames: ['event'], registers,
      collect() { this.reset(); for (const [event, n] of listeners().max) this.set({ event }, n); } });
    new Gauge({ name: 'rol_socket_listeners_sum', help: 'Listeners summed over server-side sockets, by event.', labelNames: ['event'], registers,
      collect() { this.reset(); for (const [event, n] of listeners().sum) this.set({ event }, n); } });
    new Gauge({ name: 'rol_rooms', help: 'Rooms in the default namespace adapter (incl. one per socket id).', registers,
      collect() { const s = src(); if (s) this.set(s.io.of('/').adapter.rooms.size); } });
    new Gauge({ name: 'rol_active_resources', help: 'process.getActiveResourcesInfo() by resource type.', labelNames: ['type'], registers,
      collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const t of process.getActiveResourcesInfo()) counts.set(t, (counts.get(t) ?? 0) + 1);
        for (const [type, n] of counts) this.set({ type }, n);
      } });
    new Gauge({ name: 'rol_active_timers', help: "Active 'Timeout' resources (Node timers and intervals).", registers,
      collect() { this.set(process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length); } });
    new Gauge({ name: 'rol_sim_timers', help: 'Live SimClock timers, by kind.', labelNames: ['kind'], registers,
      collect() {
        const s = src(); if (!s) return;
        const live = s.clock.live();
        this.set({ kind: 'interval' }, live.intervals);
        this.set({ kind: 'timeout' }, live.timeouts);
      } });
    new Gauge({ name: 'rol_sim_time_ms', help: "The server's simulated ms since its epoch when scraped (the time base of its timer counters).", registers,
      collect() { const s = src(); if (s) this.set(s.clock.now()); } });
    new Gauge({ name: 'rol_db_connections', help: 'DB connections: driver pool connections open (driver) and the store\'s own count (store).', labelNames: ['source'], registers,
      async collect() {
        const s = src(); if (!s) return;
        this.set({ source: 'driver' }, s.db.stats().driverConnections);
        const store = await s.db.storeConnections();
        if (store !== null) this.set({ source: 'store' }, store);
      } });
    new Gauge({ name: 'rol_db_clients', help: 'Mongoose connections (MongoClients) open.', registers,
      collect() { const s = src(); if (s) this.set(s.db.stats().clientsOpen); } });
    new Gauge({ name: 'rol_db_pool_checked_out', help: 'Driver pool connections checked out.', registers,
      collect() { const s = src(); if (s) this.set(s.db.stats().checkedOut); } });
    new Gauge({ name: 'rol_db_pool_max_size', help: 'Configured maxPoolSize of the shared connection.', registers,
      collect() { const s = src(); if (s) this.set(s.db.stats().maxPoolSize); } });
    // Monotonic totals, not a utilisation "since the previous scrape": that reset on every scrape,
    // so a second scraper (Prometheus beside the harness) changed what the harness read. Any
    // reader gets utilisation over its own window as Δactive / (Δactive + Δidle).
    const loop = () => performance.eventLoopUtilization();
    new Counter({ name: 'rol_event_loop_active_seconds_total', help: 'Seconds the event loop was active since the process started.', registers,
      collect() { this.reset(); this.inc(loop().active / 1000); } });
    new Counter({ name: 'rol_event_loop_idle_seconds_total', help: 'Seconds the event loop was idle since the process started.', registers,
      collect() { this.reset(); this.inc(loop().idle / 1000); } });
    new Gauge({ name: 'rol_event_loop_utilization', help: 'Event-loop utilisation (0-1) since the process started; for a window use the two totals.', registers,
      collect() { this.set(loop().utilization); } });
  }
}
