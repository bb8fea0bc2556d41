/**
 * Real DOM events on a VU's rendered components, the way a browser would fire them: React
 * sees them through its root listener, document listeners see them on `document`.
 */
import type { Window as HappyWindow } from 'happy-dom';

/** Lets React flush: a sync-lane update commits in a microtask, a default-lane one on setImmediate. */
export async function settle(rounds = 2): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function mouse(win: HappyWindow, target: EventTarget, type: 'mousedown' | 'mousemove' | 'mouseup', x: number, y: number): void {
  target.dispatchEvent(new win.MouseEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0 }) as unknown as Event);
}

export function click(win: HappyWindow, el: Element): void {
  el.dispatchEvent(new win.MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }) as unknown as Event);
}

/** Types `text` into an (uncontrolled) input, then submits its form. */
export function typeAndSubmit(win: HappyWindow, form: Element, input: HTMLInputElement, text: string): void {
  input.value = text;
  input.dispatchEvent(new win.Event('input', { bubbles: true }) as unknown as Event);
  form.dispatchEvent(new win.Event('submit', { bubbles: true, cancelable: true }) as unknown as Event);
}

/** Drags from (x, y) by (dx, dy) in `moves` mousemove steps: mousedown on the handle, moves and mouseup on document. */
export async function dragBy(win: HappyWindow, handle: Element, x: number, y: number, dx: number, dy: number, moves: number): Promise<void> {
  const doc = win.document as unknown as Document;
  mouse(win, handle, 'mousedown', x, y);
  await settle(1); // the fixed Window adds its listeners in an effect after the mousedown render
  for (let i = 1; i <= moves; i++) mouse(win, doc, 'mousemove', x + (dx * i) / moves, y + (dy * i) / moves);
  mouse(win, doc, 'mouseup', x + dx, y + dy);
  // mouseup lands on a document listener (outside React's event system): a default-lane render,
  // then the effect cleanup; wait until the frame shows idle, then for the passive effects.
  const frame = handle.closest('[data-window]');
  for (let i = 0; i < 50 && frame?.isConnected && frame.getAttribute('data-state') !== 'idle'; i++) await settle(1);
  await settle(3);
}
