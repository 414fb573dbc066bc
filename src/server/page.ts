/**
 * The dashboard page and its scripts. The page is static; src/web/dashboard.ts fills it in.
 * The script is bundled from TypeScript by esbuild on first request (a few tens of
 * milliseconds) when running from the sources; the compiled program ships it prebuilt.
 */
import path from "node:path";
import { packageRoot } from "../packageFiles.ts";
import { browserBundle, uplotAssets } from "../report/assets.ts";
import { chartCss } from "../report/chartStyle.ts";
import { escapeHtml } from "../report/markup.ts";
import { parameterFields } from "./protocol.ts";

/** The dashboard's browser script (bundled like the report's, see report/assets.ts). */
export const dashboardEntry = path.join(packageRoot, "src/web/dashboard.ts");

const dashboardCss = `
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6570; --rule: #d8dde3; --panel: #f6f8fa;
  --accent: #2f6fb0; --error: #b3261e; --ok: #1e7b34; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
header { display: flex; align-items: baseline; gap: 16px; padding: 10px 20px; border-bottom: 1px solid var(--rule); }
header h1 { font-size: 1.3rem; margin: 0; }
.muted, .note { color: var(--muted); }
.layout { display: grid; grid-template-columns: minmax(300px, 360px) minmax(0, 1fr); min-height: calc(100vh - 50px); }
aside { border-right: 1px solid var(--rule); padding: 12px 16px; background: var(--panel);
  position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; }
aside h2 { font-size: 1rem; margin: 14px 0 6px; }
label { display: block; font-weight: 500; margin: 8px 0 2px; }
input, select, textarea, button { font: inherit; }
input[type="text"], select, textarea { width: 100%; padding: 5px 7px; border: 1px solid #b8c0c8; border-radius: 4px; background: #fff; }
textarea { min-height: 54px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.field.invalid input, .field.invalid select { border-color: var(--error); background: #fff6f5; }
.hint { display: block; color: var(--muted); font-size: 12px; }
.field-error, .error { color: var(--error); font-size: 12.5px; margin: 2px 0 0; white-space: pre-wrap; }
.field-error:empty, .error:empty { display: none; }
.validation { margin: 10px 0; font-size: 12.5px; min-height: 1.4em; }
.validation.ok { color: var(--ok); }
.validation.invalid { color: var(--error); white-space: pre-wrap; }
button { padding: 6px 14px; border: 1px solid #9aa3ad; border-radius: 4px; background: #fff; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
button:disabled { opacity: 0.5; cursor: not-allowed; }
#run-list { list-style: none; padding: 0; margin: 0; }
#run-list li { background: #fff; border: 1px solid var(--rule); border-radius: 4px; padding: 6px 8px; margin: 0 0 6px; }
#run-list li.selected { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent); }
.run-head { display: flex; justify-content: space-between; gap: 8px; }
.run-state { font-size: 12px; color: var(--muted); }
.run-state.failed { color: var(--error); }
.run-overrides { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11px; color: var(--muted); word-break: break-all; }
progress { width: 100%; height: 8px; }
#view { padding: 12px 20px 40px; min-width: 0; }
.tabs { display: flex; gap: 6px; margin-bottom: 12px; }
.tabs button[aria-pressed="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
.lead { font-size: 1.02rem; background: var(--panel); border-left: 4px solid var(--accent); padding: 10px 14px; margin: 0 0 10px; }
#view h2 { font-size: 1.2rem; margin: 4px 0 8px; }
#view h3 { font-size: 1.02rem; margin: 22px 0 2px; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
.pair > div { min-width: 0; }
.pair-head { font-weight: 600; color: var(--muted); }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.85rem; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; }
thead th { background: var(--panel); }
#compare-table th[scope="row"] { text-align: left; font-weight: 500; }
.compare-pickers { display: flex; gap: 16px; align-items: end; flex-wrap: wrap; }
.compare-pickers label { margin: 0; }
${chartCss}`;

function parameterFieldsHtml(): string {
  return parameterFields
    .map((field) => {
      const input =
        field.key === "adlRanking"
          ? `<select id="param-${field.key}" name="${field.key}"></select>`
          : `<input type="text" id="param-${field.key}" name="${field.key}" autocomplete="off" spellcheck="false">`;
      return (
        `<div class="field" data-field="${field.key}">\n<label for="param-${field.key}">${escapeHtml(field.label)}</label>\n${input}\n` +
        `<small class="hint">${escapeHtml(field.hint)} (<code>${escapeHtml(field.path)}</code>)</small>\n<p class="field-error" role="alert"></p>\n</div>`
      );
    })
    .join("\n");
}

const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>deleverage dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/uplot.css">
<style>${dashboardCss}</style>
</head>
<body>
<header><h1>deleverage dashboard</h1><span class="muted">Liquidation cascades, simulated on this machine.</span></header>
<div class="layout">
<aside>
<h2>1. Scenario</h2>
<label for="scenario-select">Built-in or uploaded scenario</label>
<select id="scenario-select"></select>
<label for="upload-input">Upload a scenario (YAML or JSON, up to 1 MB)</label>
<input type="file" id="upload-input" accept=".yaml,.yml,.json">
<p id="upload-error" class="error" role="alert"></p>
<p id="scenario-description" class="muted"></p>
<h2>2. Key parameters</h2>
<form id="parameters" novalidate>
${parameterFieldsHtml()}
<div class="field" data-field="extra">
<label for="param-extra">More overrides</label>
<textarea id="param-extra" name="extra" spellcheck="false" placeholder="exchange.liquidationFeeRate=0.01"></textarea>
<small class="hint">one PATH=VALUE per line, as with <code>deleverage run --set</code></small>
<p class="field-error" role="alert"></p>
</div>
</form>
<div id="validation" class="validation" role="status"></div>
<button id="run-button" class="primary" type="button" disabled>Run</button>
<h2>3. Runs</h2>
<p id="runs-empty" class="muted">No runs yet.</p>
<ol id="run-list"></ol>
</aside>
<main id="view">
<nav class="tabs">
<button type="button" id="tab-report" aria-pressed="true">Report</button>
<button type="button" id="tab-compare" aria-pressed="false">Compare two runs</button>
</nav>
<section id="report-view">
<p id="report-empty" class="muted">Pick a scenario, adjust it and press Run; its report appears here.</p>
<div id="report-content" hidden>
<h2 id="report-title"></h2>
<p id="report-summary" class="lead"></p>
<p><a id="report-link" target="_blank" rel="noopener">Open the full report (report.html, works offline)</a></p>
<div id="report-charts"></div>
</div>
</section>
<section id="compare-view" hidden>
<div class="compare-pickers">
<label>Run A <select id="compare-a"></select></label>
<label>Run B <select id="compare-b"></select></label>
</div>
<p id="compare-empty" class="muted">Finish two runs to compare them side by side.</p>
<div id="compare-content" hidden>
<table id="compare-table"></table>
<div id="compare-charts"></div>
</div>
</section>
</main>
</div>
<script src="/assets/uplot.js"></script>
<script src="/assets/dashboard.js"></script>
</body>
</html>
`;

export interface DashboardAssets {
  page: string;
  script: () => string;
  uplotScript: string;
  uplotCss: string;
}

export function dashboardAssets(): DashboardAssets {
  const uplot = uplotAssets();
  return {
    page,
    script: () => browserBundle(dashboardEntry),
    uplotScript: uplot.script,
    uplotCss: uplot.css,
  };
}
