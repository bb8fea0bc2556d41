/**
 * Ordinary least squares with an intercept, on centred and scaled columns (cumulative counts
 * reach 1e6 while hours stay near 10; scaling keeps the normal equations well conditioned).
 * Small p (a handful of action types), so Gauss–Jordan on XᵀX is exact enough and dependency-free.
 */

export interface OlsFit {
  readonly intercept: number;
  /** Coefficients in the columns' own units. */
  readonly coef: readonly number[];
  /** Covariance of coef under iid errors: s²(XᵀX)⁻¹ in the columns' own units. */
  readonly cov: readonly (readonly number[])[];
  readonly residuals: readonly number[];
  /** Residual variance s² = RSS / (n − p − 1). */
  readonly s2: number;
  readonly rSquared: number;
}

/** Fits y = a + Σ b_j x_j. `columns[j][i]` is x_j at observation i. Null if XᵀX is singular. */
export function ols(columns: readonly (readonly number[])[], y: readonly number[]): OlsFit | null {
  const n = y.length;
  const p = columns.length;
  if (n <= p + 1) return null;
  const yMean = y.reduce((a, b) => a + b, 0) / n;
  const means = columns.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const scales = columns.map((c, j) => Math.sqrt(c.reduce((a, b) => a + (b - (means[j] as number)) ** 2, 0)) || 0);
  if (scales.some((s) => s === 0)) return null;
  const z = columns.map((c, j) => c.map((v) => (v - (means[j] as number)) / (scales[j] as number)));
  const xtx = z.map((a) => z.map((b) => dot(a, b)));
  const xty = z.map((a) => dot(a, y.map((v) => v - yMean)));
  const inv = invert(xtx);
  if (!inv) return null;
  const beta = inv.map((row) => dot(row, xty));
  const coef = beta.map((b, j) => b / (scales[j] as number));
  const intercept = yMean - coef.reduce((a, b, j) => a + b * (means[j] as number), 0);
  const residuals = y.map((v, i) => v - intercept - coef.reduce((a, b, j) => a + b * ((columns[j] as number[])[i] as number), 0));
  const rss = dot(residuals, residuals);
  const tss = y.reduce((a, v) => a + (v - yMean) ** 2, 0);
  const s2 = rss / (n - p - 1);
  const cov = inv.map((row, j) => row.map((v, k) => (s2 * v) / ((scales[j] as number) * (scales[k] as number))));
  return { intercept, coef, cov, residuals, s2, rSquared: tss > 0 ? 1 - rss / tss : 1 };
}

/** R² of one column regressed on others (with intercept); 1 when it is an exact combination. */
export function rSquaredOn(column: readonly number[], others: readonly (readonly number[])[]): number {
  const n = column.length;
  const m = column.reduce((a, b) => a + b, 0) / n;
  const tss = column.reduce((a, v) => a + (v - m) ** 2, 0);
  if (tss === 0) return 1;
  if (others.length === 0) return 0;
  const fit = ols(others, column);
  if (!fit) return 1;
  return fit.rSquared;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Gauss–Jordan with partial pivoting; null when a pivot vanishes (singular to 1e-12 relative). */
function invert(m: readonly (readonly number[])[]): number[][] | null {
  const p = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: p }, (_, k) => (k === i ? 1 : 0))]);
  const scale = Math.max(...m.map((row, i) => Math.abs(row[i] as number)), 1e-300);
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs((a[r] as number[])[col] as number) > Math.abs((a[pivot] as number[])[col] as number)) pivot = r;
    const pr = a[pivot] as number[];
    if (Math.abs(pr[col] as number) < 1e-12 * scale) return null;
    [a[col], a[pivot]] = [pr, a[col] as number[]];
    const row = a[col] as number[];
    const d = row[col] as number;
    for (let k = 0; k < 2 * p; k++) row[k] = (row[k] as number) / d;
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const other = a[r] as number[];
      const f = other[col] as number;
      if (f !== 0) for (let k = 0; k < 2 * p; k++) other[k] = (other[k] as number) - f * (row[k] as number);
    }
  }
  return a.map((row) => row.slice(p));
}
