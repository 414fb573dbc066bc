/** Plain-text tables for the terminal: a header, a rule, left-aligned text, right-aligned numbers. */

export interface TableColumn {
  title: string;
  align: "left" | "right";
}

export function renderTable(columns: readonly TableColumn[], rows: readonly string[][]): string {
  const widths = columns.map((column, index) =>
    Math.max(column.title.length, ...rows.map((cells) => cells[index].length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) =>
        columns[index].align === "right"
          ? cell.padStart(widths[index])
          : cell.padEnd(widths[index]),
      )
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return `${[line(columns.map((column) => column.title)), rule, ...rows.map(line)].join("\n")}\n`;
}
