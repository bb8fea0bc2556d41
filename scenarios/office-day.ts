/**
 * `office-day` (the default): a working day and its night for a team on the retro desktop.
 *
 * Why these rates (per user per simulated hour) are realistic: workplace-chat studies and
 * vendor telemetry put an active chat user at roughly 20–40 messages sent per busy hour in a
 * handful of conversations, so a morning of 30 sends, 4 newly opened conversations and 3
 * closed ones is a busy but ordinary user. Window moves are a few a minute at most while
 * arranging the desktop and rare otherwise (6/h mornings; 12/h plus 4 resizes in the afternoon
 * when people rearrange around meetings and screen sharing). Reloads and log off/on cluster at
 * lunch (laptops closed, browsers restarted); network blips cluster in the commute hour
 * (laptops roaming between Wi-Fi and tethering, ~3/h). The night is idle: nobody acts but every
 * desktop stays open, so only timers (ping, poll, weather) run — the phase that shows what
 * leaks with time rather than with actions.
 *
 * The mix changes from phase to phase on purpose: messages dominate the morning, drags the
 * afternoon, reloads and log-offs lunch, network drops the commute, so the harness can regress
 * retained memory on each action type separately.
 *
 * REST besides the clients' own weather refresh (12 per user per simulated hour, averaged over
 * the day): IM history is paged when a conversation is opened or scrolled (~6/h), the buddy list
 * is refetched by page loads and tab focus (~3/h), the weather page is opened by hand (~2/h), and
 * about one login an hour (reloads, expired sessions, a second device). At the auto time scale
 * this is ~12 real requests per second whatever the user count (S shrinks as users grow): ~1.6%
 * on top of the ~750 socket events per second the capacity plan allows.
 */
import { defineScenario } from './scenario.js';

export const officeDay = defineScenario({
  name: 'office-day',
  description: 'A working day (08:00 busy chat, 12:00 lunch, 13:00 rearranging, 17:00 commute, 19:00 idle night) and the next morning.',
  population: { users: 100, rampMs: 10 * 60_000 },
  hours: 25,
  startHourOfDay: 8,
  thinkTimeMs: { min: 3_000, max: 15_000 },
  dragMoves: 8,
  buddiesPerUser: 3,
  http: { requestsPerUserHour: 12, mix: { login: 1, buddies: 3, weather: 2, history: 6 } },
  phases: [
    {
      name: 'morning',
      startHour: 8,
      rates: { 'im.send': 30, 'im.open': 4, 'window.close': 3, 'window.drag': 6, 'window.resize': 1, reload: 0.5, 'network.drop': 0.3, 'logoff-on': 0.1 },
    },
    {
      name: 'lunch',
      startHour: 12,
      rates: { 'im.send': 6, 'im.open': 1, 'window.close': 1, 'window.drag': 1, reload: 2, 'network.drop': 0.5, 'logoff-on': 1 },
    },
    {
      name: 'afternoon',
      startHour: 13,
      rates: { 'im.send': 15, 'im.open': 2, 'window.close': 2, 'window.drag': 12, 'window.resize': 4, reload: 0.5, 'network.drop': 0.3, 'logoff-on': 0.1 },
    },
    {
      name: 'commute',
      startHour: 17,
      rates: { 'im.send': 4, 'im.open': 0.5, 'window.close': 1, 'window.drag': 1, reload: 1, 'network.drop': 3, 'logoff-on': 0.5 },
    },
    { name: 'night', startHour: 19, rates: {} },
  ],
});
