/**
 * k6: an office day of chat users against a socket.io server. Each VU iteration is one
 * session: log in over HTTP, connect socket.io over k6/websockets, befriend the partner user
 * (once), then ping presence and exchange IMs with the partner until the session ends; now and then
 * the link drops and the session reconnects. Run: `k6 run scenarios/k6/office-day.ts`.
 *
 * Env: BASE_URL (http://127.0.0.1:3000), VUS (10), DURATION (5m), SESSION_S (60),
 * THINK_MS (3000, mean gap between IMs), PING_MS (10000, the app's presence ping),
 * DROP_RATE (0.1, share of sessions that lose their link once), USER_PREFIX, PASSWORD.
 */
import { sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { clearInterval, setInterval, setTimeout } from 'k6/timers';
import type { Options } from 'k6/options';
import type { Ack, ImMessage, ImSendPayload } from '../../common/events.ts';
import { SocketIoSession } from './socketio-session.ts';
import { BASE_URL, provisionUsers, acceptIfPartner, befriend, env, envNumber, identity, login } from './k6-users.ts';

const VUS = envNumber('VUS', 10);
const SESSION_MS = envNumber('SESSION_S', 60) * 1000;
const THINK_MS = envNumber('THINK_MS', 3000);
const PING_MS = envNumber('PING_MS', 10_000);
const DROP_RATE = envNumber('DROP_RATE', 0.1);

/** im:send → its ack on the same VU, ms: the message round trip through server and store. */
const imRoundTrip = new Trend('im_roundtrip', true);
/** Sender's clock at send → receiver's `im:new`, ms. Across machines this includes clock skew. */
const imDelivery = new Trend('im_delivery', true);
const imSendFailed = new Rate('im_send_failed');
const imDelivered = new Counter('im_new_received');
const imEchoed = new Counter('im_sent_received');
const imErrors = new Counter('im_error_received');

export const options: Options = {
  scenarios: {
    office_day: { executor: 'constant-vus', vus: VUS, duration: env('DURATION', '5m'), gracefulStop: '30s' },
  },
  thresholds: {
    im_roundtrip: ['p(95)<500', 'p(99)<1500'],
    im_send_failed: ['rate<0.01'],
    socketio_connect_failed: ['rate<0.02'],
    socketio_connect_duration: ['p(95)<1000'],
    // A client that answers every ping is never dropped for a missed heartbeat.
    socketio_heartbeat_timeouts: ['count<1'],
    socketio_invalid_frames: ['count<1'],
    checks: ['rate>0.99'],
  },
};

/** Runs once per test (once in a distributed run too): every user exists before VUs start. */
export function setup(): { users: number } {
  return { users: provisionUsers(VUS) };
}

export default function officeDay(): void {
  const { me, partner } = identity(VUS);
  const token = login(me);
  if (!token) {
    sleep(1); // refused: back off instead of hammering the login route
    return;
  }
  let seq = 0;
  let befriended = false;
  let sender: number | null = null;
  let pinger: number | null = null;
  const stopTimers = (): void => {
    if (sender !== null) clearInterval(sender);
    if (pinger !== null) clearInterval(pinger);
    sender = pinger = null;
  };

  const sendIm = (s: SocketIoSession): void => {
    if (!partner || Math.random() > 0.5) return; // ~1 IM per 2 ticks: mean gap THINK_MS
    const payload: ImSendPayload = { to: partner, text: `hello #${++seq} from ${me}`, clientId: `${me}.${seq}.${Date.now()}` };
    s.emit('im:send', [payload], (o) => {
      const reply = o.ok ? (o.args[0] as Ack<ImMessage> | undefined) : undefined;
      const ok = !!reply && 'data' in reply;
      imSendFailed.add(!ok, ok ? {} : { reason: o.ok ? (reply && 'error' in reply ? reply.error.code : 'no-reply') : o.reason });
      if (ok && o.ok) imRoundTrip.add(o.latencyMs);
    });
  };

  const session = new SocketIoSession({
    baseUrl: BASE_URL,
    token,
    onConnect: (s) => {
      stopTimers();
      // Once per session, as the app's buddy window does; the reference server lets strangers IM.
      if (partner && !befriended) befriend(s, partner, () => (befriended = true));
      sender = setInterval(() => sendIm(s), THINK_MS / 2);
      pinger = setInterval(() => s.emit('presence:ping', [], () => undefined), PING_MS);
    },
    onEvent: (event, args) => {
      if (partner && acceptIfPartner(session, partner, event, args)) return;
      if (event === 'im:new') {
        const m = args[0] as ImMessage | undefined;
        imDelivered.add(1);
        const sentAt = Number(m?.clientId.split('.').pop());
        if (Number.isFinite(sentAt)) imDelivery.add(Date.now() - sentAt);
      } else if (event === 'im:sent') imEchoed.add(1);
      else if (event === 'im:error') imErrors.add(1);
    },
    onEnd: stopTimers,
  });
  session.start();
  // One unplanned drop in some sessions, a third of the way in: exercises reconnect + server cleanup.
  if (Math.random() < DROP_RATE) setTimeout(() => session.drop(), SESSION_MS / 3);
  setTimeout(() => session.close(), SESSION_MS);
}
