/**
 * The dashboard in the browser: pick or upload a scenario, edit its key parameters (validated
 * by the server as you type, with the CLI's messages), run it, follow its progress, read its
 * report and compare two runs side by side. Bundled by the server from this file.
 */
import { adlTablesHtml } from "../report/adlTables.ts";
import type { ReportChartData } from "../report/chartData.ts";
import { chartSections } from "../report/chartStyle.ts";
import {
  type DrawnChart,
  drawChart,
  mainScaleExtent,
  sharedRange,
} from "../report/client/charts.ts";
import { formatCount, formatMoney, formatPercent } from "../report/format.ts";
import {
  adlRankings,
  type Issue,
  isFinished,
  type ParameterValues,
  parameterFields,
  type RunReport,
  type RunStatus,
  type ScenarioInfo,
  type ScenarioSource,
} from "../server/protocol.ts";
import {
  ApiError,
  cancelRun,
  fetchPresets,
  fetchReport,
  fetchRuns,
  fetchUploads,
  reportHtmlUrl,
  startRun,
  uploadScenario,
  validateScenario,
  watchRun,
} from "./api.ts";

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no element #${id}`);
  return found as T;
}

function create<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const made = Object.assign(document.createElement(tag), properties);
  made.append(...children);
  return made;
}

const elements = {
  scenarioSelect: byId<HTMLSelectElement>("scenario-select"),
  uploadInput: byId<HTMLInputElement>("upload-input"),
  uploadError: byId<HTMLParagraphElement>("upload-error"),
  description: byId<HTMLParagraphElement>("scenario-description"),
  form: byId<HTMLFormElement>("parameters"),
  extra: byId<HTMLTextAreaElement>("param-extra"),
  validation: byId<HTMLDivElement>("validation"),
  runButton: byId<HTMLButtonElement>("run-button"),
  runList: byId<HTMLOListElement>("run-list"),
  runsEmpty: byId<HTMLParagraphElement>("runs-empty"),
  reportTab: byId<HTMLButtonElement>("tab-report"),
  compareTab: byId<HTMLButtonElement>("tab-compare"),
  reportView: byId<HTMLElement>("report-view"),
  reportEmpty: byId<HTMLParagraphElement>("report-empty"),
  reportContent: byId<HTMLDivElement>("report-content"),
  reportTitle: byId<HTMLHeadingElement>("report-title"),
  reportSummary: byId<HTMLParagraphElement>("report-summary"),
  reportLink: byId<HTMLAnchorElement>("report-link"),
  reportCharts: byId<HTMLDivElement>("report-charts"),
  compareView: byId<HTMLElement>("compare-view"),
  compareA: byId<HTMLSelectElement>("compare-a"),
  compareB: byId<HTMLSelectElement>("compare-b"),
  compareEmpty: byId<HTMLParagraphElement>("compare-empty"),
  compareContent: byId<HTMLDivElement>("compare-content"),
  compareTable: byId<HTMLTableElement>("compare-table"),
  compareCharts: byId<HTMLDivElement>("compare-charts"),
};

function parameterInput(key: string): HTMLInputElement | HTMLSelectElement {
  return byId<HTMLInputElement | HTMLSelectElement>(`param-${key}`);
}

const state = {
  source: null as ScenarioSource | null,
  /** The scenario's own values: a field differing from these becomes an override. */
  baseline: null as ParameterValues | null,
  validationNumber: 0,
  validationTimer: 0,
  runs: new Map<string, RunStatus>(),
  reports: new Map<string, RunReport>(),
  /** The run whose report is on screen, or is to be once it finishes. */
  shownRun: null as string | null,
  /** Once the user picks runs to compare, new runs no longer replace the picks. */
  comparePicked: false,
  reportCharts: [] as DrawnChart[],
  compareCharts: [] as DrawnChart[],
};

function sourceKey(source: ScenarioSource): string {
  return "preset" in source ? `preset:${source.preset}` : `upload:${source.upload}`;
}

