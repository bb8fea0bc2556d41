/**
 * Round trips for every feature against the compiled server in its own process, on the offline
 * wire store it resolves itself (SOAK_STORE=wire), at the soak's usual time scale S = 600.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadIdFor, type BuddyRequest, type PublicUser } from '../../common/events.js';
import { ROUTES } from '../../common/http.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { call, failOnMaxListenersWarning, getJson, login, loginAndConnect, next, openSocket, uniqueName, type User } from './client.js';
import { eventually } from './leak-fixture.js';

const S = 600;
let server: ServerProcess;
let checkWarnings: () => void;
const users: User[] = [];

async function user(prefix: string): Promise<User> {
  const u = await loginAndConnect(server.url, prefix);
  users.push(u);
  return u;
}

/** Makes a and b buddies through the real request/accept flow. */
async function befriend(a: User, b: User): Promise<BuddyRequest> {
  const incoming = next(b.socket, 'buddy:request', (r) => r.from === a.username);
  const request = await call(a.socket.emitWithAck('buddy:request', { to: b.username }));
  expect(await incoming).toEqual(request);
  return call(b.socket.emitWithAck('buddy:accept', { requestId: request.id }));
}

beforeAll(async () => {
  checkWarnings = failOnMaxListenersWarning();
  server = await startServerProcess({ timeScale: S });
});

afterAll(async () => {
  for (const u of users) u.socket.close();
  const code = await server?.stop();
  expect(code).toBe(0);
  expect(server.stderr()).not.toMatch(/MaxListenersExceededWarning/);
  checkWarnings();
});

