/**
 * The example board's traffic (examples/board/board.ts), as a user writes it for their own app.
 * Rates are runs per user per simulated hour. Why these: a board reader lists a room a few times
 * an hour and posts now and then; laptops drop off Wi-Fi about once an hour; the client pings
 * every 30 s, as many apps do to show who is online.
 */
import { defineScenario } from 'rol-soak';

export const ROOMS = ['general', 'random', 'help', 'news'];

export default defineScenario({
  name: 'board',
  description: 'Board readers: list, post, switch rooms, drop off Wi-Fi now and then.',
  population: { users: 20, rampMs: 60_000 },
  hours: 2,
  // Two hours need a shorter warm-up and finer samples than the 25-hour defaults: 21 soak samples.
  soak: { warmupHours: 0.25, sampleEveryMinutes: 5, cooldownHours: 0.1 },
  usernamePrefix: 'reader',
  auth: {
    login: { path: '/login', body: (user) => ({ name: user.name }), token: (reply) => (reply as { token: string }).token },
    handshake: (_user, token) => ({ auth: { token } }),
  },
  connection: { transports: ['websocket'] },
  onConnect: async (s) => {
    const room = (s.state.room as string | undefined) ?? s.pick(ROOMS);
    const reply = (await s.emit('room:join', room, { ack: true, timeoutMs: 5_000 })) as { data?: { room: string } };
    s.check(reply.data?.room === room, `joined ${room}`);
    s.state.room = room;
  },
  timers: {
    ping: { everyMs: 30_000, run: async (s) => void (await s.emit('ping:app', undefined, { ack: true, timeoutMs: 5_000 })) },
  },
  actions: {
    list: async (s) => {
      const reply = (await s.emit('post:list', s.state.room, { ack: true, timeoutMs: 5_000 })) as { data?: unknown[] };
      s.check(Array.isArray(reply.data), 'post:list replies with a list');
    },
    post: async (s) => {
      const text = `note ${Math.floor(s.rng() * 1e6)}`;
      const reply = (await s.emit('post:create', { room: s.state.room, text }, { ack: true, timeoutMs: 5_000 })) as { data?: { id: string } };
      s.check(typeof reply.data?.id === 'string', 'post:create replies with an id');
    },
    'switch-room': async (s) => {
      const room = s.pick(ROOMS);
      const reply = (await s.emit('room:join', room, { ack: true, timeoutMs: 5_000 })) as { data?: { room: string } };
      s.check(reply.data?.room === room, `joined ${room}`);
      s.state.room = room;
      await s.think(2_000);
      await s.emit('post:list', room, { ack: true, timeoutMs: 5_000 });
    },
    'wifi-drop': async (s) => {
      s.drop();
      await s.think(3_000);
      await s.reconnect();
    },
  },
  phases: [
    { name: 'day', startHour: 8, rates: { list: 20, post: 6, 'switch-room': 3, 'wifi-drop': 1 } },
    { name: 'night', startHour: 20, rates: { list: 2 } },
  ],
  thinkTimeMs: { min: 1_000, max: 5_000 },
});
