/** Messages between the run manager and a run's worker thread. */
import type { EngineScenario } from "../engine/config.ts";
import type { LendingEngineScenario } from "../engine/lending/run.ts";
import type { ReportChartData } from "../report/chartData.ts";
import type { Summary } from "../report/summary.ts";

export interface WorkerInput {
  /** Exactly one of the two engines. */
  engine?: EngineScenario;
  lending?: LendingEngineScenario;
  seed: number;
  scenarioHash: string;
  version: string;
  title: string;
}

export type WorkerMessage =
  | { type: "progress"; step: number; steps: number }
  | {
      type: "done";
      summary?: Summary;
      summaryText: string;
      chartData?: ReportChartData;
      reportHtml: string;
    }
  | { type: "failed"; message: string };
