/**
 * The example board's traffic (board.scenario.ts) driven FAR ABOVE production rate, for a test
 * that must finish in well under a minute of real time: a `--target` runs at S = 1 (the board
 * does not run rol-soak's clock), so a realistic reader's 20 lists and 6 posts an hour would
 * leave a 30-second soak with almost nothing done. Here each user lists every ~5 s, posts every
 * ~10 s, switches rooms every ~30 s and pings every 5 s, and users arrive within 2 s: about
 * 150× the board scenario's day rate. Its figures say nothing about a real board's day; use
 * board.scenario.ts for that. Same login, handshake and scripts as the board's scenario.
 */
import { defineScenario } from 'rol-soak';
import board from './board.scenario.js';

export default defineScenario({
  ...board,
  name: 'board-fast',
  description: 'Board readers at ~150× production rate: a test fixture for short real-time soaks, not a day of traffic.',
  population: { users: 4, rampMs: 2_000 },
  // ~29 s of soak at S = 1, 3-second samples (8 after a 3.6 s warm-up), a 3.6 s cool-down.
  hours: 0.008,
  soak: { warmupHours: 0.001, sampleEveryMinutes: 0.05, cooldownHours: 0.001 },
  timers: {
    ping: { everyMs: 5_000, run: async (s) => void (await s.emit('ping:app', undefined, { ack: true, timeoutMs: 5_000 })) },
  },
  // Runs per user per simulated hour: 720 = one every 5 s.
  phases: [{ name: 'day', startHour: 8, rates: { list: 720, post: 360, 'switch-room': 120, 'wifi-drop': 30 } }],
  thinkTimeMs: { min: 200, max: 1_000 },
});
