/**
 * The timers every connected user runs: the buddy-list presence ping and the shell's
 * buddy-request poll (both every 10 simulated s) and the weather refresh (every 15 simulated
 * min). The harness plans their traffic (harness/run/time-scale.ts) and counts their fires
 * against production rate (harness/analysis/timer-specs.ts).
 */
import { PRESENCE_PING_MS } from '../client/buddy-list.js';
import { REQUEST_POLL_MS } from '../client/shell.js';
import { WEATHER_REFRESH_MS } from '../client/weather-window.js';

export const PRESENCE_PING_SIM_MS = PRESENCE_PING_MS;
export const REQUEST_POLL_SIM_MS = REQUEST_POLL_MS;
export const WEATHER_REFRESH_SIM_MS = WEATHER_REFRESH_MS;

/** Simulated periods of the timers each connected user runs (ping, poll, weather), ms. */
export const TIMER_PERIODS_SIM_MS: readonly number[] = Object.freeze([PRESENCE_PING_MS, REQUEST_POLL_MS, WEATHER_REFRESH_MS]);
