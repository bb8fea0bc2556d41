/**
 * The example board's planted leak (BOARD_LEAK=1): a record per connection kept after the
 * disconnect, visible in its own /metrics gauge. Real process, real sockets on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { startBoard, type BoardProcess } from '../helpers/board-process.js';

let board: BoardProcess | null = null;
afterEach(async () => {
  await board?.stop();
  board = null;
});

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

/** Connects and disconnects `n` sockets one after another, each after logging in. */
async function churn(url: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const { token } = (await (await fetch(`${url}/login`, { method: 'POST', body: JSON.stringify({ name: `u${i}` }) })).json()) as { token: string };
    const socket = io(url, { transports: ['websocket'], forceNew: true, auth: { token }, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.disconnect();
  }
}

describe('examples/board', () => {
  it.each([
    [false, 0],
    [true, 12],
  ])('with leak=%s keeps %i connection records after 12 connections closed', async (leak, kept) => {
    board = await startBoard({ leak });
    const b = board;
    await churn(b.url, 12);
    // The server handles each disconnect after the client sent it: wait (bounded, 10 s) until every socket is gone.
    let sockets = -1;
    const end = Date.now() + 10_000;
    while (Date.now() < end && (sockets = await gauge(b.url, 'board_sockets')) !== 0) await new Promise((r) => setTimeout(r, 50));
    expect(sockets).toBe(0);
    expect(await gauge(b.url, 'board_connection_records')).toBe(kept);
  });

  it('refuses a connection without a valid token', async () => {
    board = await startBoard();
    const socket = io(board.url, { transports: ['websocket'], forceNew: true, auth: { token: 'forged' }, reconnection: false });
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(err.message).toBe('unauthorized');
    socket.close();
  });
});
