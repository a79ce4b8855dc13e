/** Small helpers for terminal text: stripping escape sequences and measuring what is shown. */

// CSI (colours, cursor moves), OSC (titles, links), other escapes (`ESC =`, `ESC ( B`).
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]|\x1b/g;
// Control characters other than tab and newline.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** The text without escape sequences and control characters (newlines and tabs are kept). */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPES, '').replace(/\r\n/g, '\n').replace(CONTROLS, '');
}

/** How many cells `text` takes on one row: one per code point once escapes are removed. */
export function visibleWidth(text: string): number {
  let n = 0;
  for (const _ of stripAnsi(text)) n++;
  return n;
}
