import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineEditor, type LineEditorHost } from './LineEditor.ts';

/**
 * Just enough of a VT100 to check what the editor draws: printable text with auto-wrap (the
 * cursor waits in the last column until the next character), CR, LF, BS, cursor moves (CSI A B C
 * D), erase below (CSI J) and clear screen (CSI H, CSI 2J).
 */
class Screen {
  rows: string[][] = [[]];
  x = 0;
  y = 0;
  private pendingWrap = false;
  constructor(public cols: number) {}

  write(data: string): void {
    for (let i = 0; i < data.length; i++) {
      const ch = String.fromCodePoint(data.codePointAt(i)!);
      if (ch.length === 2) i++;
      if (ch === '\x1b') {
        // eslint-disable-next-line no-control-regex
        const m = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(data.slice(i));
        if (!m) throw new Error(`unexpected escape at ${JSON.stringify(data.slice(i))}`);
        i += m[0].length - 1;
        this.csi(m[1]!, m[2]!);
        continue;
      }
      if (ch === '\r') {
        this.x = 0;
        this.pendingWrap = false;
      } else if (ch === '\n') {
        this.y++;
        this.pendingWrap = false;
      } else if (ch === '\b') {
        this.x = Math.max(0, this.x - 1);
        this.pendingWrap = false;
      } else if (ch === '\x07') {
        // bell
      } else {
        if (this.pendingWrap) {
          this.x = 0;
          this.y++;
          this.pendingWrap = false;
        }
        this.row(this.y)[this.x] = ch;
        if (this.x === this.cols - 1) this.pendingWrap = true;
        else this.x++;
      }
    }
  }

  private csi(params: string, final: string): void {
    const n = Math.max(1, Number(params) || 1);
    this.pendingWrap = false;
    switch (final) {
      case 'A':
        this.y = Math.max(0, this.y - n);
        break;
      case 'B':
        this.y += n;
        break;
      case 'C':
        this.x = Math.min(this.cols - 1, this.x + n);
        break;
      case 'D':
        this.x = Math.max(0, this.x - n);
        break;
      case 'H':
        this.x = 0;
        this.y = 0;
        break;
      case 'J':
        if (params === '2') {
          this.rows = [[]];
        } else {
          this.row(this.y).length = this.x;
          this.rows.length = this.y + 1;
        }
        break;
      case 'h':
      case 'l':
        break;
      default:
        throw new Error(`unexpected CSI ${params}${final}`);
    }
  }

  private row(y: number): string[] {
    while (this.rows.length <= y) this.rows.push([]);
    return this.rows[y]!;
  }

  /** The rows as text, trailing blanks removed, empty trailing rows dropped. */
  text(): string {
    const lines = this.rows.map((r) =>
      Array.from(r, (c) => c ?? ' ')
        .join('')
        .trimEnd(),
    );
    while (lines.length > 1 && lines.at(-1) === '') lines.pop();
    return lines.join('\n');
  }
}

interface Harness {
  editor: LineEditor;
  screen: Screen;
  submitted: string[];
  completions: { line: string; cursor: number }[];
  interrupts: number;
  type(data: string): void;
}

function setup(options: { cols?: number; history?: string[]; prompt?: string } = {}): Harness {
  const cols = options.cols ?? 80;
  const screen = new Screen(cols);
  const h: Harness = {
    screen,
    submitted: [],
    completions: [],
    interrupts: 0,
    editor: undefined as unknown as LineEditor,
    type: (data) => h.editor.feed(data),
  };
  const host: LineEditorHost = {
    write: (data) => screen.write(data),
    submit: (line) => h.submitted.push(line),
    complete: (line, cursor) => h.completions.push({ line, cursor }),
    interrupt: () => h.interrupts++,
  };
  h.editor = new LineEditor(host, {
    columns: cols,
    ...(options.history ? { history: options.history } : {}),
  });
  h.editor.ready(options.prompt ?? '$ ');
  return h;
}

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const HOME = '\x1b[H';
const END = '\x1b[F';
const DELETE = '\x1b[3~';
const BACKSPACE = '\x7f';

