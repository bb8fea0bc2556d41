/**
 * A calibration leak, not one of the catalogue's six: the server keeps `mibPerSimHour` MiB of JS
 * heap per simulated hour on purpose, so the harness's detection floor can be measured on a real
 * run (`--synthetic-leak MiB/h`). Off (0) unless asked for; the app's code paths are untouched.
 *
 * It retains arrays of small integers, 8 bytes an element on 64-bit V8 without pointer
 * compression (Node's default), so the retained heap is what the rate asks for, to within each
 * array's ~16-byte header. Each fire retains the amount due for the simulated time since the
 * last one, so the rate holds whatever the scale of the moment.
 *
 * It re-arms a one-shot timer rather than using an interval: intervals are floored in real time
 * (common/sim-clock.ts), and at the idle night's S = 3600 the 100-user floor of 6 s real made
 * each fire a 6-simulated-hour step of 6 MiB. A real time-driven leak is many users' timers on
 * different phases, so it is smooth; one global step function is not the leak the detection
 * floor should be measured on. One-shot timers are never floored: every 60 simulated seconds,
 * 17 ms real at S = 3600. It starts at the run's simulated 0 (server/main.ts), not over a
 * pending clock's jump to it (server/clock-start.ts).
 */
import type { SimClock, SimTimer } from '../common/sim-clock.js';

/** How often it retains, simulated ms. */
const EVERY_SIM_MS = 60_000;
const BYTES_PER_ELEMENT = 8;
const MiB = 1024 * 1024;

export class SyntheticLeak {
  readonly #retained: number[][] = [];
  readonly #clock: SimClock;
  readonly #bytesPerSimMs: number;
  #timer: SimTimer | null = null;
  #retainedBytes = 0;
  #lastSimMs: number;

  constructor(clock: SimClock, mibPerSimHour: number) {
    if (!(mibPerSimHour > 0) || !Number.isFinite(mibPerSimHour)) throw new RangeError(`a synthetic leak needs a positive MiB per simulated hour, got ${String(mibPerSimHour)}`);
    this.#clock = clock;
    this.#lastSimMs = clock.now();
    this.#bytesPerSimMs = (mibPerSimHour * MiB) / 3_600_000;
    this.#arm();
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
    this.#retained.push(new Array<number>(elements).fill(0));
    this.#retainedBytes += elements * BYTES_PER_ELEMENT;
  }

  /** Bytes retained so far (array bodies only). */
  get retainedBytes(): number {
    return this.#retainedBytes;
  }

  /** Stops retaining more; what it holds stays until the process ends, like a real leak. */
  stop(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
