/**
 * The health-factor histogram a credit venue reports at the start and the end of a run, on the
 * lending world's shared bucket edges, so that venues compare bucket by bucket.
 */
import { type HealthFactorHistogram, healthFactorEdges } from "../lending/contracts.ts";

export function emptyHistogram(): HealthFactorHistogram {
  return { edges: healthFactorEdges, counts: new Array(healthFactorEdges.length - 1).fill(0) };
}

/** Bucket index of a health factor in `healthFactorEdges`; the last bucket has no upper edge. */
export function histogramBucket(healthFactor: number): number {
  let bucket = 0;
  while (bucket < healthFactorEdges.length - 2 && healthFactor >= healthFactorEdges[bucket + 1]) {
    bucket++;
  }
  return bucket;
}
