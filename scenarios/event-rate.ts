/**
 * Client→server events each connected user sends by timer alone, per simulated hour: the
 * buddy-list presence ping and the shell's buddy-request poll (both every 10 simulated s) and
 * the weather refresh (every 15 simulated min). The harness uses it to plan the time scale.
 */
import { PRESENCE_PING_MS } from '../client/buddy-list.js';
import { REQUEST_POLL_MS } from '../client/shell.js';
import { WEATHER_REFRESH_MS } from '../client/weather-window.js';

const HOUR_MS = 3_600_000;

export const TIMER_EVENTS_PER_USER_HOUR = HOUR_MS / PRESENCE_PING_MS + HOUR_MS / REQUEST_POLL_MS + HOUR_MS / WEATHER_REFRESH_MS;
