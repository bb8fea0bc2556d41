/**
 * The timers every connected user runs: the buddy-list presence ping and the shell's
 * buddy-request poll (both every 10 simulated s) and the weather refresh (every 15 simulated
 * min). The harness uses them to choose the interval floor (harness/run/time-scale.ts).
 */
import { PRESENCE_PING_MS } from '../client/buddy-list.js';
import { REQUEST_POLL_MS } from '../client/shell.js';
import { WEATHER_REFRESH_MS } from '../client/weather-window.js';

/** Simulated periods of the timers each connected user runs (ping, poll, weather), ms. */
export const TIMER_PERIODS_SIM_MS: readonly number[] = Object.freeze([PRESENCE_PING_MS, REQUEST_POLL_MS, WEATHER_REFRESH_MS]);
