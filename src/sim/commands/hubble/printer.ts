/**
 * The Hubble CLI's flow printer (hubble/pkg/printer): compact, dict, table and JSON, with the
 * options `hubble observe` passes to it. Without colour, numeric mode or another time layout the
 * compact and dict lines are the engine's own (`formatCompact`, `formatDict`); this printer adds
 * what only the CLI does: ANSI colours (printer/color.go), `--numeric`, `--time-format` and the
 * tab-aligned table.
 */
import {
  flowType,
  hostname,
  identityText,
  portsOf,
  stampMilli,
  verdictText,
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

interface Colors {
  host: (s: string) => string;
  port: (s: string) => string;
  identity: (s: string) => string;
  verdict: (f: Flow, text: string) => string;
}

const PLAIN: Colors = {
  host: (s) => s,
  port: (s) => s,
  identity: (s) => s,
  verdict: (_f, s) => s,
};

const COLORED: Colors = {
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
  private readonly c: Colors;

  constructor(private readonly opts: FlowPrintOptions) {
    this.c = opts.color && (opts.output === 'compact' || opts.output === 'dict') ? COLORED : PLAIN;
  }

  private time(f: Flow): string {
    return isStampMilli(this.opts.timeFormat)
      ? stampMilli(f.time)
      : formatFlowTime(f.time, this.opts.timeFormat);
  }

  /** Source and destination as `Hostname()` writes them, painted. */
  private hosts(f: Flow): [string, string] {
    const [sp, dp] = portsOf(f);
    const one = (ip: string, port: string, ep: Flow['source'], names?: string[]) => {
      const host = this.opts.ipTranslation ? hostname(ip, '', ep, names) : ip;
      if (port === '' || port === '0') return this.c.host(host);
      const joined = host.includes(':') ? `[${host}]` : host;
      return this.c.host(`${joined}:${this.c.port(port)}`);
    };
    return [
      one(f.IP.source, sp, f.source, f.source_names),
      one(f.IP.destination, dp, f.destination, f.destination_names),
    ];
  }

  private verdict(f: Flow): string {
    return this.c.verdict(f, verdictText(f, { printPolicyNames: this.opts.printPolicyNames }));
  }

  /** The text for one flow (table rows are held until `close`). */
  write(f: Flow): string {
    const o = this.opts;
    switch (o.output) {
      case 'json':
        return `${formatJson(f)}\n`;
      case 'table': {
        const [src, dst] = this.hosts(f);
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
          this.time(f),
          ...(o.printNodeName ? [f.node_name] : []),
          src,
          dst,
          flowType(f),
          this.verdict(f),
          f.Summary,
        ]);
        return '';
      }
      case 'dict': {
        const [src, dst] = this.hosts(f);
        const sep = this.line++ === 0 ? '' : '------------\n';
        return (
          sep +
          `  TIMESTAMP: ${this.time(f)}\n` +
          (o.printNodeName ? `       NODE: ${f.node_name}\n` : '') +
          `     SOURCE: ${src}\n` +
          `DESTINATION: ${dst}\n` +
          `       TYPE: ${flowType(f)}\n` +
          `    VERDICT: ${this.verdict(f)}\n` +
          `    SUMMARY: ${f.Summary}\n`
        );
      }
      case 'compact': {
        let [src, dst] = this.hosts(f);
        let srcId = this.c.identity(identityText(f.source.identity));
        let dstId = this.c.identity(identityText(f.destination.identity));
        let arrow = '->';
        if (f.is_reply === undefined) arrow = '<>';
        else if (f.is_reply) {
          [src, dst] = [dst, src];
          [srcId, dstId] = [dstId, srcId];
          arrow = '<-';
        }
        const node = o.printNodeName ? ` [${f.node_name}]` : '';
        this.line++;
        return `${this.time(f)}${node}: ${src} ${srcId} ${arrow} ${dst} ${dstId} ${flowType(f)} ${this.verdict(f)} (${f.Summary})\n`;
      }
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
