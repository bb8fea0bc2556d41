/**
 * Test-side helpers: REST login and a typed socket.io-client connected with the token, with
 * `call` (emitWithAck that unwraps `{ data } | { error }`) and `next` (await one event).
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { Ack, AppError, ClientToServerEvents, ServerToClientEvents } from '../../common/events.js';
import { ROUTES, type LoginResponse } from '../../common/http.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let counter = 0;
/** A username unique in this process and run (2–32 chars of [a-z0-9_]). */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}_${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${counter}`.slice(0, 32);
}

export async function login(url: string, username: string, password = 'secret-pw'): Promise<LoginResponse> {
  const res = await fetch(`${url}${ROUTES.login}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as LoginResponse | { error: AppError };
  if (!res.ok || 'error' in body) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function getJson(url: string, token?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, body: await res.json() };
}

/** Connects over websocket only (no polling upgrade dance) and resolves once connected. */
export function openSocket(url: string, token: string | undefined): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

export interface User {
  readonly username: string;
  readonly token: string;
  readonly socket: ClientSocket;
}

export async function loginAndConnect(url: string, prefix: string): Promise<User> {
  const username = uniqueName(prefix);
  const { token } = await login(url, username);
  return { username, token, socket: await openSocket(url, token) };
}

/** Resolves with `data` or rejects with an Error whose `code` is the AppError code. */
export async function call<T>(promise: Promise<Ack<T>>): Promise<T> {
  const reply = await promise;
  if ('error' in reply) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.data;
}

/** Next occurrence of a server event (optionally matching), within `timeoutMs` real ms. */
export function next<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (arg: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  type Arg = Parameters<ServerToClientEvents[E]>[0];
  return new Promise((resolve, reject) => {
    const on = socket.on.bind(socket) as unknown as (e: string, fn: (a: Arg) => void) => void;
    const off = socket.off.bind(socket) as unknown as (e: string, fn: (a: Arg) => void) => void;
    const handler = (arg: Arg) => {
      if (!match(arg)) return;
      clearTimeout(timer);
      off(event, handler);
      resolve(arg);
    };
    const timer = setTimeout(() => {
      off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    on(event, handler);
  });
}

/** Kills the transport without a socket.io disconnect packet: the server sees `transport close`. */
export function killTransport(socket: ClientSocket): void {
  socket.io.engine.close();
}

/** Fails a test file on MaxListenersExceededWarning in this process. */
export function failOnMaxListenersWarning(): () => void {
  const seen: Error[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'MaxListenersExceededWarning') seen.push(w);
  };
  process.on('warning', onWarning);
  return () => {
    process.off('warning', onWarning);
    if (seen.length > 0) throw new Error(`MaxListenersExceededWarning: ${seen[0]!.message}`);
  };
}