describe('LineEditor', () => {
  it('echoes typed text and hands the line over on Enter', () => {
    const t = setup();
    t.type('echo hello');
    expect(t.screen.text()).toBe('$ echo hello');
    expect(t.editor.busy).toBe(false);
    t.type('\r');
    expect(t.submitted).toEqual(['echo hello']);
    expect(t.editor.busy).toBe(true);
    expect(t.screen.y).toBe(1);
    expect(t.screen.x).toBe(0);
    t.screen.write('hello\r\n');
    t.editor.ready('$ ');
    expect(t.screen.text()).toBe('$ echo hello\nhello\n$');
    expect(t.editor.entries).toEqual(['echo hello']);
  });

  it('moves with the arrows, Home and End, and inserts in the middle', () => {
    const t = setup();
    t.type(`echo wrld${LEFT}${LEFT}${LEFT}o${HOME}${RIGHT}${RIGHT}${DELETE}${END}!`);
    expect(t.editor.line).toBe('eco world!');
    expect(t.screen.text()).toBe('$ eco world!');
    expect(t.screen.x).toBe(12);
    t.type('\x01X\x05Y');
    expect(t.editor.line).toBe('Xeco world!Y');
    t.type(`${LEFT}${BACKSPACE}`);
    expect(t.editor.line).toBe('Xeco worldY');
    expect(t.screen.text()).toBe('$ Xeco worldY');
    expect(t.screen.x).toBe(2 + 10);
  });

  it('cuts with Ctrl-U, Ctrl-K and Ctrl-W and pastes the cut back with Ctrl-Y', () => {
    const t = setup();
    t.type('kubectl get pods -n db');
    t.type('\x17');
    expect(t.editor.line).toBe('kubectl get pods -n ');
    t.type('\x17');
    expect(t.editor.line).toBe('kubectl get pods ');
    t.type('\x19');
    expect(t.editor.line).toBe('kubectl get pods -n ');
    t.type(`${HOME}${RIGHT.repeat(7)}\x0b`);
    expect(t.editor.line).toBe('kubectl');
    t.type(`${LEFT.repeat(3)}\x15`);
    expect(t.editor.line).toBe('ctl');
    expect(t.editor.cursorIndex).toBe(0);
    expect(t.screen.text()).toBe('$ ctl');
    expect(t.screen.x).toBe(2);
  });

  it('moves and deletes by words with Alt and Ctrl-arrow keys', () => {
    const t = setup();
    t.type('curl http://web.db:8080');
    t.type('\x1bb');
    expect(t.editor.cursorIndex).toBe('curl http://web.db:'.length);
    t.type('\x1b[1;5D\x1b[1;5D');
    expect(t.editor.cursorIndex).toBe('curl http://'.length);
    t.type('\x1bf');
    expect(t.editor.cursorIndex).toBe('curl http://web'.length);
    t.type('\x1b\x7f');
    expect(t.editor.line).toBe('curl http://.db:8080');
    t.type('\x1bd');
    expect(t.editor.line).toBe('curl http://:8080');
  });

  it('walks the history and keeps the unfinished line', () => {
    const t = setup({ history: ['echo one', 'echo two'] });
    t.type('draft');
    t.type(UP);
    expect(t.editor.line).toBe('echo two');
    t.type(UP);
    expect(t.editor.line).toBe('echo one');
    t.type(UP);
    expect(t.editor.line).toBe('echo one');
    expect(t.screen.text()).toBe('$ echo one');
    t.type(DOWN);
    t.type(DOWN);
    expect(t.editor.line).toBe('draft');
    expect(t.screen.text()).toBe('$ draft');
    t.type(DOWN);
    expect(t.editor.line).toBe('draft');
    t.type('\x10\r');
    expect(t.submitted).toEqual(['echo two']);
    // A repeated line is kept once, and blank lines not at all.
    expect(t.editor.entries).toEqual(['echo one', 'echo two']);
  });

  it('abandons the line on Ctrl-C and shows a new prompt', () => {
    const t = setup();
    t.type(`echo oops${LEFT}\x03`);
    expect(t.screen.text()).toBe('$ echo oops^C\n$');
    expect(t.editor.line).toBe('');
    expect(t.submitted).toEqual([]);
    expect(t.editor.entries).toEqual([]);
  });

  it('clears the screen on Ctrl-L and draws the line again at the top', () => {
    const t = setup();
    t.type('echo a\r');
    t.editor.ready('$ ');
    t.type(`echo b${LEFT}\x0c`);
    expect(t.screen.text()).toBe('$ echo b');
    expect(t.screen.y).toBe(0);
    expect(t.screen.x).toBe(7);
  });

  it('completes a single candidate with a space after it', () => {
    const t = setup();
    t.type('echo hi | gr\t');
    expect(t.completions).toEqual([{ line: 'echo hi | gr', cursor: 12 }]);
    expect(t.editor.busy).toBe(true);
    t.type('x');
    t.editor.applyCompletion(['grep'], 10);
    expect(t.editor.line).toBe('echo hi | grep x');
    expect(t.screen.text()).toBe('$ echo hi | grep x');
  });

  it('does not add a space after a completion ending in = or /', () => {
    const t = setup();
    t.type('kubectl get po\t');
    t.editor.applyCompletion(['pod/'], 12);
    expect(t.editor.line).toBe('kubectl get pod/');
  });

  it('lists several candidates under the line and extends the common prefix', () => {
    const t = setup({ cols: 40 });
    t.type('kubectl get pods -n db fl\t');
    t.editor.applyCompletion(['flask-app-a', 'flask-app-b', 'flask-app-c'], 23);
    expect(t.editor.line).toBe('kubectl get pods -n db flask-app-');
    expect(t.screen.text()).toBe(
      [
        '$ kubectl get pods -n db flask-app-',
        'flask-app-a  flask-app-b  flask-app-c',
        '$ kubectl get pods -n db flask-app-',
      ].join('\n'),
    );
    t.type('b\r');
    expect(t.submitted).toEqual(['kubectl get pods -n db flask-app-b']);
  });

  it('lists candidates column by column when they need several rows', () => {
    const t = setup({ cols: 20 });
    t.type('\t');
    t.editor.applyCompletion(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'], 0);
    // Five cells of four columns fit in twenty columns: one row of five, one of two.
    expect(t.screen.text().split('\n').slice(1, 3)).toEqual(['a1  a3  a5  a7', 'a2  a4  a6']);
  });

  it('rings the bell when nothing completes', () => {
    const writes: string[] = [];
    const editor = new LineEditor(
      { write: (d) => writes.push(d), submit: () => {}, complete: () => {}, interrupt: () => {} },
      {},
    );
    editor.ready('$ ');
    editor.feed('zz\t');
    editor.applyCompletion([], 0);
    expect(writes.at(-1)).toBe('\x07');
    expect(editor.line).toBe('zz');
    expect(editor.busy).toBe(false);
  });

  it('runs each line of a multi-line paste in turn', () => {
    const t = setup();
    t.editor.paste('echo one\necho two\r\necho thr');
    expect(t.submitted).toEqual(['echo one']);
    t.editor.ready('$ ');
    expect(t.submitted).toEqual(['echo one', 'echo two']);
    t.editor.ready('$ ');
    expect(t.submitted).toEqual(['echo one', 'echo two']);
    expect(t.editor.line).toBe('echo thr');
    expect(t.screen.text()).toBe('$ echo one\n$ echo two\n$ echo thr');
  });

  it('reads bracketed paste: tabs become spaces and do not complete', () => {
    const t = setup();
    t.type('\x1b[200~echo\ta\x1b[3~b\x1b[201~');
    expect(t.editor.line).toBe('echo a[3~b');
    expect(t.completions).toEqual([]);
    t.type('\x1b[200~x\ny\x1b[201~');
    expect(t.submitted).toEqual(['echo a[3~bx']);
    t.editor.ready('$ ');
    expect(t.editor.line).toBe('y');
  });

  it('queues typing while busy and drops it on Ctrl-C', () => {
    const t = setup();
    t.type('sleep 5\r');
    t.type('echo later\r');
    expect(t.submitted).toEqual(['sleep 5']);
    t.editor.ready('$ ');
    expect(t.submitted).toEqual(['sleep 5', 'echo later']);
    t.type('typed ahead');
    t.type('\x03');
    expect(t.interrupts).toBe(1);
    t.editor.ready('$ ');
    expect(t.editor.line).toBe('');
  });

  it('types exit on Ctrl-D at an empty line and deletes forward otherwise', () => {
    const t = setup();
    t.type(`ab${LEFT}\x04`);
    expect(t.editor.line).toBe('a');
    t.type('\x15\x04');
    expect(t.submitted).toEqual(['exit']);
  });

  it('ignores unknown escape sequences and control characters', () => {
    const t = setup();
    t.type('a\x1b[15~\x1bOP\x00\x1b[200');
    expect(t.editor.line).toBe('a');
  });

  it('keeps characters outside the BMP whole', () => {
    const t = setup();
    t.type(`echo 🐘x${LEFT}${LEFT}${BACKSPACE}`);
    expect(t.editor.line).toBe('echo🐘x');
    t.type(`${RIGHT}${BACKSPACE}`);
    expect(t.editor.line).toBe('echox');
    expect(t.editor.cursorIndex).toBe(4);
    t.type(`🐘${LEFT}`);
    expect(t.editor.cursorIndex).toBe(4);
    expect(t.screen.text()).toBe('$ echo🐘x');
  });

  it('draws lines that wrap and keeps the cursor where the line says', () => {
    const t = setup({ cols: 10 });
    t.type('12345678');
    // The prompt and eight characters fill the row exactly; the cursor waits on the next one.
    expect(t.screen.y).toBe(1);
    expect(t.screen.x).toBe(0);
    t.type(`abcdefghij${HOME}X`);
    expect(t.screen.text()).toBe('$ X1234567\n8abcdefghi\nj');
    expect([t.screen.y, t.screen.x]).toEqual([0, 3]);
    t.type(`${END}${BACKSPACE.repeat(3)}`);
    expect(t.screen.text()).toBe('$ X1234567\n8abcdefg');
    expect([t.screen.y, t.screen.x]).toEqual([1, 8]);
    t.type('\r');
    expect([t.screen.y, t.screen.x]).toEqual([2, 0]);
  });

  it('draws what the line holds for any keys and widths', () => {
    const keys = fc.constantFrom(
      'a',
      'bc',
      ' ',
      '🐘',
      LEFT,
      RIGHT,
      HOME,
      END,
      DELETE,
      BACKSPACE,
      UP,
      DOWN,
      '\x01',
      '\x05',
      '\x0b',
      '\x15',
      '\x17',
      '\x19',
      '\x1bb',
      '\x1bf',
      '\x1b\x7f',
      '\x0c',
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }),
        fc.array(keys, { maxLength: 60 }),
        (cols, seq) => {
          const t = setup({ cols, history: ['kubectl get pods', 'x'] });
          for (const k of seq) t.type(k);
          const full = [...`$ ${t.editor.line}`];
          const rows: string[] = [];
          for (let i = 0; i < full.length; i += cols) rows.push(full.slice(i, i + cols).join(''));
          // Without Enter the prompt stays on the first row (Ctrl-L puts it back there).
          const shown = t.screen.rows.map((r) =>
            Array.from(r, (c) => c ?? ' ')
              .join('')
              .trimEnd(),
          );
          expect(shown.slice(0, rows.length)).toEqual(rows.map((r) => r.trimEnd()));
          expect(shown.slice(rows.length).join('')).toBe('');
          const offset = 2 + [...t.editor.line.slice(0, t.editor.cursorIndex)].length;
          expect([t.screen.y, t.screen.x]).toEqual([Math.floor(offset / cols), offset % cols]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
