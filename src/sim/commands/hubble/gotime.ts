/**
 * Go's time handling as the Hubble CLI uses it: `time.ParseDuration` for `--since 5m`, the
 * absolute layouts `hubtime.FromString` accepts, duration printing (`72h4m5s`), and the
 * `--time-format` layouts. All times are UTC.
 */

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** `time.ParseDuration` in milliseconds, or undefined when Go would reject the text. */
export function parseGoDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  const re = /^([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/;
  while (s !== '') {
    const m = re.exec(s);
    if (!m || m[1] === '' || m[1] === '.') return undefined;
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return sign * total;
}

const ABSOLUTE: readonly RegExp[] = [
  /^(\d{4})-(\d\d)-(\d\d)$/,
  /^(\d{4})-(\d\d)-(\d\d)T(\d\d)(Z|[+-]\d\d:\d\d)$/,
  /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(Z|[+-]\d\d:\d\d)$/,
  /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/,
];

/**
 * `hubtime.FromString`: a duration back from `now`, else one of the absolute layouts (day,
 * hour, minute, RFC 3339 with any fraction). Undefined when nothing fits.
 */
export function parseHubbleTime(text: string, now: number): number | undefined {
  const d = parseGoDuration(text);
  if (d !== undefined) return now - d;
  for (const re of ABSOLUTE) {
    const m = re.exec(text);
    if (!m) continue;
    const [, y, mo, da] = m;
    const rest = m.slice(4).filter((x) => x !== undefined);
    const zone = rest.length > 0 && /^(Z|[+-])/.test(rest[rest.length - 1]!) ? rest.pop()! : 'Z';
    const [h = '00', mi = '00', se = '00', frac = ''] = rest;
    const iso = `${y}-${mo}-${da}T${h}:${mi}:${se}${frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : ''}${zone}`;
    const t = Date.parse(iso);
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

/** Go's `Duration.String()` for a whole number of seconds or more: `72h4m5s`, `4m0s`, `5s`. */
export function formatGoDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

const TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$/;

/** The `--time-format` names the CLI knows (case-insensitive); anything else is StampMilli. */
export const TIME_FORMATS = [
  'StampMilli',
  'RFC3339',
  'RFC3339Milli',
  'RFC3339Micro',
  'RFC3339Nano',
  'RFC1123Z',
  'YearMonthDay',
  'YearMonthDayHour',
  'YearMonthDayHourMinute',
] as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * A flow's protojson time in one of the `--time-format` layouts other than StampMilli (which the
 * flow printers do themselves). Go's `.999` fractions drop trailing zeros, and the dot with them.
 */
export function formatFlowTime(time: string, layout: string): string {
  const m = TIME.exec(time);
  if (!m) return 'N/A';
  const [, y, mo, d, h, mi, s] = m;
  const frac = (m[7] ?? '').padEnd(9, '0');
  const trimmed = (digits: number) => {
    const f = frac.slice(0, digits).replace(/0+$/, '');
    return f ? `.${f}` : '';
  };
  switch (layout.toLowerCase()) {
    case 'rfc3339':
      return `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
    case 'rfc3339milli':
      return `${y}-${mo}-${d}T${h}:${mi}:${s}${trimmed(3)}Z`;
    case 'rfc3339micro':
      return `${y}-${mo}-${d}T${h}:${mi}:${s}${trimmed(6)}Z`;
    case 'rfc3339nano':
      return `${y}-${mo}-${d}T${h}:${mi}:${s}${trimmed(9)}Z`;
    case 'yearmonthday':
      return `${y}-${mo}-${d}`;
    case 'yearmonthdayhour':
      return `${y}-${mo}-${d}T${h}Z`;
    case 'yearmonthdayhourminute':
      return `${y}-${mo}-${d}T${h}:${mi}Z`;
    case 'rfc1123z': {
      const day = DAYS[new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay()];
      return `${day}, ${d} ${MONTHS[Number(mo) - 1]} ${y} ${h}:${mi}:${s} +0000`;
    }
    default:
      return '';
  }
}

/** Whether a layout name means the default StampMilli. */
export function isStampMilli(layout: string): boolean {
  const l = layout.toLowerCase();
  return !TIME_FORMATS.some((f) => f.toLowerCase() === l) || l === 'stampmilli';
}
