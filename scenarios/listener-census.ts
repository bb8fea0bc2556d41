/**
 * Counts the event listeners live on a DOM EventTarget (a VU's `document` or `window`) by
 * wrapping that object's own addEventListener / removeEventListener. DOM semantics are kept:
 * adding the same (type, listener, capture) twice registers it once, and removal needs the same
 * triple, so the count is exactly what the target holds, including leaked listeners.
 */

type Listener = EventListenerOrEventListenerObject;

export interface ListenerCensus {
  /** Live listeners by event type (types with none are omitted). */
  byType(): Record<string, number>;
  total(): number;
}

function captureOf(options: boolean | AddEventListenerOptions | EventListenerOptions | undefined): boolean {
  return typeof options === 'boolean' ? options : Boolean(options?.capture);
}

export function instrumentListeners(target: EventTarget): ListenerCensus {
  // type → capture flag → listeners
  const live = new Map<string, { bubble: Set<Listener>; capture: Set<Listener> }>();
  const slot = (type: string) => {
    let s = live.get(type);
    if (!s) live.set(type, (s = { bubble: new Set(), capture: new Set() }));
    return s;
  };
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  Object.defineProperty(target, 'addEventListener', {
    configurable: true,
    value(type: string, listener: Listener | null, options?: boolean | AddEventListenerOptions) {
      add(type, listener, options);
      if (!listener) return;
      const s = slot(type);
      (captureOf(options) ? s.capture : s.bubble).add(listener);
      // A `once` listener or an abort signal removes itself without removeEventListener.
      if (typeof options === 'object' && (options.once || options.signal)) {
        const drop = () => (captureOf(options) ? s.capture : s.bubble).delete(listener);
        if (options.signal) options.signal.addEventListener('abort', drop, { once: true });
        if (options.once) add(type, drop, { once: true, capture: captureOf(options) });
      }
    },
  });
  Object.defineProperty(target, 'removeEventListener', {
    configurable: true,
    value(type: string, listener: Listener | null, options?: boolean | EventListenerOptions) {
      remove(type, listener, options);
      if (!listener) return;
      const s = live.get(type);
      (captureOf(options) ? s?.capture : s?.bubble)?.delete(listener);
    },
  });
  return {
    byType() {
      const out: Record<string, number> = {};
      for (const [type, s] of live) {
        const n = s.bubble.size + s.capture.size;
        if (n > 0) out[type] = n;
      }
      return out;
    },
    total() {
      let n = 0;
      for (const s of live.values()) n += s.bubble.size + s.capture.size;
      return n;
    },
  };
}
