/**
 * A calibration leak, not one of the catalogue's six: the server keeps `mibPerSimHour` MiB of JS
 * heap per simulated hour on purpose, so the harness's detection floor can be measured on a real
 * run (`--synthetic-leak MiB/h`). Off (0) unless asked for; the app's code paths are untouched.
 *
 * It retains arrays of small integers, 8 bytes an element on 64-bit V8 without pointer
 * compression (Node's default), so the retained heap is what the rate asks for, to within each
 * array's ~16-byte header. Each fire retains the amount due for the simulated time since the
 * last one, so the rate holds whatever the interval floor or the scale of the moment.
 */
import type { SimClock, SimInterval } from '../common/sim-clock.js';

/** How often it retains, simulated ms (the interval floor may make it rarer; the amount follows). */
const EVERY_SIM_MS = 60_000;
const BYTES_PER_ELEMENT = 8;
const MiB = 1024 * 1024;

export class SyntheticLeak {
  readonly #retained: number[][] = [];
  readonly #clock: SimClock;
  readonly #timer: SimInterval;
  #retainedBytes = 0;
  #lastSimMs: number;

  constructor(clock: SimClock, mibPerSimHour: number) {
    if (!(mibPerSimHour > 0) || !Number.isFinite(mibPerSimHour)) throw new RangeError(`a synthetic leak needs a positive MiB per simulated hour, got ${String(mibPerSimHour)}`);
    this.#clock = clock;
    this.#lastSimMs = clock.now();
    const bytesPerSimMs = (mibPerSimHour * MiB) / 3_600_000;
    this.#timer = clock.setInterval(() => {
      const now = this.#clock.now();
      const elements = Math.round((bytesPerSimMs * (now - this.#lastSimMs)) / BYTES_PER_ELEMENT);
      this.#lastSimMs = now;
      if (elements <= 0) return;
      this.#retained.push(new Array<number>(elements).fill(0));
      this.#retainedBytes += elements * BYTES_PER_ELEMENT;
    }, EVERY_SIM_MS);
  }

  /** Bytes retained so far (array bodies only). */
  get retainedBytes(): number {
    return this.#retainedBytes;
  }

  /** Stops retaining more; what it holds stays until the process ends, like a real leak. */
  stop(): void {
    this.#clock.clearInterval(this.#timer);
  }
}
