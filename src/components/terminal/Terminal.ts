/**
 * The simulated terminal on a page: xterm.js draws it, `LineEditor` edits the line, and a backend
 * (the playground worker) runs what is typed. Output is written as the commands produced it,
 * colours included, and repeated as plain text in a polite live region for screen readers.
 */
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal as XTerm } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { Completion, RunResponse } from '../../worker/api.ts';
import { stripAnsi, visibleWidth } from './ansi.ts';
import { loadHistory, saveHistory } from './history.ts';
import { LineEditor } from './LineEditor.ts';
import { realWait, type WaitOptions } from './wait.ts';
import { pageTheme, watchPageTheme, type Theme } from '../theme/theme.ts';
import { TERMINAL_THEMES } from './themes.ts';

export type { WaitOptions };

/** What runs the lines; the comlink proxy of the playground worker fits. */
export interface TerminalBackend {
  run(line: string): Promise<RunResponse>;
  complete(line: string, cursor: number): Promise<Completion>;
}

export interface TerminalOptions {
  backend: TerminalBackend;
  /** The first prompt. */
  prompt: string;
  /** Names the saved history; without it history lasts for the visit only. */
  historyKey?: string;
  /** How simulated waits (a connect timeout) are shown; `'instant'` skips them. */
  wait?: WaitOptions | 'instant';
  /** Text written once before the first prompt (may contain ANSI). */
  greeting?: string;
  /** Where output is announced; by default a visually hidden element in the container. */
  liveRegion?: HTMLElement;
  /** Fixed colours; by default the terminal follows the page's theme as it changes. */
  theme?: Theme;
}

/** Longest text handed to the live region at once; the rest is left to the terminal. */
const ANNOUNCE_LIMIT = 4000;

function visuallyHidden(el: HTMLElement): void {
  Object.assign(el.style, {
    position: 'absolute',
    width: '1px',
    height: '1px',
    margin: '-1px',
    padding: '0',
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'pre-wrap',
    border: '0',
  });
}

export class PlaygroundTerminal {
  readonly xterm: XTerm;
  readonly liveRegion: HTMLElement;
  private readonly editor: LineEditor;
  private readonly fit = new FitAddon();
  /**
   * The box xterm.js draws in. The fit addon sizes the terminal to its parent's computed height,
   * which for the padded frame (border-box) includes the padding, so the last row would hang
   * below the frame; this box is exactly the frame's content.
   */
  private readonly screen = document.createElement('div');
  private readonly resizeObserver: ResizeObserver | undefined;
  private prompt: string;
  /** Ends the current simulated wait early (Ctrl-C). */
  private stopWait: (() => void) | undefined;
  /** Ctrl-C arrived while the backend was still answering: skip the wait that follows. */
  private interrupted = false;
  private announceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Escape was pressed: the next Tab leaves the terminal instead of completing. */
  private tabLeaves = false;
  /** Stops following the page's theme. */
  private readonly unwatchTheme: () => void;

