/**
 * k6: a reconnect storm. Every VU logs in once, connects socket.io, and then, at the same
 * wall-clock instants (multiples of STORM_PERIOD_S, so VUs on different machines of a
 * distributed run drop together too), loses its link without a socket.io DISCONNECT — the
 * way a Wi-Fi blip or a killed tab looks to the server — and reconnects at once. A server
 * whose disconnect cleanup is skipped or throws (leak #2) keeps growing presence Maps; one that
 * does not, stays flat. Run: `k6 run scenarios/k6/reconnect-storm.ts`.
 *
 * Env: BASE_URL (http://127.0.0.1:3000), VUS (50), STORMS (5), STORM_PERIOD_S (10),
 * RECONNECT_DELAY_MS (50: small on purpose, the storm is the point), USER_PREFIX, PASSWORD.
 */
import { sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import { setTimeout } from 'k6/timers';
import type { Options } from 'k6/options';
import { SocketIoSession } from './socketio-session.ts';
import { BASE_URL, provisionUsers, env, envNumber, identity, login } from './k6-users.ts';

const VUS = envNumber('VUS', 50);
const STORMS = Math.max(1, Math.floor(envNumber('STORMS', 5)));
const PERIOD_MS = Math.max(1, envNumber('STORM_PERIOD_S', 10)) * 1000;
const RECONNECT_DELAY_MS = envNumber('RECONNECT_DELAY_MS', 50);

/** Drop → socket.io CONNECT acknowledged again, ms (reconnect delay + handshake + auth). */
const recoveryTime = new Trend('storm_recovery_time', true);
const recovered = new Counter('storm_recovered');
const presencePings = new Counter('storm_presence_acks');

export const options: Options = {
  scenarios: {
    reconnect_storm: {
      executor: 'per-vu-iterations',
      vus: VUS,
      iterations: 1,
      // Each VU waits up to one period to align, then STORMS periods, plus slack for the last reconnect.
      maxDuration: env('MAX_DURATION', `${Math.ceil(((STORMS + 2) * PERIOD_MS) / 1000) + 30}s`),
    },
  },
  thresholds: {
    storm_recovery_time: ['p(95)<2000'],
    socketio_connect_failed: ['rate<0.05'],
    // Every VU comes back after every storm; k6 fails the run when fewer did.
    storm_recovered: [`count>=${VUS * STORMS * 0.95}`],
    socketio_heartbeat_timeouts: ['count<1'],
    checks: ['rate>0.99'],
  },
};

/** Runs once per test (once in a distributed run too): every user exists before VUs start. */
export function setup(): { users: number } {
  return { users: provisionUsers(VUS) };
}

export default function reconnectStorm(): void {
  const { me } = identity(VUS);
  const token = login(me);
  if (!token) {
    sleep(1);
    return;
  }
  let storms = 0;
  let droppedAt: number | null = null;
  const session = new SocketIoSession({
    baseUrl: BASE_URL,
    token,
    maxReconnects: STORMS + 3, // one per storm, plus slack for a failed reconnect attempt
    reconnectDelayMs: RECONNECT_DELAY_MS,
    onConnect: (s) => {
      if (droppedAt !== null) {
        recoveryTime.add(Date.now() - droppedAt);
        recovered.add(1);
        droppedAt = null;
      }
      // One acked event per connection proves the server knows this socket's user again.
      s.emit('presence:ping', [], (o) => {
        if (o.ok) presencePings.add(1);
      });
      if (storms >= STORMS) {
        s.close();
        return;
      }
      // Next storm: the next multiple of PERIOD_MS on the wall clock, shared by every VU.
      const wait = PERIOD_MS - (Date.now() % PERIOD_MS);
      setTimeout(() => {
        storms++;
        droppedAt = Date.now();
        s.drop();
      }, wait);
    },
  });
  session.start();
}
