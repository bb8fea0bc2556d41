/**
 * The example board driven far above production, to soak it in a minute and a half rather than
 * a day: every user lists sixteen times a second, posts every second and drops off Wi-Fi every 2 s
 * (~2,500× board.scenario.ts's day; ~370 actions and ~10 reconnections a second from 20 users). Why so many: a quiet
 * checkpoint's heap reading varies by ~100 KiB on this board, so bytes per action are told apart
 * from the 64 B budget only over tens of thousands of actions (at half this rate, one clean run
 * in six read 18 B [−13, 62] per action: 2 B from inconclusive). A server of the user's runs in real time (it does
 * not join rol-soak's simulated clock), so speed comes from rates, not from a time scale; the
 * heap is then judged per action and per connect as well as per real hour, which hold at any
 * pace. Used by the end-to-end tests (tests/e2e/own-server.test.ts) and the README's walkthrough.
 */
import { defineScenario } from 'rol-soak';
import board, { ROOMS } from './board.scenario.js';


export default defineScenario({
  // The board's login, handshake, connection and room join (board.scenario.ts).
  ...board,
  name: 'board-stress',
  description: 'The board at stress rates: list, post, switch rooms, drop and reconnect, over and over.',
  population: { users: 20, rampMs: 5_000 },
  // 108 real seconds: 30 s of warm-up (the heap's ramp as the JIT, the rooms' post lists and the
  // sockets of users mid-reconnect fill), then 78 s with a checkpoint every 3.5 s (22 checkpoints,
  // 11 in the later half for the level-off test), 10 s of cool-down. Hours are real at S = 1.
  hours: 0.03,
  soak: { warmupHours: 30 / 3600, sampleEveryMinutes: 0.05, cooldownHours: 10 / 3600, checkpointEveryHours: 3.5 / 3600, checkpointHoldSeconds: 1 },
  usernamePrefix: 'stress',
  timers: {
    ping: { everyMs: 5_000, run: async (s) => void (await s.emit('ping:app', undefined, { ack: true, timeoutMs: 5_000 })) },
  },
  actions: {
    // Listing and posting as the board's day does; switching rooms without its 2 s read after,
    // and a Wi-Fi drop of 0.3 s instead of 3 s, so the stress rates fit.
    list: board.actions.list!,
    post: board.actions.post!,
    'switch-room': async (s) => {
      const room = s.pick(ROOMS);
      const reply = (await s.emit('room:join', room, { ack: true, timeoutMs: 5_000 })) as { data?: { room: string } };
      s.check(reply.data?.room === room, `joined ${room}`);
      s.state.room = room;
    },
    'wifi-drop': async (s) => {
      s.drop();
      await s.think(300);
      await s.reconnect();
    },
  },
  // Rates per user per hour (real hours here): list 16/s, post 1/s, switch and drop every 2 s.
  phases: [{ name: 'stress', startHour: 0, rates: { list: 57_600, post: 3_600, 'switch-room': 1_800, 'wifi-drop': 1_800 } }],
  thinkTimeMs: { min: 20, max: 100 },
});
