/** The process's resident memory at its peak while `read` runs (sampled every 2 ms: reads await between chunks), above the memory before it; and the time it took. */
export async function measured(read: () => Promise<unknown>): Promise<{ rssGrowthMb: number; ms: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 2);
  const started = performance.now();
  try {
    await read();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { rssGrowthMb: (peak - before) / 2 ** 20, ms: performance.now() - started };
}
