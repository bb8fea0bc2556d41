/**
 * `reconnect-storm`: what an office Wi-Fi outage or a load-balancer restart does. Steady light
 * chat, and every 30 simulated minutes every user's transport dies within 2 s of the others
 * (socket.io reconnects them all at once); every 2 hours half of them reload at once, as after
 * a deploy. Three simulated hours: enough storms (6) to fit a slope per reconnect.
 *
 * REST: reloads and reconnects make clients log in again and refetch buddies and open threads,
 * so logins weigh more than in office-day (20 per user per simulated hour).
 */
import { defineScenario } from './scenario.js';

export const reconnectStorm = defineScenario({
  name: 'reconnect-storm',
  description: 'Steady chat with a synchronized network drop every 30 min and a mass reload every 2 h.',
  population: { users: 100, rampMs: 2 * 60_000 },
  hours: 3,
  // Three hours need a shorter warm-up and a finer sampling than the 25-hour defaults (2 h, 15 min)
  // to leave a trend its 8+ points: 30 samples after a 30-minute warm-up.
  soak: { warmupHours: 0.5, sampleEveryMinutes: 5 },
  startHourOfDay: 9,
  thinkTimeMs: { min: 3_000, max: 10_000 },
  http: { requestsPerUserHour: 20, mix: { login: 4, buddies: 6, weather: 2, history: 8 } },
  phases: [{ name: 'steady', startHour: 0, rates: { 'im.send': 10, 'im.open': 2, 'window.close': 1, 'window.drag': 2, 'network.drop': 1, reload: 0.5 } }],
  bursts: [
    { name: 'wifi-outage', action: 'network.drop', atHour: 0.5, everyHours: 0.5, share: 1, jitterMs: 2_000 },
    { name: 'deploy-reload', action: 'reload', atHour: 1, everyHours: 2, share: 0.5, jitterMs: 5_000 },
  ],
});
