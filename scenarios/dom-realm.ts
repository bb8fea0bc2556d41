/**
 * The DOM realm of a load worker (or a test): react-dom reads `window`, `document` and
 * `navigator` from the global scope at import time and on every update outside an event, so
 * one happy-dom Window is installed globally *before* react-dom is imported (import this module
 * first). Each virtual user then gets a Window of its own (see virtual-user.ts), so its
 * document listeners are its own.
 *
 * happy-dom: measured here at about 0.65 MB of heap per logged-on VU (bench/vu-bench.ts, React 19
 * production build). jsdom is not installed and was not measured against it.
 */
import { Window } from 'happy-dom';

const g = globalThis as Record<string, unknown>;
if (g['window'] === undefined) {
  const realm = new Window({ url: 'http://localhost/' });
  g['window'] = realm;
  g['document'] = realm.document;
  // Node >= 21 defines a read-only global navigator; redefine rather than assign.
  Object.defineProperty(globalThis, 'navigator', { value: realm.navigator, configurable: true, writable: true });
}

/** A fresh browser window for one virtual user. Close it with `window.happyDOM.close()`. */
export function createUserWindow(): Window {
  return new Window({
    url: 'http://localhost/',
    // A VU never loads pages or scripts; keep happy-dom from trying.
    settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true, navigator: { userAgent: 'rol-soak-vu' } },
  });
}