function sourceFromKey(key: string): ScenarioSource {
  const [kind, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  return kind === "preset" ? { preset: name } : { upload: name };
}

/** `--set` lines for every field changed from the scenario's value, then the free-form ones. */
function currentOverrides(): string[] {
  const overrides: string[] = [];
  const baseline = state.baseline;
  if (baseline !== null) {
    for (const field of parameterFields) {
      const original = baseline[field.key];
      const value = parameterInput(field.key).value.trim();
      if (original !== null && value !== original) overrides.push(`${field.path}=${value}`);
    }
  }
  for (const line of elements.extra.value.split("\n")) {
    if (line.trim() !== "") overrides.push(line.trim());
  }
  return overrides;
}

function fieldElement(key: string): HTMLDivElement {
  return elements.form.querySelector(`.field[data-field="${key}"]`) as HTMLDivElement;
}

/** The form field an issue belongs to, if any: the override that caused it or the field it names. */
function fieldOf(issue: Issue): string | null {
  for (const field of parameterFields) {
    if (
      issue.location === `--set ${field.path}` ||
      issue.path === field.path ||
      issue.path.startsWith(`${field.path}.`)
    ) {
      return field.key;
    }
  }
  return issue.location.startsWith("--set ") ? "extra" : null;
}

function clearIssues(): void {
  for (const field of elements.form.querySelectorAll<HTMLDivElement>(".field")) {
    field.classList.remove("invalid");
    (field.querySelector(".field-error") as HTMLParagraphElement).textContent = "";
  }
  elements.validation.textContent = "";
  elements.validation.className = "validation";
}

function showIssues(issues: readonly Issue[], fallback: string): void {
  clearIssues();
  const general: string[] = [];
  for (const issue of issues) {
    const key = fieldOf(issue);
    if (key === null) {
      general.push(issue.text);
      continue;
    }
    const field = fieldElement(key);
    field.classList.add("invalid");
    const message = field.querySelector(".field-error") as HTMLParagraphElement;
    message.textContent =
      message.textContent === "" ? issue.text : `${message.textContent}\n${issue.text}`;
  }
  elements.validation.className = "validation invalid";
  elements.validation.textContent =
    general.length > 0
      ? general.join("\n")
      : issues.length > 0
        ? "Fix the fields marked in red."
        : fallback;
}

function showScenario(scenario: ScenarioInfo): void {
  state.baseline = scenario.parameters;
  elements.description.textContent = scenario.description;
  for (const field of parameterFields) {
    const input = parameterInput(field.key);
    const value = scenario.parameters[field.key];
    input.value = value ?? "";
    input.disabled = value === null;
    input.title = value === null ? "This scenario has no such field." : "";
  }
  elements.extra.value = "";
}

async function validateNow(): Promise<void> {
  const source = state.source;
  if (source === null) return;
  const number = ++state.validationNumber;
  elements.runButton.disabled = true;
  try {
    await validateScenario(source, currentOverrides());
    if (number !== state.validationNumber) return;
    showValid();
  } catch (error) {
    if (number !== state.validationNumber) return;
    showIssues(error instanceof ApiError ? error.issues : [], String(error));
  }
}

/** The scenario and overrides passed validation: say so and allow a run. */
function showValid(): void {
  clearIssues();
  elements.validation.className = "validation ok";
  elements.validation.textContent = "Valid: ready to run.";
  elements.runButton.disabled = false;
}

function scheduleValidation(): void {
  window.clearTimeout(state.validationTimer);
  state.validationTimer = window.setTimeout(() => void validateNow(), 250);
}

async function selectSource(source: ScenarioSource): Promise<void> {
  state.source = source;
  state.baseline = null;
  elements.scenarioSelect.value = sourceKey(source);
  elements.runButton.disabled = true;
  const number = ++state.validationNumber;
  try {
    const { scenario } = await validateScenario(source, []);
    if (number !== state.validationNumber) return;
    showScenario(scenario);
    showValid();
  } catch (error) {
    if (number !== state.validationNumber) return;
    showIssues(error instanceof ApiError ? error.issues : [], String(error));
  }
}

async function fillScenarioSelect(selected?: ScenarioSource): Promise<void> {
  const [{ presets }, { uploads }] = await Promise.all([fetchPresets(), fetchUploads()]);
  const builtIn = create("optgroup", { label: "Built-in" });
  for (const preset of presets) {
    builtIn.append(
      create("option", { value: sourceKey({ preset: preset.name }), textContent: preset.name }),
    );
  }
  const uploaded = create("optgroup", { label: "Uploaded" });
  for (const upload of uploads) {
    uploaded.append(
      create("option", {
        value: sourceKey({ upload: upload.id }),
        textContent: `${upload.fileName} (${upload.name})`,
      }),
    );
  }
  elements.scenarioSelect.replaceChildren(builtIn, ...(uploads.length > 0 ? [uploaded] : []));
  const first = selected ?? (presets.length > 0 ? { preset: presets[0].name } : null);
  if (first !== null) await selectSource(first);
}

async function upload(): Promise<void> {
  const file = elements.uploadInput.files?.[0];
  if (file === undefined) return;
  elements.uploadError.textContent = "";
  try {
    const { upload: stored } = await uploadScenario(file);
    await fillScenarioSelect({ upload: stored.id });
  } catch (error) {
    elements.uploadError.textContent =
      error instanceof ApiError
        ? [
            `${error.message} (HTTP ${error.status})`,
            ...error.issues.map((issue) => issue.text),
          ].join("\n")
        : String(error);
  } finally {
    elements.uploadInput.value = "";
  }
}

function runTitle(status: RunStatus): string {
  return `#${status.number} ${status.scenarioName}`;
}

function renderRunList(): void {
  const runs = [...state.runs.values()].sort((left, right) => right.number - left.number);
  elements.runsEmpty.hidden = runs.length > 0;
  elements.runList.replaceChildren(
    ...runs.map((status) => {
      const stateText =
        status.state === "running"
          ? `running, step ${formatCount(status.step)} of ${formatCount(status.steps)}`
          : status.state === "failed"
            ? `failed: ${status.error ?? "unknown error"}`
            : status.state;
      const view = create("button", {
        type: "button",
        textContent: "View",
        disabled: status.state !== "done",
      });
      view.addEventListener("click", () => {
        showTab("report");
        void showReport(status.id);
      });
      // Only a queued or running run has a Cancel button; a finished one keeps just View.
      const cancel = create("button", { type: "button", textContent: "Cancel" });
      cancel.addEventListener("click", () => {
        void cancelRun(status.id).then(
          ({ run }) => onRunStatus(run),
          () => {},
        );
      });
      const item = create("li", { className: status.id === state.shownRun ? "selected" : "" }, [
        create("div", { className: "run-head" }, [
          create("strong", { textContent: runTitle(status) }),
          create("span", { className: `run-state ${status.state}`, textContent: stateText }),
        ]),
        create("progress", { max: Math.max(1, status.steps), value: status.step }),
        create("div", {
          className: "run-overrides",
          textContent:
            status.overrides.length > 0 ? status.overrides.join("  ") : "as in the scenario",
        }),
        ...(isFinished(status.state) ? [view] : [view, cancel]),
      ]);
      item.dataset.runId = status.id;
      item.dataset.state = status.state;
      return item;
    }),
  );
  renderComparePickers();
}

function onRunStatus(status: RunStatus): void {
  const previous = state.runs.get(status.id);
  state.runs.set(status.id, status);
  renderRunList();
  // The run just started (or picked) is shown when it finishes; other runs do not take over.
  if (status.state === "done" && previous?.state !== "done" && state.shownRun === status.id) {
    void showReport(status.id);
  }
}

async function run(): Promise<void> {
  const source = state.source;
  if (source === null) return;
  elements.runButton.disabled = true;
  try {
    const { run: status } = await startRun(source, currentOverrides());
    state.shownRun = status.id;
    onRunStatus(status);
    watchRun(status.id, onRunStatus);
  } catch (error) {
    showIssues(error instanceof ApiError ? error.issues : [], String(error));
  } finally {
    elements.runButton.disabled = elements.validation.classList.contains("invalid");
  }
}

/** A perp run's report: the one with a summary and chart data. */
type PerpReport = RunReport & Required<Pick<RunReport, "summary" | "chartData">>;

function isPerpReport(report: RunReport): report is PerpReport {
  return report.summary !== undefined && report.chartData !== undefined;
}

async function reportOf(id: string): Promise<RunReport> {
  let report = state.reports.get(id);
  if (report === undefined) {
    report = await fetchReport(id);
    state.reports.set(id, report);
  }
  return report;
}

/** One heading, explanation and chart box per report chart; the ADL section gets its tables. */
function chartSectionsInto(
  container: HTMLElement,
  render: (kind: (typeof chartSections)[number]["kind"], section: HTMLElement) => void,
): void {
  container.replaceChildren();
  for (const section of chartSections) {
    const wrapper = create("section", {}, [
      create("h3", { textContent: section.title }),
      create("p", { className: "note", textContent: section.explanation }),
    ]);
    container.append(wrapper);
    render(section.kind, wrapper);
  }
}

function destroyCharts(charts: DrawnChart[]): void {
  for (const chart of charts.splice(0)) chart.destroy();
}

async function showReport(id: string): Promise<void> {
  state.shownRun = id;
  renderRunList();
  const report = await reportOf(id);
  if (state.shownRun !== id) return;
  destroyCharts(state.reportCharts);
  elements.reportEmpty.hidden = true;
  elements.reportContent.hidden = false;
  elements.reportSummary.textContent = report.status.summaryText ?? "";
  elements.reportLink.href = reportHtmlUrl(id);
  if (!isPerpReport(report)) {
    // A lending run's charts are static SVG: its full report is one click away.
    elements.reportTitle.textContent = `${runTitle(report.status)} (lending)`;
    elements.reportCharts.replaceChildren(
      create("p", {
        className: "note",
        textContent:
          "A lending run: its charts, the auction and keeper story and the events are in the full report (the link above). Interactive charts and the comparison are for perp runs.",
      }),
    );
    elements.reportCharts.dataset.run = id;
    return;
  }
  elements.reportTitle.textContent = `${runTitle(report.status)} (${report.summary.symbol}, seed ${report.summary.seed})`;
  chartSectionsInto(elements.reportCharts, (kind, section) => {
    const box = create("div", { className: "chart", id: `report-chart-${kind}` });
    section.append(box);
    if (kind === "adl") {
      // adlTablesHtml escapes every value it inserts.
      section.append(create("div", { innerHTML: adlTablesHtml(report.chartData.adlBreakdown) }));
    }
    state.reportCharts.push(drawChart(kind, box, report.chartData));
  });
  // Which run the charts show, once they are all drawn (tests wait for it).
  elements.reportCharts.dataset.run = id;
}

/** Fills the run pickers; re-draws the comparison when it is on screen and its pair changed. */
function renderComparePickers(): void {
  const before = [elements.compareA.value, elements.compareB.value].join();
  const done = [...state.runs.values()]
    .filter((status) => status.state === "done" && status.model === "perp")
    .sort((left, right) => right.number - left.number);
  for (const [select, fallback] of [
    [elements.compareA, done[1]],
    [elements.compareB, done[0]],
  ] as const) {
    const chosen = state.comparePicked ? select.value : "";
    select.replaceChildren(
      ...done.map((status) =>
        create("option", {
          value: status.id,
          textContent: `${runTitle(status)}${status.overrides.length > 0 ? `: ${status.overrides.join(", ")}` : ""}`,
        }),
      ),
    );
    select.value = done.some((status) => status.id === chosen) ? chosen : (fallback?.id ?? "");
  }
  const changed = [elements.compareA.value, elements.compareB.value].join() !== before;
  if (changed && !elements.compareView.hidden) void renderCompare();
}

interface CompareRow {
  label: string;
  value: (report: PerpReport) => number;
  format: (value: number) => string;
}

const compareRows: readonly CompareRow[] = [
  {
    label: "exogenous move",
    value: (report) => report.summary.exogenousMove,
    format: formatPercent,
  },
  { label: "total move", value: (report) => report.summary.totalMove, format: formatPercent },
  {
    label: "amplification",
    value: (report) => report.summary.amplification,
    format: (value) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : "n/a"),
  },
  {
    label: "liquidated notional",
    value: (report) => report.summary.liquidatedNotional,
    format: formatMoney,
  },
  {
    label: "liquidations",
    value: (report) => report.summary.liquidationCount,
    format: formatCount,
  },
  { label: "cascade rounds", value: (report) => report.summary.cascadeRounds, format: formatCount },
  { label: "bad debt", value: (report) => report.summary.badDebt, format: formatMoney },
  {
    label: "insurance fund at the end",
    value: (report) => report.summary.insuranceFundEnd,
    format: formatMoney,
  },
  { label: "ADL notional", value: (report) => report.summary.adlNotional, format: formatMoney },
  { label: "ADL closes", value: (report) => report.summary.adlCount, format: formatCount },
  {
    label: "socialised loss",
    value: (report) => report.summary.socializedLoss,
    format: formatMoney,
  },
];

