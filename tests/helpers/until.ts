/** Polls `ok` every 10 real ms until it holds; throws naming `what` after `realMs` (bounded wait). */
export async function until(what: string, ok: () => boolean, realMs = 10_000): Promise<void> {
  const end = Date.now() + realMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
