// Shared by the benchmarks: options, medians, and one JSON line plus a readable line per result.

export function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Prints `BENCH {json}` for scripts and a readable summary for people. */
export function report(benchmark, figures) {
  console.log(`BENCH ${JSON.stringify({ benchmark, ...figures })}`);
}