function compareTable(first: PerpReport, second: PerpReport): void {
  const head = create("thead", {}, [
    create("tr", {}, [
      create("th", { scope: "col" }),
      create("th", { scope: "col", textContent: `A: ${runTitle(first.status)}` }),
      create("th", { scope: "col", textContent: `B: ${runTitle(second.status)}` }),
      create("th", { scope: "col", textContent: "B − A" }),
    ]),
  ]);
  const body = create(
    "tbody",
    {},
    compareRows.map((row) => {
      const a = row.value(first);
      const b = row.value(second);
      const difference = b - a;
      const sign = difference > 0 ? "+" : "";
      return create("tr", {}, [
        create("th", { scope: "row", textContent: row.label }),
        create("td", { textContent: row.format(a) }),
        create("td", { textContent: row.format(b) }),
        create("td", {
          textContent: Number.isFinite(difference) ? `${sign}${row.format(difference)}` : "n/a",
        }),
      ]);
    }),
  );
  elements.compareTable.replaceChildren(head, body);
}

async function renderCompare(): Promise<void> {
  const firstId = elements.compareA.value;
  const secondId = elements.compareB.value;
  destroyCharts(state.compareCharts);
  const ready = firstId !== "" && secondId !== "";
  elements.compareEmpty.hidden = ready;
  elements.compareContent.hidden = !ready;
  if (!ready) return;
  const [first, second] = await Promise.all([reportOf(firstId), reportOf(secondId)]);
  if (elements.compareA.value !== firstId || elements.compareB.value !== secondId) return;
  // The pickers list perp runs only; a report without charts cannot be compared.
  if (!isPerpReport(first) || !isPerpReport(second)) return;
  compareTable(first, second);
  const datasets: [string, ReportChartData][] = [
    ["a", first.chartData],
    ["b", second.chartData],
  ];
  chartSectionsInto(elements.compareCharts, (kind, section) => {
    // One scale for both runs, so equal heights mean equal values.
    const yRange = sharedRange(
      mainScaleExtent(first.chartData, kind),
      mainScaleExtent(second.chartData, kind),
    );
    const pair = create("div", { className: "pair" });
    section.append(pair);
    for (const [side, data] of datasets) {
      const box = create("div", { className: "chart", id: `compare-${side}-${kind}` });
      pair.append(
        create("div", {}, [
          create("div", { className: "pair-head", textContent: side.toUpperCase() }),
          box,
        ]),
      );
      state.compareCharts.push(drawChart(kind, box, data, { yRange }));
    }
  });
}

