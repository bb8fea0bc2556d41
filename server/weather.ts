/**
 * Weather for the weather window: deterministic synthetic reports (no internet), cached per
 * city for 15 simulated minutes — the seed's client refreshes every 15 minutes, so a cache hit
 * is the normal case within one refresh period. The same city and 15-minute slot always give
 * the same report, so every process of a run agrees.
 */
import { createHash } from 'node:crypto';
import type { WeatherReport } from '../common/events.js';
import type { SimClock } from '../common/sim-clock.js';

/** Cache TTL, simulated ms. */
export const WEATHER_TTL_SIM_MS = 15 * 60_000;
/** Cities cached at once; the oldest entry goes first beyond this. */
export const WEATHER_CACHE_MAX = 1000;

const CONDITIONS: readonly WeatherReport['condition'][] = ['sunny', 'cloudy', 'rain', 'snow', 'wind'];

interface CacheEntry {
  readonly report: WeatherReport;
  /** Simulated ms after which the entry is stale. */
  readonly expiresAt: number;
}

export class WeatherService {
  readonly #clock: SimClock;
  readonly #cache = new Map<string, CacheEntry>();
  hits = 0;
  misses = 0;

  constructor(clock: SimClock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#cache.size;
  }

  report(city: string): WeatherReport {
    const key = city.trim().toLowerCase();
    const now = this.#clock.now();
    const hit = this.#cache.get(key);
    if (hit && hit.expiresAt > now) {
      this.hits++;
      return { ...hit.report, cached: true };
    }
    this.misses++;
    const report = this.#observe(city.trim(), now);
    this.#cache.delete(key);
    if (this.#cache.size >= WEATHER_CACHE_MAX) {
      const oldest = this.#cache.keys().next();
      if (!oldest.done) this.#cache.delete(oldest.value);
    }
    this.#cache.set(key, { report, expiresAt: now + WEATHER_TTL_SIM_MS });
    return report;
  }

  #observe(city: string, simNow: number): WeatherReport {
    const slot = Math.floor(simNow / WEATHER_TTL_SIM_MS);
    const digest = createHash('sha256').update(`${city.toLowerCase()}|${slot}`).digest();
    const condition = CONDITIONS[digest[0]! % CONDITIONS.length]!;
    // −10.0 … +34.9 °C in 0.1 °C steps.
    const tempC = Math.round((digest.readUInt16BE(1) % 450) - 100) / 10;
    return { city, tempC, condition, observedAt: this.#clock.date().toISOString(), cached: false };
  }
}
