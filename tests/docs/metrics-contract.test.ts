/**
 * docs/metrics-contract.md cannot silently fall behind the reference server: every `rol_*`
 * metric the server registers (prom-client `name: 'rol_…'` anywhere under server/) must be named
 * in it, as code (`rol_x` or `rol_x{…}`), not merely as a prefix of another name.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const DOC = join(ROOT, 'docs/metrics-contract.md');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Names given to prom-client metrics: `name: 'rol_…'` (or double quotes / backticks). */
function registeredMetrics(): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles(join(ROOT, 'server'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bname:\s*['"`](rol_[a-z0-9_]+)['"`]/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

describe('docs/metrics-contract.md', () => {
  const doc = readFileSync(DOC, 'utf8');
  const names = registeredMetrics();

  it('finds the server\'s metrics (the scan itself works)', () => {
    // The reference server registers ~30; a handful means the regex stopped matching.
    expect(names.length).toBeGreaterThan(20);
    expect(names).toContain('rol_connected_sockets');
  });

  it.each(names)('names %s', (name) => {
    expect(doc.includes(`\`${name}\``) || doc.includes(`\`${name}{`), `${name} is registered in server/ but docs/metrics-contract.md does not name it`).toBe(true);
  });
});
