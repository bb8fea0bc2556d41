/**
 * Parser for the Prometheus text exposition format (0.0.4, also the sample lines of OpenMetrics)
 * into flattened keys: `name` or `name{a="x",b="y"}` with labels sorted by name and values
 * re-escaped canonically (`\\`, `\"`, `\n`), so equal series always get equal keys.
 * Histograms and summaries need nothing special: they are exposed as `_bucket{le=…}`, `_sum`,
 * `_count` (and `{quantile=…}`) sample lines. Non-finite values (NaN, ±Inf) are skipped because
 * samples are stored as JSON, which cannot hold them.
 */

/** Builds the canonical flattened key for a series. */
export function metricKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  const parts = names.map((k) => `${k}="${escapeLabelValue(labels[k] ?? '')}"`);
  return `${name}{${parts.join(',')}}`;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses one exposition body. Malformed lines are skipped and counted, never thrown. */
export function parsePrometheusText(text: string): { values: Record<string, number>; skippedLines: number } {
  const values: Record<string, number> = {};
  let skippedLines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseSampleLine(line);
    if (!parsed) {
      skippedLines++;
      continue;
    }
    if (Number.isFinite(parsed.value)) values[metricKey(parsed.name, parsed.labels)] = parsed.value;
  }
  return { values, skippedLines };
}

interface SampleLine {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseSampleLine(line: string): SampleLine | null {
  const nameMatch = NAME_RE.exec(line);
  if (!nameMatch) return null;
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    const end = parseLabels(line, i + 1, labels);
    if (end < 0) return null;
    i = end;
  }
  // After the series: whitespace, value, optional timestamp (ms) which we ignore.
  const rest = line.slice(i).trim().split(/\s+/);
  if (rest.length === 0 || rest[0] === undefined || rest[0] === '') return null;
  const value = parseValue(rest[0]);
  if (value === null) return null;
  return { name, labels, value };
}

/** Reads `a="x",b="y"}` starting after `{`; returns the index after `}` or -1 when malformed. */
function parseLabels(line: string, start: number, out: Record<string, string>): number {
  let i = start;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return i + 1;
    const m = LABEL_NAME_RE.exec(line.slice(i));
    if (!m) return -1;
    const label = m[0];
    i += label.length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=') return -1;
    i++;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') return -1;
    i++;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) return -1;
      if (c === '"') break;
      if (c === '\\') {
        const next = line[i + 1];
        value += next === 'n' ? '\n' : next === '\\' ? '\\' : next === '"' ? '"' : `\\${next ?? ''}`;
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    i++;
    out[label] = value;
  }
}

/** Go's ParseFloat spellings, case-insensitive: prom-client writes `Nan`, Prometheus `NaN`. */
function parseValue(s: string): number | null {
  const lower = s.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (/^\+?inf(inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
  const v = Number(s);
  return Number.isNaN(v) || s.trim() === '' ? null : v;
}
