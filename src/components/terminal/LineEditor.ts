/**
 * A readline-style line editor for the simulated terminal. It turns the keys a terminal emulator
 * reports (plain characters and escape sequences) into an edited line and the escape sequences
 * that draw it, and knows nothing about the DOM or xterm.js: the host writes the output and runs
 * the lines.
 *
 * Keys: printable text inserts; Backspace, Delete, Left/Right, Home/End, Ctrl-A/E/B/F, Alt-B/F
 * and Ctrl-Left/Right move and delete; Ctrl-U/K/W and Alt-Backspace/Alt-D cut, Ctrl-Y pastes the
 * last cut; Up/Down (Ctrl-P/N) walk the history keeping the unfinished line; Ctrl-C abandons the
 * line; Ctrl-L clears the screen; Ctrl-D on an empty line types `exit`; Tab asks the host for
 * completions; Enter hands the line to the host.
 *
 * While the host runs a line or looks up completions the editor is busy: further input is queued
 * and replayed once the host calls `ready` (or `applyCompletion`), so a multi-line paste runs one
 * line at a time. Ctrl-C while busy drops the queue and tells the host to interrupt.
 */
import { visibleWidth } from './ansi.ts';

export interface LineEditorHost {
  /** Writes terminal output (text and escape sequences). */
  write(data: string): void;
  /** Enter was pressed: the host runs `line`, then calls `ready` with the next prompt. */
  submit(line: string): void;
  /** Tab was pressed: the host answers with `applyCompletion`. */
  complete(line: string, cursor: number): void;
  /** Ctrl-C while the host was busy with a line. */
  interrupt(): void;
}

export interface LineEditorOptions {
  /** Width of the terminal in cells; default 80. */
  columns?: number;
  /** Earlier lines, oldest first. */
  history?: readonly string[];
  /** How many lines the history keeps; default 500. */
  historyLimit?: number;
  /** Most candidates listed under the line after Tab; default 100. */
  listLimit?: number;
}

const CLEAR_SCREEN = '\x1b[H\x1b[2J';
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

type Mode = 'idle' | 'editing' | 'busy';

/** Splits raw terminal input into keys: one character, an escape sequence, or a paste. */
function nextKey(data: string, at: number): { key: string; paste?: string; end: number } {
  const ch = data[at]!;
  if (ch !== '\x1b') {
    const cp = data.codePointAt(at)!;
    const len = cp > 0xffff ? 2 : 1;
    // A CR LF pair is one Enter.
    if (ch === '\r' && data[at + 1] === '\n') return { key: '\r', end: at + 2 };
    return { key: data.slice(at, at + len), end: at + len };
  }
  if (data.startsWith(PASTE_START, at)) {
    const stop = data.indexOf(PASTE_END, at + PASTE_START.length);
    const end = stop < 0 ? data.length : stop;
    return {
      key: 'paste',
      paste: data.slice(at + PASTE_START.length, end),
      end: stop < 0 ? data.length : stop + PASTE_END.length,
    };
  }
  const next = data[at + 1];
  if (next === '[') {
    let i = at + 2;
    while (i < data.length && /[0-?]/.test(data[i]!)) i++;
    while (i < data.length && /[ -/]/.test(data[i]!)) i++;
    return { key: data.slice(at, i + 1), end: Math.min(i + 1, data.length) };
  }
  if (next === 'O' && at + 2 < data.length) return { key: data.slice(at, at + 3), end: at + 3 };
  if (next !== undefined) return { key: data.slice(at, at + 2), end: at + 2 };
  return { key: ch, end: at + 1 };
}

/** Pasted text as keys: line breaks become Enter, tabs spaces, other controls are dropped. */
function sanitizePaste(text: string): string {
  return (
    text
      .replace(/\r\n?|\n/g, '\r')
      .replace(/\t/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x0c\x0e-\x1f\x7f]/g, '')
  );
}

