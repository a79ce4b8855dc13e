/**
 * The Hubble CLI's flow printer (hubble/pkg/printer): compact, dict, table and JSON, with the
 * options `hubble observe` passes to it. The compact and dict lines are the engine's own
 * (`formatCompact`, `formatDictBlock`) in a style of this printer's: ANSI colours
 * (printer/color.go), `--numeric` and `--time-format`. The tab-aligned table is the CLI's alone.
 */
import {
  flowType,
  formatCompact,
  formatDictBlock,
  hostnames,
  PLAIN_STYLE,
  stampMilli,
  verdictText,
  type FlowStyle,
} from '../../../engine/flows/compact.ts';
import { formatJson } from '../../../engine/flows/json.ts';
import type { Flow } from '../../../engine/flows/model.ts';
import { tabRows } from '../tabwriter.ts';
import { formatFlowTime, isStampMilli } from './gotime.ts';

export type OutputFormat = 'compact' | 'dict' | 'json' | 'table';

export interface FlowPrintOptions {
  output: OutputFormat;
  /** ANSI colours (compact and dict only). */
  color: boolean;
  printNodeName: boolean;
  printPolicyNames: boolean;
  /** Pod and DNS names instead of addresses (`--ip-translation`, off with `--numeric`). */
  ipTranslation: boolean;
  /** A `--time-format` name; StampMilli by default. */
  timeFormat: string;
}

/** What `hubble observe` prints with no output flags. */
export const DEFAULT_PRINT: FlowPrintOptions = {
  output: 'compact',
  color: false,
  printNodeName: false,
  printPolicyNames: false,
  ipTranslation: true,
  timeFormat: 'StampMilli',
};

// fatih/color sequences: each painted text is followed by a full reset.
const RESET = '\x1b[0m';
const paint = (code: number) => (s: string) => `\x1b[${code}m${s}${RESET}`;
const red = paint(31);
const green = paint(32);
const yellow = paint(33);
const magenta = paint(35);
const cyan = paint(36);

const COLORED: Pick<FlowStyle, 'host' | 'port' | 'identity' | 'verdict'> = {
  host: cyan,
  port: yellow,
  identity: magenta,
  verdict: (f, s) => {
    // Only the verdict word is painted; `BY policy (Kind)` follows unpainted.
    const space = s.indexOf(' ');
    const word = space < 0 ? s : s.slice(0, space);
    const rest = space < 0 ? '' : s.slice(space);
    switch (f.verdict) {
      case 'FORWARDED':
      case 'REDIRECTED':
        return green(word) + rest;
      case 'DROPPED':
      case 'ERROR':
        return red(word) + rest;
      case 'AUDIT':
      case 'TRACED':
      case 'TRANSLATED':
        return yellow(word) + rest;
    }
  },
};

export class FlowPrinter {
  private line = 0;
  private rows: string[][] = [];
  private readonly style: FlowStyle;

  constructor(private readonly opts: FlowPrintOptions) {
    const color = opts.color && (opts.output === 'compact' || opts.output === 'dict');
    const layout = opts.timeFormat;
    this.style = {
      ...(color ? COLORED : PLAIN_STYLE),
      time: isStampMilli(layout) ? stampMilli : (time) => formatFlowTime(time, layout),
      ipTranslation: opts.ipTranslation,
    };
  }

  /** The text for one flow (table rows are held until `close`). */
  write(f: Flow): string {
    const o = this.opts;
    switch (o.output) {
      case 'json':
        return `${formatJson(f)}\n`;
      case 'table': {
        const [src, dst] = hostnames(f, this.style);
        if (this.line++ === 0)
          this.rows.push([
            'TIMESTAMP',
            ...(o.printNodeName ? ['NODE'] : []),
            'SOURCE',
            'DESTINATION',
            'TYPE',
            'VERDICT',
            'SUMMARY',
          ]);
        this.rows.push([
          this.style.time(f.time),
          ...(o.printNodeName ? [f.node_name] : []),
          src,
          dst,
          flowType(f),
          this.style.verdict(f, verdictText(f, o)),
          f.Summary,
        ]);
        return '';
      }
      case 'dict':
        return formatDictBlock(f, this.line++ === 0, o, this.style);
      case 'compact':
        this.line++;
        return `${formatCompact(f, o, this.style)}\n`;
    }
  }

  /** What is still held back: the aligned table. */
  close(): string {
    if (this.rows.length === 0) return '';
    const text = tabRows(this.rows, { minWidth: 2, padding: 3 });
    this.rows = [];
    return text;
  }
}
