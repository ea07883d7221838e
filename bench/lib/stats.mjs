// Small statistics helpers for the benchmark report.

/** The q-quantile (0..1) of numbers, linear between closest ranks. */
export function quantile(values, q) {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export const median = (values) => quantile(values, 0.5);

/** Summary of RTT samples (µs). */
export function summarize(samples) {
  if (!samples.length) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const v of samples) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    n: samples.length,
    min,
    p5: quantile(samples, 0.05),
    p25: quantile(samples, 0.25),
    median: median(samples),
    p75: quantile(samples, 0.75),
    p95: quantile(samples, 0.95),
    p99: quantile(samples, 0.99),
    max,
  };
}

/** Numbers for tables: 3 significant digits, thousands as "k" when asked. */
export function fmt(value, { k = false, digits = 3 } = {}) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (k && Math.abs(value) >= 1000) return `${fmt(value / 1000, { digits })} k`;
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toString();
  return Number(value.toPrecision(digits)).toString();
}

/** variant / baseline, for the ratio columns. */
export function ratio(value, baseline) {
  if (value == null || baseline == null || baseline === 0) return null;
  return value / baseline;
}