function showTab(tab: "report" | "compare"): void {
  elements.reportTab.setAttribute("aria-pressed", String(tab === "report"));
  elements.compareTab.setAttribute("aria-pressed", String(tab === "compare"));
  elements.reportView.hidden = tab !== "report";
  elements.compareView.hidden = tab !== "compare";
  if (tab === "compare") void renderCompare();
}

function fillAdlRankings(): void {
  const select = parameterInput("adlRanking");
  select.replaceChildren(
    ...adlRankings.map((ranking) => create("option", { value: ranking, textContent: ranking })),
  );
}

async function start(): Promise<void> {
  fillAdlRankings();
  elements.scenarioSelect.addEventListener("change", () => {
    void selectSource(sourceFromKey(elements.scenarioSelect.value));
  });
  elements.uploadInput.addEventListener("change", () => void upload());
  elements.form.addEventListener("input", scheduleValidation);
  elements.form.addEventListener("change", scheduleValidation);
  elements.form.addEventListener("submit", (event) => event.preventDefault());
  elements.runButton.addEventListener("click", () => void run());
  elements.reportTab.addEventListener("click", () => showTab("report"));
  elements.compareTab.addEventListener("click", () => showTab("compare"));
  for (const select of [elements.compareA, elements.compareB]) {
    select.addEventListener("change", () => {
      state.comparePicked = true;
      void renderCompare();
    });
  }
  // Runs started before this page was opened (or reloaded) are listed and followed too.
  const { runs } = await fetchRuns();
  for (const status of runs) {
    state.runs.set(status.id, status);
    if (status.state === "queued" || status.state === "running") watchRun(status.id, onRunStatus);
  }
  renderRunList();
  await fillScenarioSelect();
}

void start();
