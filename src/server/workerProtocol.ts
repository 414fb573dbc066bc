/** Messages between the run manager and a run's worker thread. */
import type { ReportChartData } from "../report/chartData.ts";
import type { Summary } from "../report/summary.ts";
import type { ScenarioRequestSpec } from "./scenarioRequest.ts";

export interface WorkerInput {
  /** The scenario as requested: the worker loads it itself, so it never crosses threads whole. */
  request: ScenarioRequestSpec;
}

export type WorkerMessage =
  | { type: "progress"; step: number; steps: number }
  | {
      type: "done";
      /** A perp run's summary and charts; a lending run has its report only. */
      summary?: Summary;
      summaryText: string;
      chartData?: ReportChartData;
      reportHtml: string;
    }
  | { type: "failed"; message: string };
