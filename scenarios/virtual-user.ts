/**
 * One virtual user: a happy-dom browser window of its own, a React root rendering the reference
 * client's `Shell`, a socket module (its own socket.io-client connections), an app SimClock
 * (so its live timers are its own), and a census of its document/window listeners. Actions are
 * real DOM events on what the Shell rendered. Import ./dom-realm.js before this module.
 */
import { createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { Window as HappyWindow } from 'happy-dom';
import type { PublicUser } from '../common/events.js';
import { ROUTES, type LoginResponse } from '../common/http.js';
import type { LeakId } from '../common/leaks.js';
import { SimClock, type ClockSpec } from '../common/sim-clock.js';
import { ClientEnvContext, type ClientEnv } from '../client/client-context.js';
import { Shell } from '../client/shell.js';
import { SocketClient } from '../client/socket-client.js';
import { COUNTED_EVENTS } from './counts.js';
import type { ClientCounts } from './count-types.js';
import { click, dragBy, settle, typeAndSubmit } from './dom-actions.js';
import { createUserWindow } from './dom-realm.js';
import { instrumentListeners, type ListenerCensus } from './listener-census.js';
import type { VuProbe } from './vu-probe.js';

export interface VirtualUserOptions {
  readonly serverUrl: string;
  readonly username: string;
  readonly password: string;
  /** Client-side leak switches that are on. */
  readonly leaks: readonly LeakId[];
  readonly clock: ClockSpec;
  readonly probe: VuProbe;
  /** Called on every socket.io reconnection of any of this user's sockets. */
  readonly onReconnect?: () => void;
}

export class VirtualUser {
  readonly username: string;
  readonly clock: SimClock;
  readonly sockets: SocketClient;
  readonly probe: VuProbe;
  readonly #opts: VirtualUserOptions;
  readonly #win: HappyWindow;
  readonly #doc: Document;
  readonly #docCensus: ListenerCensus;
  readonly #winCensus: ListenerCensus;
  readonly #root: Root;
  /** The React root's container; the Shell (`main.rol-shell`) is its only child. */
  readonly #container: Element;
  readonly #env: ClientEnv;
  #session: { token: string; user: PublicUser } | null = null;
  #mounts = 0;
  #texts = 0;

  constructor(opts: VirtualUserOptions) {
    this.#opts = opts;
    this.username = opts.username;
    this.probe = opts.probe;
    this.clock = new SimClock(opts.clock);
    this.#win = createUserWindow();
    this.#doc = this.#win.document as unknown as Document;
    this.#docCensus = instrumentListeners(this.#doc);
    this.#winCensus = instrumentListeners(this.#win as unknown as EventTarget);
    // Reconnection backoff in simulated time (1 s then up to 5 s, as socket.io's defaults), floored at 20 real ms.
    this.sockets = new SocketClient({
      url: opts.serverUrl,
      reconnectionDelayMs: Math.max(20, this.clock.toReal(1_000)),
      reconnectionDelayMaxMs: Math.max(100, this.clock.toReal(5_000)),
      onOpen: (socket) => socket.io.on('reconnect', () => opts.onReconnect?.()),
    });
    const container = this.#doc.createElement('div');
    this.#doc.body.appendChild(container);
    this.#container = container;
    this.#root = createRoot(container);
    this.#env = { clock: this.clock, leaks: new Set(opts.leaks), sockets: this.sockets, apiBase: opts.serverUrl, document: this.#doc, probe: opts.probe };
  }

  get document(): Document {
    return this.#doc;
  }

  get user(): PublicUser | null {
    return this.#session?.user ?? null;
  }

  /** REST login, then mount the Shell; resolves once the socket is connected. */
  async logOn(): Promise<void> {
    const res = await fetch(`${this.#opts.serverUrl}${ROUTES.login}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.username, password: this.#opts.password }),
    });
    if (!res.ok) throw new Error(`login ${this.username}: HTTP ${res.status} ${await res.text()}`);
    this.#session = (await res.json()) as LoginResponse;
    this.#mount();
    await this.#mounted();
  }

  /** Waits until the Shell and its windows are on screen with their effects run, and the socket is up. */
  async #mounted(): Promise<void> {
    await this.#waitFor('shell mounted', () => this.#doc.querySelector('.rol-shell .buddies') !== null && this.#doc.querySelector('.rol-shell .weather') !== null);
    await settle(3); // passive effects of the children's first render (their intervals) flush after commit
    await this.connected();
  }

  /**
   * Polls `ok` until it holds: after 2 ms, then backing off to every 16 ms. Each check is a
   * happy-dom `querySelector` (~0.16 ms); a fixed 2 ms poll spent tens of ms of the load's CPU on
   * every reload while the server was busy, which made reconnect-heavy phases the first to saturate.
   */
  async #waitFor(what: string, ok: () => boolean, realMs = 10_000): Promise<void> {
    const deadline = Date.now() + realMs;
    for (let delay = 2; !ok(); delay = Math.min(16, delay * 2)) {
      if (Date.now() > deadline) throw new Error(`${this.username}: ${what} not reached in ${realMs} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  #mount(): void {
    const s = this.#session;
    if (!s) return;
    this.#mounts += 1;
    const shell = createElement(Shell, { key: this.#mounts, user: s.user, token: s.token, onLogoff: () => this.#root.render(null) });
    this.#root.render(createElement(ClientEnvContext.Provider, { value: this.#env }, shell));
  }

  /** Resolves when the current socket is connected (rejects after `realMs`). */
  async connected(realMs = 10_000): Promise<void> {
    const deadline = Date.now() + realMs;
    for (;;) {
      if (this.sockets.current()?.connected) return;
      if (Date.now() > deadline) throw new Error(`${this.username}: socket not connected after ${realMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /**
   * Elements carrying attribute `name` (equal to `value` when given), in document order: what
   * `querySelectorAll('[name=value]')` returns. happy-dom matches a selector against every node
   * (text nodes included) and its cache is dropped by each arriving IM, so that query cost
   * ~0.16 ms per call on a desktop with three IM windows; this element-only walk ~0.05 ms.
   * It does not enter an IM window's message log (`<ol>`, up to 50 `<li>` each): nothing a VU
   * clicks lives there, and reading their attributes was still 17% of a load worker's busy time
   * (CPU profile, 100 users at S = 200).
   */
  #all(name: string, value?: string, within: Element | Document = this.#doc): Element[] {
    const out: Element[] = [];
    const walk = (parent: Element | Document): void => {
      for (let el = parent.firstElementChild; el; el = el.nextElementSibling) {
        if (el.tagName === 'OL') continue;
        const v = el.getAttribute(name);
        if (v !== null && (value === undefined || v === value)) out.push(el);
        walk(el);
      }
    };
    walk(within);
    return out;
  }

  /**
   * The open IM windows (`section[data-window^="im:"]`, the Shell's children), in document
   * order: a scan of ~6 elements. Counting them with `#all` walked the whole desktop, and
   * `counts()` runs for every user once a second: at 1,000 users that walk was 11% of a load
   * worker's busy time (CPU profile, S = 26).
   */
  #imWindows(): Element[] {
    const out: Element[] = [];
    for (let el = this.#container.firstElementChild?.firstElementChild ?? null; el; el = el.nextElementSibling) {
      if (el.getAttribute('data-window')?.startsWith('im:')) out.push(el);
    }
    return out;
  }

  #pick<T>(list: readonly T[], pick: number): T | undefined {
    return list[Math.min(list.length - 1, Math.floor(pick * list.length))];
  }

  /** Clicks a buddy in the buddy list; false when there is none yet. */
  async openIm(pick: number): Promise<boolean> {
    const button = this.#pick(this.#all('data-buddy'), pick);
    if (!button) return false;
    click(this.#win, button);
    await settle();
    return true;
  }

  /** Types and sends a message in an open IM window (opening one if none is open). */
  async sendMessage(pick: number): Promise<boolean> {
    if (this.#imWindows().length === 0 && !(await this.openIm(pick))) return false;
    const imWindow = this.#pick(this.#imWindows(), pick);
    const form = imWindow && this.#all('data-role', 'im-form', imWindow)[0];
    const input = form?.querySelector('[data-role=im-input]') as HTMLInputElement | null | undefined;
    if (!form || !input) return false;
    this.#texts += 1;
    typeAndSubmit(this.#win, form, input, `message ${this.#texts} from ${this.username}`);
    await settle();
    return true;
  }

  /** Drags a window by its title bar (`moves` mousemoves). */
  async drag(pick: number, moves: number): Promise<boolean> {
    return this.#gesture('titlebar', pick, moves);
  }

  /** Resizes a window by its corner. */
  async resize(pick: number, moves: number): Promise<boolean> {
    return this.#gesture('resize', pick, moves);
  }

  async #gesture(role: 'titlebar' | 'resize', pick: number, moves: number): Promise<boolean> {
    const handle = this.#pick(this.#all('data-role', role), pick);
    if (!handle) return false;
    const d = Math.round(pick * 80) - 40; // −40…+40 px, so windows wander but stay on screen
    await dragBy(this.#win, handle, 100, 100, d, -d / 2, moves);
    return true;
  }

  async closeWindow(pick: number): Promise<boolean> {
    const button = this.#pick(this.#all('data-role', 'close'), pick);
    if (!button) return false;
    click(this.#win, button);
    await settle();
    return true;
  }

  /** Navigation away and back: unmount the Shell, mount a new one with the same session. */
  async reload(): Promise<boolean> {
    this.#root.render(null);
    await this.#waitFor('shell unmounted', () => this.#doc.querySelector('.rol-shell') === null);
    await settle();
    this.#mount();
    await this.#mounted();
    return true;
  }

  /** Kills the transport without a clean disconnect; socket.io's Manager reconnects by itself. */
  networkDrop(): boolean {
    const engine = this.sockets.current()?.io.engine as unknown as { transport?: { ws?: { terminate?: () => void } }; close(): void } | undefined;
    if (!engine) return false;
    const ws = engine.transport?.ws;
    if (ws?.terminate) ws.terminate(); // TCP reset, no close frame: the server learns from the socket error
    else engine.close();
    return true;
  }

  /** Clicks Log off (presence:logoff, Shell unmounts), then logs on again. */
  async logOffOn(): Promise<boolean> {
    const button = this.#all('data-role', 'logoff')[0];
    if (!button) return false;
    click(this.#win, button);
    await this.#waitFor('logged off', () => this.#doc.querySelector('.rol-shell') === null);
    await settle();
    await this.logOn();
    return true;
  }

  /** Clicks every pending Accept button (setup: buddy requests from neighbours). */
  async acceptPending(): Promise<number> {
    const buttons = this.#all('data-accept');
    for (const b of buttons) click(this.#win, b);
    await settle();
    return buttons.length;
  }

  /**
   * This user's counts as a one-VU ClientCounts (merge to aggregate). `listenersPerSocketMax`
   * is listeners per socket per event per subscribing component (1 when nothing leaks).
   */
  counts(): ClientCounts {
    const byEvent: Record<string, { max: number; sum: number }> = {};
    let lMax = 0;
    let lSum = 0;
    const open = this.sockets.openSockets();
    const imWindows = this.#imWindows().length;
    for (const s of open) {
      for (const ev of COUNTED_EVENTS) {
        const n = s.listeners(ev).length;
        const cur = byEvent[ev] ?? { max: 0, sum: 0 };
        byEvent[ev] = { max: Math.max(cur.max, n), sum: cur.sum + n };
        // Per subscribing component: each open IM window rightly holds one im:* listener (the
        // seed's fix keeps per-window listeners), so raw counts grow with open windows.
        lMax = Math.max(lMax, n / subscribers(ev, imWindows));
        lSum += n;
      }
    }
    const byType: Record<string, number> = {};
    for (const [t, n] of Object.entries(this.#docCensus.byType())) byType[`document:${t}`] = n;
    for (const [t, n] of Object.entries(this.#winCensus.byType())) byType[`window:${t}`] = n;
    const docTotal = this.#docCensus.total() + this.#winCensus.total();
    const live = this.clock.live();
    return {
      vus: 1,
      socketsOpen: open.length,
      socketsPerUserMax: open.length,
      listenersPerSocketMax: lMax,
      listenersPerSocketSum: lSum,
      listenersByEvent: byEvent,
      documentListenersMax: docTotal,
      documentListenersSum: docTotal,
      documentListenersByType: byType,
      intervalsAlive: live.intervals,
      timeoutsAlive: live.timeouts,
      duplicateDeliveries: this.probe.duplicates,
    };
  }

  /** Everything closed: React root, sockets (leaked ones too), timers (leaked ones too), window. */
  async stop(): Promise<void> {
    try {
      this.#root.unmount();
    } catch {
      // unmount of an already-failed root: nothing left to release here
    }
    this.sockets.closeAll();
    this.clock.clearAll();
    await this.#win.happyDOM.close();
  }
}

/**
 * Mounted components that legitimately listen to `ev` on the live socket: every open IM window
 * listens to im:new / im:sent / im:error, and the Shell also listens to im:new (to open a window
 * for a message from someone new); every other event has one subscriber at most.
 */
function subscribers(ev: string, imWindows: number): number {
  if (ev === 'im:new') return imWindows + 1;
  if (ev === 'im:sent' || ev === 'im:error') return Math.max(1, imWindows);
  return 1;
}