  constructor(
    readonly container: HTMLElement,
    private readonly options: TerminalOptions,
  ) {
    this.prompt = options.prompt;
    container.setAttribute('role', 'region');
    container.setAttribute('aria-label', 'Terminal');
    container.dataset['state'] = 'loading';

    this.liveRegion = options.liveRegion ?? this.createLiveRegion();
    this.liveRegion.setAttribute('aria-live', 'polite');
    this.liveRegion.setAttribute('aria-atomic', 'true');

    const theme = options.theme ?? pageTheme();
    this.xterm = new XTerm({
      screenReaderMode: true,
      convertEol: true,
      cursorBlink: true,
      scrollback: 5000,
      fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace",
      fontSize: 14,
      theme: TERMINAL_THEMES[theme],
    });
    container.dataset['theme'] = theme;
    this.unwatchTheme =
      options.theme === undefined ? watchPageTheme((t) => this.setTheme(t)) : () => {};
    this.xterm.loadAddon(this.fit);
    this.xterm.loadAddon(new WebLinksAddon());

    const history = options.historyKey ? loadHistory(options.historyKey) : [];
    this.editor = new LineEditor(
      {
        write: (data) => this.xterm.write(data),
        submit: (line) => void this.runLine(line),
        complete: (line, cursor) => void this.complete(line, cursor),
        interrupt: () => this.interrupt(),
      },
      { history, columns: 80 },
    );

    this.xterm.attachCustomKeyEventHandler((event) => this.keyFilter(event));
    this.screen.className = 'terminal-screen';
    container.append(this.screen);
    this.xterm.open(this.screen);
    this.fitNow();
    this.xterm.onResize(({ cols }) => this.editor.setColumns(cols));
    this.xterm.onData((data) => this.editor.feed(data));
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => this.fitNow());
      this.resizeObserver.observe(container);
    }

    // Bracketed paste: pasted text arrives marked, so its line breaks are told apart from Enter.
    this.xterm.write('\x1b[?2004h');
    if (options.greeting) this.xterm.write(options.greeting);
    this.editor.ready(this.prompt);
    container.dataset['state'] = 'ready';
  }

  /**
   * Types a line and presses Enter, as the learner would (a command clicked in a lesson).
   * While a command runs, the line waits in the queue like typed keys do.
   */
  type(line: string): void {
    this.editor.feed(`${line.replace(/[\r\n]+/g, ' ')}\r`);
  }

  /** Gives the terminal keyboard focus. */
  focus(): void {
    this.xterm.focus();
  }

  /** Recolours the terminal, its scrollback included. */
  setTheme(theme: Theme): void {
    this.xterm.options.theme = TERMINAL_THEMES[theme];
    this.container.dataset['theme'] = theme;
  }

  dispose(): void {
    this.unwatchTheme();
    this.stopWait?.();
    this.resizeObserver?.disconnect();
    if (this.announceTimer !== undefined) clearTimeout(this.announceTimer);
    this.xterm.dispose();
    this.screen.remove();
  }

  private createLiveRegion(): HTMLElement {
    const region = document.createElement('div');
    region.className = 'terminal-output-announcer';
    visuallyHidden(region);
    this.container.append(region);
    return region;
  }

  private fitNow(): void {
    try {
      this.fit.fit();
    } catch (_) {
      // The container is not laid out yet (hidden); the next resize fits it.
    }
    this.editor.setColumns(this.xterm.cols);
  }

  /** Keys handled before xterm.js: Shift-Tab, and Tab after Escape, move focus out. */
  private keyFilter(event: KeyboardEvent): boolean {
    if (event.type !== 'keydown') return true;
    if (event.key === 'Escape') {
      this.tabLeaves = true;
      return false;
    }
    if (event.key === 'Tab' && (event.shiftKey || this.tabLeaves)) {
      this.tabLeaves = false;
      // Returning false lets the browser move focus as usual.
      return false;
    }
    if (!['Shift', 'Control', 'Alt', 'Meta'].includes(event.key)) this.tabLeaves = false;
    return true;
  }

  private async runLine(line: string): Promise<void> {
    if (line.trim() === '') {
      this.editor.ready(this.prompt);
      return;
    }
    if (this.options.historyKey) saveHistory(this.options.historyKey, this.editor.entries);
    this.container.dataset['state'] = 'busy';
    this.interrupted = false;
    let response: RunResponse;
    try {
      response = await this.options.backend.run(line);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      response = {
        out: [{ stream: 'stderr', text: `playground: ${message}\n` }],
        exitCode: 1,
        elapsedMs: 0,
        prompt: this.prompt,
      };
    }
    const wait = realWait(response.elapsedMs, this.options.wait);
    if (wait > 0 && !this.interrupted) await this.sleep(wait);
    // Ctrl-C is echoed as a terminal would; the simulated command has finished regardless, so
    // its output still follows (a timeout message, for instance).
    if (this.interrupted) this.xterm.write('^C\r\n');
    this.interrupted = false;

    const text = response.out.map((c) => c.text).join('');
    if (text !== '') this.xterm.write(text);
    // Output whose last line has no newline (`echo -n`) would leave the prompt mid-row, where
    // the line editor cannot measure it; the prompt starts a fresh row instead. Output made of
    // escapes only (`clear`) leaves the cursor where it put it.
    if (visibleWidth(text.slice(text.lastIndexOf('\n') + 1)) > 0) this.xterm.write('\r\n');
    this.announce(text);
    // The page decides what a request means (a page without a flow graph ignores it).
    for (const effect of response.effects ?? [])
      this.container.dispatchEvent(
        new CustomEvent('playground:effect', { detail: effect, bubbles: true }),
      );
    this.prompt = response.prompt;
    this.container.dataset['state'] = 'ready';
    this.editor.ready(this.prompt);
  }

  private async complete(line: string, cursor: number): Promise<void> {
    let result: Completion = { candidates: [], replaceFrom: cursor };
    try {
      result = await this.options.backend.complete(line, cursor);
    } catch (_) {
      // No suggestions when the backend cannot answer.
    }
    this.editor.applyCompletion(result.candidates, result.replaceFrom);
  }

  private interrupt(): void {
    this.interrupted = true;
    this.stopWait?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopWait = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopWait = done;
    });
  }

  /** Puts the output in the live region; emptied first so equal output is announced again. */
  private announce(text: string): void {
    let plain = stripAnsi(text).replace(/\n+$/, '');
    if (plain.length > ANNOUNCE_LIMIT)
      plain = `${plain.slice(0, ANNOUNCE_LIMIT)}\n(output continues in the terminal)`;
    this.liveRegion.textContent = '';
    if (this.announceTimer !== undefined) clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => {
      this.announceTimer = undefined;
      this.liveRegion.textContent = plain;
    }, 50);
  }
}

/** Mounts a terminal in `container`. */
export function mountTerminal(
  container: HTMLElement,
  options: TerminalOptions,
): PlaygroundTerminal {
  return new PlaygroundTerminal(container, options);
}
