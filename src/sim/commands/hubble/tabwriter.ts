/**
 * Go's `text/tabwriter` as the Hubble and Cilium CLIs use it (padding with spaces, no flags).
 *
 * A cell is text ended by a tab; the text after a line's last tab is not part of any column. A
 * column is laid out per block of consecutive lines that all have a cell in it, each cell padded
 * to the widest one of its block plus `padding` (and at least `minwidth`). Widths count code
 * points, ANSI escape sequences included, exactly as Go counts runes: that is why cilium-cli's
 * coloured logo still lines up.
 */

export interface TabwriterOptions {
  /** Minimal cell width, padding included. */
  minwidth: number;
  /** Spaces added to the widest cell of a column. */
  padding: number;
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Lays out `text` (lines of tab-ended cells) as Go's tabwriter would print it. */
export function tabwrite(text: string, opts: TabwriterOptions): string {
  const rawLines = text.split('\n');
  const trailing = rawLines.pop() ?? '';
  const lines = rawLines.map((l) => l.split('\t'));
  const widths: number[] = [];
  let out = '';

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      for (let j = 0; j < cells.length; j++) {
        const c = cells[j]!;
        out += c;
        if (j < widths.length) out += ' '.repeat(Math.max(0, widths[j]! - runeCount(c)));
      }
      out += '\n';
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i]!.length - 1) continue;
      writeLines(line0, i);
      line0 = i;
      let width = opts.minwidth;
      for (; i < line1; i++) {
        const cells = lines[i]!;
        if (column >= cells.length - 1) break;
        width = Math.max(width, runeCount(cells[column]!) + opts.padding);
      }
      widths.push(width);
      format(line0, i);
      widths.pop();
      line0 = i;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out + trailing;
}

/** Rows of cells joined with tabs: every cell but the last ends with a tab. */
export function tabRows(rows: readonly (readonly string[])[], opts: TabwriterOptions): string {
  return tabwrite(rows.map((r) => `${r.join('\t')}\n`).join(''), opts);
}
