/**
 * Exogenous index paths for every market of an exchange, drawn together so that markets move
 * together the way the scenario says:
 * - a one-factor model: market m follows the common factor F with its own beta and an
 *   idiosyncratic driftless GBM, log P_m(t) = log P_m(0) + β_m log(F(t)/F(0)) + X_m(t),
 *   X_m(t) = X_m(t−1) − σ²_m Δ/2 + σ_m √Δ ε_m(t) (Δ in days), so a factor shock of −10 % moves
 *   a β = 1.6 market by 0.9^1.6 − 1 = −15.5 %;
 * - a market of its own: any shock process (a real path, GBM, jumps, GARCH, regimes);
 * - a correlation matrix: the normal innovations ε of all markets' stochastic parts are
 *   correlated, ε = L z with L L' = the matrix (Cholesky) and z independent standard normals.
 * The factor path draws from the run's shock stream, as the single-market path always has; each
 * market's own draws come from a stream of its own split off the markets stream.
 */
import type { EngineScenario, ShockSpec } from "./config.ts";
import type { RandomStream, StreamComponent } from "./random.ts";
import { exogenousPath, ShockProcess } from "./shock.ts";

const secondsPerDay = 86_400;

/**
 * Lower-triangular L with L L' = matrix, row-major. Throws `correlation: …` naming the first
 * row that makes the matrix not positive definite (a correlation matrix must be).
 */
export function cholesky(matrix: readonly (readonly number[])[]): Float64Array {
  const size = matrix.length;
  const lower = new Float64Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column <= row; column++) {
      let sum = matrix[row][column];
      for (let k = 0; k < column; k++) sum -= lower[row * size + k] * lower[column * size + k];
      if (row === column) {
        if (!(sum > 1e-12)) {
          throw new Error(
            `correlation: row ${row} makes the matrix not positive definite (pivot ${sum}); a correlation matrix must be symmetric positive definite`,
          );
        }
        lower[row * size + row] = Math.sqrt(sum);
      } else {
        lower[row * size + column] = sum / lower[column * size + column];
      }
    }
  }
  return lower;
}

/** Row t of path m is market m's index during step t (row 0 = the start). */
export function marketPaths(
  scenario: EngineScenario,
  streams: Record<StreamComponent, RandomStream>,
): Float64Array[] {
  const { markets, steps, dt } = scenario;
  const factor = scenario.factor;
  if (markets.length === 1 && factor === undefined && scenario.correlation === undefined) {
    const only = markets[0];
    if (only.exogenous.kind === "own") {
      return [exogenousPath(only.exogenous.shock, only.price, steps, dt, streams.shock)];
    }
  }
  const factorPath =
    factor === undefined ? undefined : exogenousPath(factor, 1, steps, dt, streams.shock);
  const own = streams.markets.split(markets.length + 1);
  const correlated =
    scenario.correlation === undefined ? undefined : cholesky(scenario.correlation);
  const innovations = new Float64Array(markets.length);
  const independent = new Float64Array(markets.length);
  const paths = markets.map(() => new Float64Array(steps + 1));
  const processes = markets.map((market) =>
    market.exogenous.kind === "own"
      ? new ShockProcess(market.exogenous.shock, market.price, dt)
      : null,
  );
  const idiosyncratic = new Float64Array(markets.length);
  const days = dt / secondsPerDay;
  markets.forEach((market, index) => {
    paths[index][0] = processes[index]?.start() ?? market.price;
  });
  for (let step = 1; step <= steps; step++) {
    if (correlated !== undefined) {
      const count = markets.length;
      for (let index = 0; index < count; index++) independent[index] = own[count].normal();
      for (let row = 0; row < count; row++) {
        let sum = 0;
        for (let k = 0; k <= row; k++) sum += correlated[row * count + k] * independent[k];
        innovations[row] = sum;
      }
    }
    for (let index = 0; index < markets.length; index++) {
      const market = markets[index];
      const random = own[index];
      const path = paths[index];
      const exogenous = market.exogenous;
      const process = processes[index];
      if (process !== null) {
        const normal =
          correlated !== undefined ? innovations[index] : process.usesNormal ? random.normal() : 0;
        path[step] = process.next(step, path[step - 1], normal, random);
        continue;
      }
      if (exogenous.kind !== "factor" || factorPath === undefined) {
        throw new Error(`markets.${index}: a factor-driven market needs the exchange's factor`);
      }
      const sigma = exogenous.idiosyncraticVolatility;
      if (sigma > 0) {
        const normal = correlated !== undefined ? innovations[index] : random.normal();
        idiosyncratic[index] += -0.5 * sigma * sigma * days + sigma * Math.sqrt(days) * normal;
      }
      path[step] =
        market.price *
        (factorPath[step] / factorPath[0]) ** exogenous.beta *
        Math.exp(idiosyncratic[index]);
    }
  }
  return paths;
}

/**
 * The shock behind the lead market's index: its own, or the factor it follows. Its `startTime`
 * (a replay's first time stamp) is what the reports label times with.
 */
export function leadShock(scenario: EngineScenario): ShockSpec | undefined {
  const lead = scenario.markets[0].exogenous;
  return lead.kind === "own" ? lead.shock : scenario.factor;
}

/** Every shock process a scenario's paths come from: the factor and each market's own. */
export function shockSources(
  scenario: EngineScenario,
): { market: string | null; shock: ShockSpec }[] {
  const sources: { market: string | null; shock: ShockSpec }[] = [];
  if (scenario.factor !== undefined) sources.push({ market: null, shock: scenario.factor });
  for (const market of scenario.markets) {
    if (market.exogenous.kind === "own")
      sources.push({ market: market.symbol, shock: market.exogenous.shock });
  }
  return sources;
}
