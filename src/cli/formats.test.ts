/**
 * Report formats, table by table.
 *
 * | format   | checks                                                                        |
 * |----------|-------------------------------------------------------------------------------|
 * | XML      | escaping of `<&"'>`, controls, surrogates; JUnit well-formed and round-trips  |
 * | CSV      | RFC 4180: quote on comma, quote and line break; quotes doubled; CRLF records  |
 * | Markdown | cells escape table and inline syntax; header, separator and one line per row  |
 */
import { describe, expect, test } from 'vitest';
import { csv, csvField, junitXml, mdCell, mdTable, xmlEscape, type JUnitSuite } from './formats.ts';
import { checkXml } from './testing/xml.ts';

describe('xmlEscape', () => {
  test.each([
    ['plain', 'plain', 'plain'],
    ['a<b>&"c\'', 'a&lt;b&gt;&amp;&quot;c&apos;', 'a&lt;b&gt;&amp;&quot;c&apos;'],
    ['line\nbreak\ttab', 'line&#10;break&#9;tab', 'line\nbreak\ttab'],
    ['cr\r', 'cr&#13;', 'cr&#13;'],
    ['bell\u0007nul\u0000', 'bell\ufffdnul\ufffd', 'bell\ufffdnul\ufffd'],
    ['lone \ud800 surrogate', 'lone \ufffd surrogate', 'lone \ufffd surrogate'],
    ['pair 😀 kept', 'pair 😀 kept', 'pair 😀 kept'],
    ['\uffff', '\ufffd', '\ufffd'],
  ])('%j → attribute %j, text %j', (input, attribute, text) => {
    expect(xmlEscape(input)).toBe(attribute);
    expect(xmlEscape(input, false)).toBe(text);
  });
});

describe('junitXml', () => {
  const nasty = `<&"'> ]]> \u0001`;
  const suites: JUnitSuite[] = [
    {
      name: `probes ${nasty}.yaml`,
      cases: [
        {
          name: 'passes',
          classname: 'p.yaml',
          file: 'p.yaml',
          line: 3,
          output: 'verdict: allowed',
        },
        {
          name: `fails ${nasty}`,
          classname: 'p.yaml',
          failure: { message: `expected <allowed> & "more"`, type: 'verdict', details: nasty },
        },
        {
          name: 'unknown pod',
          classname: 'p.yaml',
          error: { message: 'e', type: 't', details: 'd' },
        },
        { name: 'no expect', classname: 'p.yaml', skipped: "no 'expect'" },
      ],
    },
    { name: 'empty', cases: [] },
  ];
  const xml = junitXml('netpol-playground check', suites);

  test('is well-formed and carries every string back unchanged (controls replaced)', () => {
    const { values } = checkXml(xml);
    const clean = nasty.replace('\u0001', '\ufffd');
    expect(values).toContain(`fails ${clean}`);
    expect(values).toContain(`expected <allowed> & "more"`);
    expect(values).toContain(clean);
    expect(values).toContain("no 'expect'");
  });

  test('counts per suite and in total', () => {
    expect(xml.split('\n')[1]).toBe(
      '<testsuites name="netpol-playground check" tests="4" failures="1" errors="1" skipped="1">',
    );
    expect(xml).toContain('<testsuite name="empty" tests="0" failures="0" errors="0" skipped="0">');
    expect(xml).toContain(
      '<testcase name="passes" classname="p.yaml" file="p.yaml" line="3">\n      <system-out>verdict: allowed</system-out>',
    );
    expect(xml).toContain(
      '<testcase name="unknown pod" classname="p.yaml">\n      <error message="e" type="t">d</error>',
    );
  });

  test.each([
    ['<a>', /bad markup|unbalanced|unclosed/],
    ['<a b="<">x</a>', /bad markup/],
    ['<a>&nope;</a>', /bare &/],
    ['<a></a><b/>', /2 root elements/],
    ['<a><b></a></b>', /unbalanced/],
    ['<a>\u0001</a>', /cannot carry/],
  ])('the checker itself rejects %j', (body, why) => {
    expect(() => checkXml(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`)).toThrow(why);
  });
});

describe('CSV', () => {
  test.each<[string | number, string]>([
    ['plain', 'plain'],
    [5432, '5432'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [' spaced ', ' spaced '],
  ])('field %j → %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  test('records end in CRLF, the header first', () => {
    expect(
      csv(
        ['from', 'to'],
        [
          ['a', 'b,c'],
          ['"q"', 1],
        ],
      ),
    ).toBe('from,to\r\na,"b,c"\r\n"""q""",1\r\n');
  });
});

describe('Markdown', () => {
  test.each([
    ['db/postgres', 'db/postgres'],
    ['a|b', 'a\\|b'],
    ['GET /x?a=1&b=<2>', 'GET /x?a=1\\&b=\\<2\\>'],
    ['two\nlines', 'two lines'],
    ['*bold* _it_ `code` [link]', '\\*bold\\* \\_it\\_ \\`code\\` \\[link\\]'],
    ['back\\slash', 'back\\\\slash'],
  ])('cell %j → %j', (text, cell) => {
    expect(mdCell(text)).toBe(cell);
  });

  test('a header, a separator and one line per row, every line with the same columns', () => {
    const t = mdTable(
      ['A', 'B|C'],
      [
        ['1', '2'],
        ['x|y', ''],
      ],
    );
    const lines = t.split('\n');
    expect(lines).toEqual(['| A | B\\|C |', '|---|---|', '| 1 | 2 |', '| x\\|y |  |']);
    for (const l of lines) expect(l.split(/(?<!\\)\|/).length).toBe(4);
  });
});
