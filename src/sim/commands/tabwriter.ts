/**
 * Go's `text/tabwriter` as kubectl, the Hubble CLI and the Cilium CLIs use it (padding with
 * spaces, no flags): it lays out `kubectl get` tables and `kubectl describe` pages, `hubble
 * observe -o table` and `hubble list nodes`, `cilium status` and the `cilium-dbg` lists.
 *
 * Cells end with a tab; the text after a line's last tab is not a cell and is never padded. A
 * column is aligned over a block of consecutive lines that all have a cell in it, so a line with
 * fewer cells ends the block (this is why `describe` output realigns after every nested list).
 * Each cell is padded to the widest cell of its block plus `padding`, but at least `minWidth`.
 * Widths count code points, ANSI escape sequences included, exactly as Go counts runes: that is
 * why cilium-cli's coloured logo still lines up.
 */

export interface TabOptions {
  /** Minimal cell width, padding included. */
  minWidth: number;
  /** Spaces added to the widest cell of a column. */
  padding: number;
}

/** `kubectl get`: cli-runtime's `GetNewTabWriter` (min width 6, padding 3). */
export const TABLE: TabOptions = { minWidth: 6, padding: 3 };
/** `kubectl describe`: `tabbedString` (min width 0, padding 2). */
export const DESCRIBE: TabOptions = { minWidth: 0, padding: 2 };

const width = (s: string): number => [...s].length;

/** Aligns `text` (lines of tab-terminated cells) as Go's tabwriter would. */
export function tabwrite(text: string, opts: TabOptions): string {
  const trailingNewline = text.endsWith('\n');
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const widths: number[] = [];
  const out: string[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let line = '';
      cells.forEach((c, j) => {
        line += c;
        if (j < cells.length - 1 && j < widths.length) line += ' '.repeat(widths[j]! - width(c));
      });
      out[i] = line;
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i]!.length - 1) continue;
      writeLines(start, i);
      start = i;
      let w = opts.minWidth;
      for (; i < line1; i++) {
        const cells = lines[i]!;
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column]!) + opts.padding);
      }
      widths.push(w);
      format(start, i);
      widths.pop();
      start = i;
      i--;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}

/** Rows of cells, one line each; the last cell of each row is not padded. */
export function tabRows(rows: readonly (readonly string[])[], opts: TabOptions): string {
  return tabwrite(rows.map((r) => `${r.join('\t')}\n`).join(''), opts);
}

/** A `kubectl get` table. */
export function table(rows: readonly (readonly string[])[]): string {
  return tabRows(rows, TABLE);
}
