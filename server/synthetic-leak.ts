/**
 * A calibration leak, not one of the catalogue's six: the server keeps JS heap on purpose, so the
 * harness's detection floor can be measured on a real run (`--synthetic-leak`, spec grammar in
 * common/synthetic-leak-spec.ts). Off unless asked for: then createApp makes none, and every hook
 * point (`synthetic?.onEvent(…)`) is a null check, so the app's code paths are untouched.
 *
 * Four shapes: bytes per simulated hour (time), and bytes per server event — of a user action
 * (a socket event handled, or a REST history page), per socket.io connection, per timer tick
 * (a client timer's request handled, or the server's per-socket heartbeat). It retains only from
 * start() (server/app.ts: the run's simulated 0, not over a pending clock's jump to it, nor the
 * harness's seeding before it) until stop().
 *
 * It retains arrays of small integers, 8 bytes an element on 64-bit V8 without pointer
 * compression (Node's default; measured 8.0 B/element for arrays of 512 to 10^6 elements), so the
 * retained heap is what was asked for, to within each array's ~56 bytes of overhead (array object,
 * elements header, its slot in the list). Event shapes therefore retain in arrays of at least
 * MIN_ARRAY_BYTES: a size at or above it is one array per event (overhead ≤ 1.4%); a smaller one
 * is owed and retained once the debt reaches it, so what is retained lags the events by less than
 * MIN_ARRAY_BYTES. Sizes are rounded to 8 bytes, the remainder carried to the next event.
 *
 * The time shape re-arms a one-shot timer rather than using an interval: intervals are floored in
 * real time (common/sim-clock.ts), and at the idle night's S = 3600 the 100-user floor of 6 s real
 * made each fire a 6-simulated-hour step of 6 MiB. A real time-driven leak is many users' timers
 * on different phases, so it is smooth; one global step function is not the leak the detection
 * floor should be measured on. One-shot timers are never floored: every 60 simulated seconds,
 * 17 ms real at S = 3600; each fire retains what is due since the last, whatever the scale.
 */
import type { SimClock, SimTimer } from '../common/sim-clock.js';
import { syntheticLeakEvents, type SyntheticEventName, type SyntheticLeakSpec } from '../common/synthetic-leak-spec.js';

/** How often the time shape retains, simulated ms. */
const EVERY_SIM_MS = 60_000;
const BYTES_PER_ELEMENT = 8;
/** Smallest array an event shape allocates, bytes (its ~56 bytes of overhead are then ≤ 1.4%). */
export const MIN_ARRAY_BYTES = 4096;

type TimeSpec = Extract<SyntheticLeakSpec, { shape: 'time' }>;
type EventSpec = Exclude<SyntheticLeakSpec, { shape: 'time' }>;

/** The one hook the app calls where an event is really handled. */
export interface SyntheticHook {
  onEvent(event: SyntheticEventName): void;
}

export interface SyntheticLeak extends SyntheticHook {
  readonly spec: SyntheticLeakSpec;
  /** Starts retaining (once, and not after stop()); false when it did not start now. */
  start(): boolean;
  /** Stops retaining more; what it holds stays until the process ends, like a real leak. */
  stop(): void;
  /** Bytes retained so far (array bodies only). */
  readonly retainedBytes: number;
  /** Events it retained for (time shape: its timer's fires that retained). */
  readonly events: number;
}

/** The retained arrays, and their bytes. */
class Retainer {
  readonly #arrays: number[][] = [];
  bytes = 0;

  /** Retains `elements` 8-byte elements in one array. */
  keep(elements: number): void {
    if (elements <= 0) return;
    this.#arrays.push(new Array<number>(elements).fill(0));
    this.bytes += elements * BYTES_PER_ELEMENT;
  }
}

class TimeLeak implements SyntheticLeak {
  readonly spec: TimeSpec;
  readonly #clock: SimClock;
  readonly #kept = new Retainer();
  readonly #bytesPerSimMs: number;
  #timer: SimTimer | null = null;
  #state: 'idle' | 'running' | 'stopped' = 'idle';
  #lastSimMs = 0;
  #fires = 0;

  constructor(spec: TimeSpec, clock: SimClock) {
    this.spec = spec;
    this.#clock = clock;
    this.#bytesPerSimMs = spec.bytesPerSimHour / 3_600_000;
  }

  start(): boolean {
    if (this.#state !== 'idle') return false;
    this.#state = 'running';
    this.#lastSimMs = this.#clock.now();
    this.#arm();
    return true;
  }

  stop(): void {
    this.#state = 'stopped';
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  onEvent(): void {}

  get retainedBytes(): number {
    return this.#kept.bytes;
  }

  get events(): number {
    return this.#fires;
  }

  #arm(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#retainDue();
      this.#arm();
    }, EVERY_SIM_MS);
  }

  #retainDue(): void {
    const now = this.#clock.now();
    const elements = Math.round((this.#bytesPerSimMs * (now - this.#lastSimMs)) / BYTES_PER_ELEMENT);
    this.#lastSimMs = now;
    if (elements <= 0) return;
    this.#kept.keep(elements);
    this.#fires++;
  }
}

class EventLeak implements SyntheticLeak {
  readonly spec: EventSpec;
  readonly #on: ReadonlySet<SyntheticEventName>;
  readonly #kept = new Retainer();
  #state: 'idle' | 'running' | 'stopped' = 'idle';
  #events = 0;
  /** Bytes due but not yet retained (less than MIN_ARRAY_BYTES, plus a remainder under 8). */
  #owed = 0;

  constructor(spec: EventSpec) {
    this.spec = spec;
    this.#on = new Set(syntheticLeakEvents(spec));
  }

  start(): boolean {
    if (this.#state !== 'idle') return false;
    this.#state = 'running';
    return true;
  }

  stop(): void {
    this.#state = 'stopped';
  }

  onEvent(event: SyntheticEventName): void {
    if (this.#state !== 'running' || !this.#on.has(event)) return;
    this.#events++;
    this.#owed += this.spec.bytesPerEvent;
    if (this.#owed < MIN_ARRAY_BYTES) return;
    const elements = Math.floor(this.#owed / BYTES_PER_ELEMENT);
    this.#kept.keep(elements);
    this.#owed -= elements * BYTES_PER_ELEMENT;
  }

  get retainedBytes(): number {
    return this.#kept.bytes;
  }

  get events(): number {
    return this.#events;
  }
}

/** The leak a spec asks for, not yet retaining: call start() at the run's simulated 0. */
export function createSyntheticLeak(spec: SyntheticLeakSpec, clock: SimClock): SyntheticLeak {
  return spec.shape === 'time' ? new TimeLeak(spec, clock) : new EventLeak(spec);
}
