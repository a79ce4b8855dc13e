/**
 * Report formats for CI: JUnit XML, CSV (RFC 4180) and Markdown tables. Pure string building;
 * the callers decide where the text goes.
 */

// ---------------------------------------------------------------------------------------------
// XML

/**
 * Text safe inside an XML 1.0 double- or single-quoted attribute (`attribute`, the default) or
 * element. Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates,
 * U+FFFE/U+FFFF) become U+FFFD. A parser turns raw tabs and line breaks in an attribute into
 * spaces, and a raw CR anywhere into LF, so those are written as character references.
 */
export function xmlEscape(text: string, attribute = true): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i]!;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + text[i + 1]!;
        i++;
      } else out += '\ufffd';
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&apos;';
    else if (ch === '\r' || ((ch === '\t' || ch === '\n') && attribute)) out += `&#${c};`;
    else if (ch === '\t' || ch === '\n') out += ch;
    else if (c < 0x20 || c === 0xfffe || c === 0xffff) out += '\ufffd';
    else out += ch;
  }
  return out;
}

/** One test case of a JUnit report. */
export interface JUnitCase {
  name: string;
  /** Groups cases, e.g. the probes file. */
  classname: string;
  /** `file:line` tools link to, when known. */
  file?: string;
  line?: number;
  /** What happened, printed under the case (the verdict and its reason). */
  output?: string;
  /** The expectation was not met. */
  failure?: { message: string; type: string; details: string };
  /** The case could not run (e.g. an unknown pod). */
  error?: { message: string; type: string; details: string };
  /** Not a test: no expectation was given. */
  skipped?: string;
}

/** A JUnit suite: cases with the same `suite` name (e.g. per probes file). */
export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
}

const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;

function counts(cases: JUnitCase[]) {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.failure).length,
    errors: cases.filter((c) => c.error).length,
    skipped: cases.filter((c) => c.skipped !== undefined).length,
  };
}

function countAttrs(cases: JUnitCase[]): string {
  const n = counts(cases);
  return `${attr('tests', n.tests)}${attr('failures', n.failures)}${attr('errors', n.errors)}${attr('skipped', n.skipped)}`;
}

/**
 * A JUnit XML report in the shape Jenkins, GitLab and the common GitHub actions read:
 * `<testsuites>` › `<testsuite>` › `<testcase>` with `<failure>`, `<error>`, `<skipped>` and
 * `<system-out>`. No times or host names, so equal inputs give equal files.
 */
export function junitXml(name: string, suites: JUnitSuite[]): string {
  const all = suites.flatMap((s) => s.cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attr('name', name)}${countAttrs(all)}>`,
  ];
  for (const s of suites) {
    lines.push(`  <testsuite${attr('name', s.name)}${countAttrs(s.cases)}>`);
    for (const c of s.cases) {
      const head =
        `    <testcase${attr('name', c.name)}${attr('classname', c.classname)}` +
        `${c.file !== undefined ? attr('file', c.file) : ''}${c.line !== undefined ? attr('line', c.line) : ''}`;
      const body: string[] = [];
      if (c.failure)
        body.push(
          `      <failure${attr('message', c.failure.message)}${attr('type', c.failure.type)}>${xmlEscape(c.failure.details, false)}</failure>`,
        );
      if (c.error)
        body.push(
          `      <error${attr('message', c.error.message)}${attr('type', c.error.type)}>${xmlEscape(c.error.details, false)}</error>`,
        );
      if (c.skipped !== undefined) body.push(`      <skipped${attr('message', c.skipped)}/>`);
      if (c.output !== undefined)
        body.push(`      <system-out>${xmlEscape(c.output, false)}</system-out>`);
      if (body.length === 0) lines.push(`${head}/>`);
      else lines.push(`${head}>`, ...body, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// CSV

/** One RFC 4180 field: quoted when it holds a comma, a double quote or a line break. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 text: a header row, then the records, every line ending in CRLF. */
export function csv(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * Text safe in a cell of a GitHub-flavoured Markdown table: punctuation Markdown or HTML would
 * act on is backslash-escaped (CommonMark allows it before any ASCII punctuation), and line
 * breaks become spaces, since a cell is one line.
 */
export function mdCell(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|#~&!]/g, '\\$&');
}

/** A Markdown table; cells are escaped with `mdCell`. */
export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}