function commonPrefix(values: readonly string[]): string {
  let prefix = values[0] ?? '';
  for (const v of values) {
    let i = 0;
    while (i < prefix.length && i < v.length && prefix[i] === v[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
/** Alt-B/F/D and Alt-Backspace stop at punctuation, as readline's word commands do. */
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

export class LineEditor {
  /** The line as code points, so the cursor never splits a character. */
  private chars: string[] = [];
  private cursor = 0;
  private prompt = '';
  private promptWidth = 0;
  private columns: number;
  /** Terminal row of the cursor counted from the prompt's first row. */
  private cursorRow = 0;
  private mode: Mode = 'idle';
  private queue = '';
  private readonly history: string[];
  private readonly historyLimit: number;
  private readonly listLimit: number;
  /** Position while walking the history; `history.length` is the line being written. */
  private historyIndex: number;
  /** The unfinished line, kept while the history is shown. */
  private draft = '';
  private killed = '';

  constructor(
    private readonly host: LineEditorHost,
    options: LineEditorOptions = {},
  ) {
    this.columns = Math.max(1, options.columns ?? 80);
    this.historyLimit = Math.max(1, options.historyLimit ?? 500);
    this.listLimit = Math.max(1, options.listLimit ?? 100);
    this.history = [...(options.history ?? [])].slice(-this.historyLimit);
    this.historyIndex = this.history.length;
  }

  /** The line being edited. */
  get line(): string {
    return this.chars.join('');
  }

  /** Cursor position as a string index (UTF-16 units) into `line`. */
  get cursorIndex(): number {
    return this.chars.slice(0, this.cursor).join('').length;
  }

  /** Whether the host is running a line or completing one. */
  get busy(): boolean {
    return this.mode !== 'editing';
  }

  /** Lines entered so far, oldest first. */
  get entries(): readonly string[] {
    return this.history;
  }

  /** Shows `prompt` and starts editing a new line; queued input is replayed. */
  ready(prompt: string): void {
    this.prompt = prompt;
    this.promptWidth = visibleWidth(prompt);
    this.chars = [];
    this.cursor = 0;
    this.draft = '';
    this.historyIndex = this.history.length;
    this.mode = 'editing';
    this.cursorRow = 0;
    this.host.write(prompt);
    this.fixPendingWrap(this.promptWidth);
    this.cursorRow = this.rowOf(this.promptWidth);
    this.drainQueue();
  }

  /** The terminal changed width; the emulator has reflowed the wrapped line already. */
  setColumns(columns: number): void {
    this.columns = Math.max(1, Math.floor(columns));
    if (this.mode === 'editing') this.cursorRow = this.rowOf(this.offset(this.cursor));
  }

  /** Raw input from the terminal emulator. */
  feed(data: string): void {
    if (this.mode !== 'editing') {
      if (data.includes('\x03') && this.mode === 'busy') {
        this.queue = '';
        this.host.interrupt();
        return;
      }
      this.queue += data;
      return;
    }
    this.process(data);
  }

  /** Inserts pasted text; each complete line in it is entered in turn. */
  paste(text: string): void {
    this.feed(sanitizePaste(text));
  }

  /** The host's answer to `complete`: replacements for the line from `replaceFrom` (UTF-16). */
  applyCompletion(candidates: readonly string[], replaceFrom: number): void {
    if (this.mode !== 'busy') return;
    this.mode = 'editing';
    const from = Math.min(this.cursor, [...this.line.slice(0, replaceFrom)].length);
    const word = this.chars.slice(from, this.cursor).join('');
    const usable = [...new Set(candidates)].filter((c) => c.startsWith(word));
    if (usable.length === 1) {
      const only = usable[0]!;
      // A finished word gets a space after it, unless one follows already or more is expected.
      const suffix = /[/=]$/.test(only) || isSpace(this.chars[this.cursor]) ? '' : ' ';
      this.replaceRange(from, this.cursor, only + suffix);
    } else if (usable.length > 1) {
      const prefix = commonPrefix(usable);
      if (prefix.length > word.length) this.replaceRange(from, this.cursor, prefix);
      this.list(usable);
    } else {
      this.host.write('\x07');
    }
    this.drainQueue();
  }

  // --- input ---------------------------------------------------------------------------------

  private process(data: string): void {
    let at = 0;
    while (at < data.length) {
      if (this.mode !== 'editing') {
        this.queue = data.slice(at) + this.queue;
        return;
      }
      const { key, paste, end } = nextKey(data, at);
      at = end;
      if (paste !== undefined) {
        const rest = sanitizePaste(paste) + data.slice(at);
        data = rest;
        at = 0;
        continue;
      }
      this.handleKey(key);
    }
  }

  private drainQueue(): void {
    if (this.mode !== 'editing' || this.queue === '') return;
    const queued = this.queue;
    this.queue = '';
    this.process(queued);
  }

  private handleKey(key: string): void {
    switch (key) {
      case '\r':
      case '\n':
        return this.accept();
      case '\x7f':
      case '\x08':
        return this.deleteRange(this.cursor - 1, this.cursor);
      case '\x1b[3~':
        return this.deleteRange(this.cursor, this.cursor + 1);
      case '\x04':
        if (this.chars.length === 0) {
          this.insert('exit');
          return this.accept();
        }
        return this.deleteRange(this.cursor, this.cursor + 1);
      case '\x1b[D':
      case '\x1bOD':
      case '\x02':
        return this.moveTo(this.cursor - 1);
      case '\x1b[C':
      case '\x1bOC':
      case '\x06':
        return this.moveTo(this.cursor + 1);
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
      case '\x1b[7~':
      case '\x01':
        return this.moveTo(0);
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
      case '\x1b[8~':
      case '\x05':
        return this.moveTo(this.chars.length);
      case '\x1bb':
      case '\x1b[1;5D':
      case '\x1b[1;3D':
        return this.moveTo(this.wordStart(this.cursor, isWordChar));
      case '\x1bf':
      case '\x1b[1;5C':
      case '\x1b[1;3C':
        return this.moveTo(this.wordEnd(this.cursor));
      case '\x1b[A':
      case '\x1bOA':
      case '\x10':
        return this.historyStep(-1);
      case '\x1b[B':
      case '\x1bOB':
      case '\x0e':
        return this.historyStep(1);
      case '\x15':
        return this.kill(0, this.cursor);
      case '\x0b':
        return this.kill(this.cursor, this.chars.length);
      case '\x17':
        return this.kill(
          this.wordStart(this.cursor, (c) => !isSpace(c)),
          this.cursor,
        );
      case '\x1b\x7f':
      case '\x1b\x08':
        return this.kill(this.wordStart(this.cursor, isWordChar), this.cursor);
      case '\x1bd':
        return this.kill(this.cursor, this.wordEnd(this.cursor));
      case '\x19':
        return this.insert(this.killed);
      case '\x03':
        return this.cancel();
      case '\x0c':
        return this.clearScreen();
      case '\t':
        this.mode = 'busy';
        this.host.complete(this.line, this.cursorIndex);
        return;
      default: {
        const cp = key.codePointAt(0) ?? 0;
        if (key.length <= 2 && cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0))
          this.insert(key);
      }
    }
  }

  // --- editing -------------------------------------------------------------------------------

  private accept(): void {
    const line = this.line;
    this.moveTo(this.chars.length);
    this.host.write('\r\n');
    if (line.trim() !== '' && this.history.at(-1) !== line) {
      this.history.push(line);
      if (this.history.length > this.historyLimit)
        this.history.splice(0, this.history.length - this.historyLimit);
    }
    this.historyIndex = this.history.length;
    this.mode = 'busy';
    this.host.submit(line);
  }

  private cancel(): void {
    this.moveTo(this.chars.length);
    this.host.write('^C\r\n');
    this.ready(this.prompt);
  }

  private clearScreen(): void {
    this.host.write(CLEAR_SCREEN);
    this.cursorRow = 0;
    this.redraw(true);
  }

  private insert(text: string): void {
    if (text === '') return;
    const added = [...text];
    const atEnd = this.cursor === this.chars.length;
    this.chars.splice(this.cursor, 0, ...added);
    this.cursor += added.length;
    if (atEnd) {
      // Typing at the end of the line: write the characters only.
      this.host.write(text);
      const end = this.offset(this.cursor);
      this.fixPendingWrap(end);
      this.cursorRow = this.rowOf(end);
    } else {
      this.redraw();
    }
  }

  private deleteRange(from: number, to: number): void {
    const start = Math.max(0, from);
    const stop = Math.min(this.chars.length, to);
    if (stop <= start) return;
    this.chars.splice(start, stop - start);
    this.cursor = start;
    this.redraw();
  }

  private kill(from: number, to: number): void {
    if (to <= from) return;
    this.killed = this.chars.slice(from, to).join('');
    this.deleteRange(from, to);
  }

  private replaceRange(from: number, to: number, text: string): void {
    this.chars.splice(from, to - from, ...text);
    this.cursor = from + [...text].length;
    this.redraw();
  }

  /** Start of the word before `at`: skip non-word characters, then word characters. */
  private wordStart(at: number, inWord: (c: string | undefined) => boolean): number {
    let i = at;
    while (i > 0 && !inWord(this.chars[i - 1])) i--;
    while (i > 0 && inWord(this.chars[i - 1])) i--;
    return i;
  }

  private wordEnd(at: number): number {
    let i = at;
    while (i < this.chars.length && !isWordChar(this.chars[i])) i++;
    while (i < this.chars.length && isWordChar(this.chars[i])) i++;
    return i;
  }

  private historyStep(direction: -1 | 1): void {
    const next = this.historyIndex + direction;
    if (next < 0 || next > this.history.length) return;
    if (this.historyIndex === this.history.length) this.draft = this.line;
    this.historyIndex = next;
    const text = next === this.history.length ? this.draft : (this.history[next] ?? '');
    this.chars = [...text];
    this.cursor = this.chars.length;
    this.redraw();
  }

  /** Lists completion candidates under the line in columns, then shows the line again. */
  private list(candidates: readonly string[]): void {
    const shown = candidates.slice(0, this.listLimit);
    const width = Math.max(...shown.map((c) => visibleWidth(c))) + 2;
    const perRow = Math.max(1, Math.floor(this.columns / width));
    const rows = Math.ceil(shown.length / perRow);
    let text = '';
    for (let r = 0; r < rows; r++) {
      let row = '';
      for (let c = 0; c < perRow; c++) {
        const item = shown[c * rows + r];
        if (item === undefined) continue;
        const last = (c + 1) * rows + r >= shown.length;
        row += last ? item : item.padEnd(width);
      }
      text += `${row}\r\n`;
    }
    if (candidates.length > shown.length)
      text += `... and ${candidates.length - shown.length} more\r\n`;
    this.moveTo(this.chars.length);
    this.host.write(`\r\n${text}`);
    this.cursorRow = 0;
    this.redraw(true);
  }

  // --- drawing -------------------------------------------------------------------------------

  /** Cell offset of character index `index` from the start of the prompt. */
  private offset(index: number): number {
    return this.promptWidth + index;
  }

  private rowOf(offset: number): number {
    return Math.floor(offset / this.columns);
  }

  /**
   * After text ends in the last column the emulator holds the cursor there until the next
   * character; a space and a carriage return put it at the start of the next row instead, so
   * cursor arithmetic stays simple. The space lies past the end of the line.
   */
  private fixPendingWrap(endOffset: number): void {
    if (endOffset > 0 && endOffset % this.columns === 0) this.host.write(' \r');
  }

  /** Moves the terminal cursor from its current place to character index `index`. */
  private moveTo(index: number): void {
    const target = Math.max(0, Math.min(this.chars.length, index));
    const offset = this.offset(target);
    const row = this.rowOf(offset);
    const col = offset % this.columns;
    let seq = '';
    if (row < this.cursorRow) seq += `\x1b[${this.cursorRow - row}A`;
    if (row > this.cursorRow) seq += `\x1b[${row - this.cursorRow}B`;
    seq += '\r';
    if (col > 0) seq += `\x1b[${col}C`;
    this.cursor = target;
    this.cursorRow = row;
    this.host.write(seq);
  }

  /** Draws the prompt and line again from the prompt's first row. */
  private redraw(atTop = false): void {
    let seq = '';
    if (!atTop && this.cursorRow > 0) seq += `\x1b[${this.cursorRow}A`;
    seq += '\r\x1b[J';
    seq += this.prompt + this.line;
    this.host.write(seq);
    const end = this.offset(this.chars.length);
    this.fixPendingWrap(end);
    this.cursorRow = this.rowOf(end);
    const cursor = this.cursor;
    this.cursor = this.chars.length;
    this.moveTo(cursor);
  }
}
