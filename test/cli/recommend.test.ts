import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deleverage, repositoryRoot, scratchFolder } from "../support/cli.ts";

const fixture = join(repositoryRoot, "test/runner/fixtures/small-stress.yaml");
const folders: string[] = [];
function scratch(): string {
  const folder = scratchFolder("deleverage-recommend-");
  folders.push(folder);
  return folder;
}
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const funds = [1000, 3000, 10000, 20000, 40000];
const args = (out: string, ...extra: string[]) => [
  "recommend",
  fixture,
  "--sweep",
  `exchange.insuranceFund=${funds.join(",")}`,
  "--target",
  "P(insuranceFundExhausted) < 0.2",
  "--minimize",
  "exchange.insuranceFund",
  "--runs",
  "20",
  "--workers",
  "2",
  "--out",
  out,
  ...extra,
];

interface RecommendJson {
  recommended: { index: number; parameters: Record<string, number>; runs: number } | null;
  frontier: number[];
  points: {
    index: number;
    runs: number;
    verdict: string;
    dominatedBy: number | null;
    targets: { high: number }[];
  }[];
}

describe("deleverage recommend", () => {
  const out = scratch();

  it("finds the smallest insurance fund that keeps P(fund exhausted) below 20 %", async () => {
    const outcome = await deleverage(...args(out));
    expect(outcome.stderr).toMatch(/recommend: sweep [0-9a-f]{16}: 5 points, 20 runs each/);
    expect(outcome.code).toBe(0);
    const json = JSON.parse(readFileSync(join(out, "recommend.json"), "utf8")) as RecommendJson;
    const verdicts = json.points.map((point) => point.verdict);
    // A bigger fund is never exhausted more often, so the answer is the first point that meets
    // the target; every dearer point meets it too or is left undecided, dominated by the answer.
    const firstMet = verdicts.indexOf("met");
    expect(firstMet).toBeGreaterThan(0);
    expect(verdicts.slice(0, firstMet)).not.toContain("met");
    for (const point of json.points.slice(firstMet + 1)) {
      expect(point.verdict === "met" || point.dominatedBy === firstMet).toBe(true);
      expect(point.dominatedBy).toBe(firstMet);
    }
    expect(json.recommended?.index).toBe(firstMet);
    expect(json.recommended?.parameters["exchange.insuranceFund"]).toBe(funds[firstMet]);
    expect(json.frontier).toEqual([firstMet]);
    expect(json.points[firstMet].targets[0].high).toBeLessThan(0.2);
    // Points whose verdict was open got more runs; the first stage gave everyone 20.
    for (const point of json.points) expect(point.runs % 20).toBe(0);
    expect(outcome.stdout).toMatch(/point\s+exchange\.insuranceFund\s+runs\s+hits\s+estimate/);
    expect(outcome.stdout).toContain(
      `Recommended: point ${firstMet} (exchange.insuranceFund=${funds[firstMet]})`,
    );
    const html = readFileSync(join(out, "recommend-report.html"), "utf8");
    expect(html).toContain('<figure class="frontier">');
    expect(html.match(/<g class="sweep-point"/g)).toHaveLength(funds.length);
  });

  it("gives the same bytes again from the store without computing a run", async () => {
    const before = readFileSync(join(out, "recommend.json"));
    const report = readFileSync(join(out, "recommend-report.html"));
    const outcome = await deleverage(...args(out));
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toMatch(/resuming sweep [0-9a-f]{16}: 100 of 100 runs already stored/);
    expect(outcome.stderr).not.toMatch(/runs behind the verdicts/);
    expect(readFileSync(join(out, "recommend.json"))).toEqual(before);
    expect(readFileSync(join(out, "recommend-report.html"))).toEqual(report);
  });

  it("rejects an invalid sweep value before any run: exit 2, no output folder", async () => {
    const bad = join(scratch(), "never");
    const outcome = await deleverage(
      "recommend",
      fixture,
      "--sweep",
      "exchange.insuranceFund=1000,-1",
      "--target",
      "P(adlFired) < 0.5",
      "--minimize",
      "exchange.insuranceFund",
      "--out",
      bad,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      "--sweep exchange.insuranceFund: value -1 (point 1): -1 is not allowed; must be >= 0",
    );
    expect(existsSync(bad)).toBe(false);
  });

  it("needs a target, a cost and a sweep (exit 2)", async () => {
    const bad = join(scratch(), "never");
    const sweep = ["--sweep", "exchange.insuranceFund=1,2"];
    const target = ["--target", "P(adlFired) < 0.5"];
    const cost = ["--minimize", "exchange.insuranceFund"];
    const outcomes = await Promise.all([
      deleverage("recommend", fixture, ...sweep, ...cost, "--out", bad),
      deleverage("recommend", fixture, ...sweep, ...target, "--out", bad),
      deleverage("recommend", fixture, ...target, ...cost, "--out", bad),
    ]);
    expect(outcomes.map((outcome) => outcome.code)).toEqual([2, 2, 2]);
    expect(outcomes[0].stderr).toMatch(/recommend needs --target/);
    expect(outcomes[1].stderr).toMatch(/--minimize PATH or --maximize PATH/);
    expect(outcomes[2].stderr).toMatch(/declares no sweep/);
    expect(existsSync(bad)).toBe(false);
  });
});
