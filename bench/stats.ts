/** The figures the benchmark tables show of a mitata measurement (also across processes, as JSON). */
export interface Stats {
  avg: number;
  p50: number;
  min: number;
  max: number;
  samples: number;
}

export function statsOf(measured: Omit<Stats, "samples"> & { samples: unknown[] }): Stats {
  const { avg, p50, min, max, samples } = measured;
  return { avg, p50, min, max, samples: samples.length };
}
