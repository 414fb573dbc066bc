/**
 * The Pareto frontier of sweep points over cost objectives ("smallest insurance fund", "highest
 * allowed leverage"): the points no other point beats on one objective without losing on
 * another. Only points that meet the risk targets take part (src/runner/recommend.ts).
 */

export interface Objective {
  path: string;
  direction: "minimize" | "maximize";
}

/** A candidate: its index and its value on each objective, in the objectives' order. */
export interface Candidate {
  index: number;
  values: readonly number[];
}

/** -1 when `first` is better on this objective, 1 when worse, 0 when equal. */
function order(objective: Objective, first: number, second: number): number {
  if (first === second) return 0;
  const better = objective.direction === "minimize" ? first < second : first > second;
  return better ? -1 : 1;
}

/** `first` dominates `second`: no worse on every objective and better on at least one. */
export function dominates(
  objectives: readonly Objective[],
  first: Candidate,
  second: Candidate,
): boolean {
  let better = false;
  for (let index = 0; index < objectives.length; index++) {
    const comparison = order(objectives[index], first.values[index], second.values[index]);
    if (comparison > 0) return false;
    if (comparison < 0) better = true;
  }
  return better;
}

/** Indexes of the non-dominated candidates, ascending. Equal candidates are all kept. */
export function paretoFrontier(
  objectives: readonly Objective[],
  candidates: readonly Candidate[],
): number[] {
  return candidates
    .filter((candidate) => !candidates.some((other) => dominates(objectives, other, candidate)))
    .map((candidate) => candidate.index)
    .sort((first, second) => first - second);
}

/** Orders candidates best first by the objectives' priority (first objective first), then index. */
export function byPriority(
  objectives: readonly Objective[],
): (first: Candidate, second: Candidate) => number {
  return (first, second) => {
    for (let index = 0; index < objectives.length; index++) {
      const comparison = order(objectives[index], first.values[index], second.values[index]);
      if (comparison !== 0) return comparison;
    }
    return first.index - second.index;
  };
}

/**
 * The recommendation among frontier candidates: best on the first objective, then the second,
 * and so on (the order the objectives were given is their priority); then the larger safety
 * margin (`margins`, higher is safer); then the lower index.
 */
export function pickRecommendation(
  objectives: readonly Objective[],
  frontier: readonly Candidate[],
  margins: ReadonlyMap<number, number>,
): Candidate | undefined {
  const sorted = [...frontier].sort((first, second) => {
    for (let index = 0; index < objectives.length; index++) {
      const comparison = order(objectives[index], first.values[index], second.values[index]);
      if (comparison !== 0) return comparison;
    }
    const margin = (margins.get(second.index) ?? 0) - (margins.get(first.index) ?? 0);
    return margin !== 0 ? margin : first.index - second.index;
  });
  return sorted[0];
}