describe('reference server round trips', () => {
  it('logs in over REST: first login creates the user, a wrong password is refused', async () => {
    const name = uniqueName('login');
    const first = await login(server.url, name, 'pw-one');
    expect(first.user).toMatchObject({ username: name, displayName: name, online: false });
    expect(first.token.split('.')).toHaveLength(3);
    await expect(login(server.url, name, 'pw-one')).resolves.toMatchObject({ user: { username: name } });
    const wrong = await fetch(`${server.url}${ROUTES.login}`, { method: 'POST', body: JSON.stringify({ username: name, password: 'nope' }) });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('refuses a socket without a token or with a forged one', async () => {
    await expect(openSocket(server.url, undefined)).rejects.toMatchObject({ data: { code: 'unauthorized' } });
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl';
    await expect(openSocket(server.url, forged)).rejects.toMatchObject({ data: { code: 'unauthorized' } });
  });

  it('sends, polls and accepts buddy requests, then lists buddies with presence', async () => {
    const a = await user('ann');
    const b = await user('bob');
    const incoming = next(b.socket, 'buddy:request');
    const request = await call(a.socket.emitWithAck('buddy:request', { to: b.username }));
    expect(request).toMatchObject({ from: a.username, to: b.username, status: 'pending' });
    expect(await incoming).toEqual(request);
    // Polling (the seed's 10 s request check) sees it, over the socket and over REST.
    expect(await call(b.socket.emitWithAck('buddy:requests'))).toEqual([request]);
    expect((await getJson(`${server.url}${ROUTES.buddyRequests}`, b.token)).body).toEqual({ data: [request] });
    const accepted = next(a.socket, 'buddy:accepted');
    const bOnline = next(a.socket, 'presence:update', (u) => u.username === b.username && u.online);
    const reply = await call(b.socket.emitWithAck('buddy:accept', { requestId: request.id }));
    expect(reply).toMatchObject({ id: request.id, status: 'accepted' });
    expect(await accepted).toEqual(reply);
    await bOnline;
    expect(await call(b.socket.emitWithAck('buddy:requests'))).toEqual([]);
    const list = await call(a.socket.emitWithAck('buddy:list'));
    expect(list).toEqual([expect.objectContaining<Partial<PublicUser>>({ username: b.username, online: true })]);
    const rest = (await getJson(`${server.url}${ROUTES.buddies}`, b.token)).body as { data: PublicUser[] };
    expect(rest.data.map((u) => u.username)).toEqual([a.username]);
    // Accepting again (a retry after a lost ack) answers the accepted request; the buddy list is unchanged.
    expect(await call(b.socket.emitWithAck('buddy:accept', { requestId: request.id }))).toEqual(reply);
    expect(await call(a.socket.emitWithAck('buddy:list'))).toEqual(list);
  });

  it('tells buddies when a user goes offline and comes back online; ping answers in simulated time', async () => {
    const a = await user('cat');
    const b = await user('dan');
    await befriend(a, b);
    const { at } = await call(b.socket.emitWithAck('presence:ping'));
    expect(Date.parse(at)).toBeGreaterThan(Date.now()); // S = 600: simulated time runs ahead
    const offline = next(a.socket, 'presence:update', (u) => u.username === b.username && !u.online);
    b.socket.disconnect();
    await offline;
    const list = await call(a.socket.emitWithAck('buddy:list'));
    expect(list[0]).toMatchObject({ username: b.username, online: false });
    expect(list[0]?.lastSeen).not.toBeNull();
    const online = next(a.socket, 'presence:update', (u) => u.username === b.username && u.online);
    const again = await openSocket(server.url, b.token);
    users.push({ ...b, socket: again });
    await online;
  });

  it('delivers an IM: ack and im:sent to the sender, im:new to the recipient, sender from the token', async () => {
    const a = await user('eve');
    const b = await user('fay');
    const sent = next(a.socket, 'im:sent', (m) => m.clientId === 'c-1');
    const received = next(b.socket, 'im:new', (m) => m.clientId === 'c-1');
    const message = await call(a.socket.emitWithAck('im:send', { to: b.username, text: 'hi there', clientId: 'c-1' }));
    expect(message).toMatchObject({ from: a.username, to: b.username, text: 'hi there', threadId: threadIdFor(a.username, b.username), readAt: null });
    expect(await sent).toEqual(message);
    expect(await received).toEqual(message);
    // An unknown recipient is an error on the ack and an im:error for the IM window.
    const imError = next(a.socket, 'im:error', (f) => f.clientId === 'c-2');
    await expect(call(a.socket.emitWithAck('im:send', { to: 'nobody_here', text: 'x', clientId: 'c-2' }))).rejects.toMatchObject({ code: 'not-found' });
    expect((await imError).error.code).toBe('not-found');
  });

  it('marks messages read and notifies the sender, every time a receipt arrives', async () => {
    const a = await user('gus');
    const b = await user('hal');
    const m1 = await call(a.socket.emitWithAck('im:send', { to: b.username, text: 'one', clientId: 'r1' }));
    const m2 = await call(a.socket.emitWithAck('im:send', { to: b.username, text: 'two', clientId: 'r2' }));
    const receipt = next(a.socket, 'im:read');
    expect(await call(b.socket.emitWithAck('im:read', { threadId: m2.threadId, upTo: m2.id }))).toEqual({ updated: 2 });
    expect(await receipt).toMatchObject({ threadId: m2.threadId, by: b.username, upTo: m2.id });
    // A duplicate receipt (a leaky client) is real work: the query runs, nothing changes, the sender hears again.
    const again = next(a.socket, 'im:read');
    expect(await call(b.socket.emitWithAck('im:read', { threadId: m2.threadId, upTo: m2.id }))).toEqual({ updated: 0 });
    await again;
    const hist = await call(a.socket.emitWithAck('im:history', { with: b.username }));
    expect(hist.map((m) => m.id)).toEqual([m1.id, m2.id]);
    expect(hist.every((m) => m.readAt !== null)).toBe(true);
    // Only the thread's members may mark it read.
    const c = await user('ivy');
    await expect(call(c.socket.emitWithAck('im:read', { threadId: m2.threadId, upTo: m2.id }))).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('pages IM history newest-last, over the socket and REST', async () => {
    const a = await user('jay');
    const b = await user('kim');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call(a.socket.emitWithAck('im:send', { to: b.username, text: `m${i}`, clientId: `h${i}` }))).id);
    const page = await call(b.socket.emitWithAck('im:history', { with: a.username, limit: 2 }));
    expect(page.map((m) => m.text)).toEqual(['m3', 'm4']);
    const older = await call(b.socket.emitWithAck('im:history', { with: a.username, limit: 2, before: ids[3]! }));
    expect(older.map((m) => m.text)).toEqual(['m1', 'm2']);
    const rest = await getJson(`${server.url}${ROUTES.imHistory}?with=${a.username}&limit=3`, b.token);
    expect((rest.body as { data: { text: string }[] }).data.map((m) => m.text)).toEqual(['m2', 'm3', 'm4']);
  });

  it('persists window layouts on drag end, per user and window', async () => {
    const a = await user('lou');
    const saved = await call(a.socket.emitWithAck('window:layout', { windowId: 'buddy-list', x: 10, y: 20, width: 300, height: 500 }));
    expect(saved).toMatchObject({ windowId: 'buddy-list', x: 10, y: 20, width: 300, height: 500 });
    await call(a.socket.emitWithAck('window:layout', { windowId: 'buddy-list', x: 42, y: 24, width: 310, height: 480 }));
    await call(a.socket.emitWithAck('window:layout', { windowId: 'im:bob', x: 1, y: 2, width: 3, height: 4 }));
    a.socket.disconnect();
    const again = await openSocket(server.url, a.token);
    users.push({ ...a, socket: again });
    const layouts = await call(again.emitWithAck('window:layouts'));
    expect(layouts.map(({ updatedAt: _u, ...l }) => l)).toEqual([
      { windowId: 'buddy-list', x: 42, y: 24, width: 310, height: 480 },
      { windowId: 'im:bob', x: 1, y: 2, width: 3, height: 4 },
    ]);
  });

  it('serves weather from a cache for 15 simulated minutes', async () => {
    const { token } = await login(server.url, uniqueName('wx'));
    const get = async () => ((await getJson(`${server.url}${ROUTES.weather}?city=Lisbon`, token)).body as { data: { cached: boolean; tempC: number } }).data;
    const first = await get();
    const second = await get();
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, tempC: first.tempC });
    // 15 simulated min at S = 600 is 1.5 real s: the entry expires (bounded wait, asked every 50 ms).
    await eventually(async () => !(await get()).cached);
    expect((await getJson(`${server.url}${ROUTES.weather}?city=Lisbon`)).status).toBe(401);
  });

  it('ends the session on logoff', async () => {
    const a = await user('max');
    const ended = next(a.socket, 'session:end');
    const disconnected = new Promise((r) => a.socket.once('disconnect', r));
    expect(await call(a.socket.emitWithAck('presence:logoff'))).toEqual({ ok: true });
    expect(await ended).toEqual({ reason: 'logoff' });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('exposes every metric the harness rules read on /metrics, and /healthz', async () => {
    expect((await fetch(`${server.url}${ROUTES.health}`)).status).toBe(200);
    const res = await fetch(server.metricsUrl);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    const series = [
      'rol_presence_map_entries{map="userSocketMap"}',
      'rol_presence_map_entries{map="socketUserMap"}',
      'rol_connected_sockets',
      'rol_sockets_per_user_max',
      'rol_socket_listeners_max{event="im:send"}',
      'rol_socket_listeners_sum{event="im:send"}',
      'rol_socket_listeners_max{event="disconnect"}',
      'rol_rooms',
      'rol_active_resources{type="Timeout"}',
      'rol_active_timers',
      'rol_sim_timers{kind="interval"}',
      'rol_sim_timers{kind="timeout"}',
      'rol_db_connections{source="driver"}',
      'rol_db_connections{source="store"}',
      'rol_db_clients',
      'rol_db_pool_checked_out',
      'rol_db_pool_max_size',
      'rol_users_online',
      'rol_events_handled_total{event="im:send"}',
      'rol_event_errors_total{event="im:send",code="not-found"}',
      'rol_handler_duration_seconds_bucket{le="0.001",event="im:send"}',
      'rol_handler_duration_seconds_count{event="im:send"}',
      'rol_http_request_duration_seconds_count{route="login",status="200"}',
      'rol_event_loop_utilization',
      'rol_presence_heartbeats_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
    ];
    const lines = text.split('\n');
    for (const name of series) expect(lines.some((l) => l.startsWith(`${name} `)), name).toBe(true);
    const value = (name: string) => Number(lines.find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
    // One listener per event per socket on the server side, whatever the clients do.
    expect(value('rol_socket_listeners_max{event="im:send"}')).toBe(1);
    expect(value('rol_connected_sockets')).toBeGreaterThan(0);
    expect(value('rol_db_pool_max_size')).toBe(10);
    expect(value('rol_event_loop_utilization')).toBeGreaterThanOrEqual(0);
    expect(value('rol_event_loop_utilization')).toBeLessThanOrEqual(1);
  });
});
