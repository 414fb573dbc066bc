import { formatCount } from "./format.ts";

/**
 * HTML text helpers with no Node imports, so the report writer and the dashboard in the browser
 * build the same markup from the same code.
 */

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** "1 close", "8,076 closes". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** The look every report page shares: colours, type, layout, tables. Pages add their own rules. */
export const basePageCss = `
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6570; --rule: #d8dde3; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 12px; }
h2 { font-size: 1.15rem; margin: 32px 0 4px; }
.lead { font-size: 1.05rem; background: var(--panel); border-left: 4px solid #2f6fb0; padding: 12px 16px; margin: 0 0 16px; }
.note { color: var(--muted); margin: 0 0 8px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.85rem; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; }
thead th { background: var(--panel); }
`;

/** A folded section whose heading is its summary line: raw data below the story. */
export const detailsCss = `
details { margin: 32px 0 0; }
details > summary { cursor: pointer; list-style: revert; }
details > summary h2 { display: inline; margin: 0; }
`;

/**
 * One self-contained HTML document: `styles` inlined in the head, `main` under the page title,
 * `after` (inline scripts, data) after the main content.
 */
export function htmlPage(
  title: string,
  styles: readonly string[],
  main: string,
  after = "",
): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${styles.map((style) => `<style>${style}</style>`).join("\n")}
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${main}
</main>
${after}</body>
</html>
`;
}
