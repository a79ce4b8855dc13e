import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  formatParseError,
  parse,
  type Pipeline,
  type Script,
  type SimpleCommand,
  type Word,
} from './parse.ts';

/**
 * A compact rendering of the tree: words as `<...>` with quoted text in '', parameters as
 * ${NAME}, substitutions as $(...); commands in [ ]; operators between them.
 */
function showWord(w: Word): string {
  return `<${w.parts
    .map((p) => {
      if (p.kind === 'text') return p.quoted ? `'${p.text}'` : p.text;
      if (p.kind === 'param') {
        const fb = p.fallback ? `${p.fallback.ifEmpty ? ':' : ''}-${p.fallback.text}` : '';
        return `${p.quoted ? '"' : ''}\${${p.name}${fb}}`;
      }
      return `${p.quoted ? '"' : ''}$(${show(p.script)})`;
    })
    .join('')}>`;
}

function showCommand(c: SimpleCommand): string {
  const items = [
    ...c.assignments.map((a) => `${a.name}=${showWord(a.value)}`),
    ...c.words.map(showWord),
    ...c.redirects.map((r) => `${r.fd}${r.op}${showWord(r.target)}`),
  ];
  return `[${items.join(' ')}]`;
}

const showPipeline = (p: Pipeline): string => p.commands.map(showCommand).join(' | ');

function show(script: Script): string {
  return script.items
    .map((i) => [
      showPipeline(i.first),
      ...i.rest.map((r) => `${r.op} ${showPipeline(r.pipeline)}`),
    ])
    .map((parts) => parts.join(' '))
    .join(' ; ');
}

function parsed(line: string): string {
  const r = parse(line);
  if (!r.ok) throw new Error(`did not parse: ${JSON.stringify(r.error)}`);
  return show(r.script);
}

describe('parse: words and quoting', () => {
  test.each([
    ['echo hello   world', '[<echo> <hello> <world>]'],
    ['echo \'a  b\' "c  d"', "[<echo> <'a  b'> <'c  d'>]"],
    ['echo "" \'\'', "[<echo> <''> <''>]"],
    ["echo 'it'\\''s'", "[<echo> <'it's'>]"],
    ["echo 'no $X or \\n here'", "[<echo> <'no $X or \\n here'>]"],
    ['echo a\\ b', "[<echo> <a' 'b>]"],
    ['echo "a\\"b\\$c\\\\d\\e"', "[<echo> <'a\"b$c\\d\\e'>]"],
    ['echo a\\', '[<echo> <a\\>]'],
    ['echo a\\\nb', '[<echo> <ab>]'],
    ['echo a\r\nb\r\n', '[<echo> <a>] ; [<b>]'],
    ['echo a#b # a comment', '[<echo> <a#b>]'],
    ['# only a comment', ''],
    ['', ''],
    ['   \t  ', ''],
    ['echo {a,b} * ~', '[<echo> <{a,b}> <*> <~>]'],
  ])('%j', (line, expected) => {
    expect(parsed(line)).toBe(expected);
  });
});

describe('parse: expansions', () => {
  test.each([
    ['echo $HOME', '[<echo> <${HOME}>]'],
    ['echo ${HOME}x', '[<echo> <${HOME}x>]'],
    ['echo "$HOME/x"', "[<echo> <\"${HOME}'/x'>]"],
    ['echo $? $$ $1 $#', '[<echo> <${?}> <${$}> <${1}> <${#}>]'],
    ['echo $ a$', '[<echo> <$> <a$>]'],
    ['echo ${X:-def} ${Y-d e}', '[<echo> <${X:-def}> <${Y-d e}>]'],
    ['echo $(date)', '[<echo> <$([<date>])>]'],
    ['echo "$(a | b)"', '[<echo> <"$([<a>] | [<b>])>]'],
    ['echo "$(echo ")")"', "[<echo> <\"$([<echo> <')'>])>]"],
    ['echo $(echo $(echo hi))', '[<echo> <$([<echo> <$([<echo> <hi>])>])>]'],
    ['echo `uname -a`', '[<echo> <$([<uname> <-a>])>]'],
    ['echo $()', '[<echo> <$()>]'],
    ["echo '$(not run)'", "[<echo> <'$(not run)'>]"],
  ])('%j', (line, expected) => {
    expect(parsed(line)).toBe(expected);
  });
});

describe('parse: assignments, operators and redirections', () => {
  test.each([
    ['X=1', '[X=<1>]'],
    ['X=', '[X=<>]'],
    ['X=1 Y="a b" cmd arg', "[X=<1> Y=<'a b'> <cmd> <arg>]"],
    ['cmd X=1', '[<cmd> <X=1>]'],
    ['"X"=1', "[<'X'=1>]"],
    [
      "POD=$(kubectl get pods -o jsonpath='{.items[0].metadata.name}')",
      "[POD=<$([<kubectl> <get> <pods> <-o> <jsonpath='{.items[0].metadata.name}'>])>]",
    ],
    ['a; b;c', '[<a>] ; [<b>] ; [<c>]'],
    ['a;', '[<a>]'],
    ['a\nb\n\n', '[<a>] ; [<b>]'],
    ['a && b || c', '[<a>] && [<b>] || [<c>]'],
    ['a &&\n b', '[<a>] && [<b>]'],
    ['a | b | c', '[<a>] | [<b>] | [<c>]'],
    ['a|b&&c||d|e', '[<a>] | [<b>] && [<c>] || [<d>] | [<e>]'],
    ['a > /dev/null', '[<a> 1></dev/null>]'],
    ['a 2>&1 | b', '[<a> 2>&<1>] | [<b>]'],
    ['a 2>/dev/null >>x <y', '[<a> 2></dev/null> 1>><x> 0<<y>]'],
    ['a &>/dev/null', '[<a> 1&></dev/null>]'],
    ['a 12345>x', '[<a> <12345> 1><x>]'],
    ['>/dev/null', '[1></dev/null>]'],
  ])('%j', (line, expected) => {
    expect(parsed(line)).toBe(expected);
  });
});

describe('parse errors: busybox sh wording in a pod, bash wording on the host', () => {
  test.each([
    [
      'echo "abc',
      'sh: syntax error: unterminated quoted string',
      'bash: unexpected EOF while looking for matching `"\'',
    ],
    [
      "echo 'abc",
      'sh: syntax error: unterminated quoted string',
      "bash: unexpected EOF while looking for matching `''",
    ],
    ['| a', 'sh: syntax error: unexpected "|"', "bash: syntax error near unexpected token `|'"],
    [
      'a |',
      'sh: syntax error: unexpected end of file',
      'bash: syntax error: unexpected end of file',
    ],
    [
      'a &&',
      'sh: syntax error: unexpected end of file',
      'bash: syntax error: unexpected end of file',
    ],
    ['a && ;', 'sh: syntax error: unexpected ";"', "bash: syntax error near unexpected token `;'"],
    [';', 'sh: syntax error: unexpected ";"', "bash: syntax error near unexpected token `;'"],
    ['a ;;', 'sh: syntax error: unexpected ";;"', "bash: syntax error near unexpected token `;;'"],
    [
      'a || || b',
      'sh: syntax error: unexpected "||"',
      "bash: syntax error near unexpected token `||'",
    ],
    [
      'echo a | | b',
      'sh: syntax error: unexpected "|"',
      "bash: syntax error near unexpected token `|'",
    ],
    [')', 'sh: syntax error: unexpected ")"', "bash: syntax error near unexpected token `)'"],
    ['echo (', 'sh: syntax error: unexpected "("', "bash: syntax error near unexpected token `('"],
    [
      'echo $(foo',
      'sh: syntax error: unexpected end of file (expecting ")")',
      "bash: unexpected EOF while looking for matching `)'",
    ],
    [
      'echo ${FOO',
      "sh: syntax error: missing '}'",
      "bash: unexpected EOF while looking for matching `}'",
    ],
    [
      'echo `ab',
      'sh: syntax error: EOF in backquote substitution',
      "bash: unexpected EOF while looking for matching ``'",
    ],
    ['echo ${}', 'sh: syntax error: bad substitution', 'bash: ${}: bad substitution'],
    ['echo ${1a}', 'sh: syntax error: bad substitution', 'bash: ${1a}: bad substitution'],
    [
      'echo a >',
      'sh: syntax error: unexpected end of file',
      'bash: syntax error: unexpected end of file',
    ],
    [
      'echo a >\n',
      'sh: syntax error: unexpected newline',
      "bash: syntax error near unexpected token `newline'",
    ],
    [
      'echo > > x',
      'sh: syntax error: unexpected redirection',
      "bash: syntax error near unexpected token `>'",
    ],
    ['&', 'sh: syntax error: unexpected "&"', "bash: syntax error near unexpected token `&'"],
    [
      'sleep 5 &',
      'sh: running a command in the background (&) is not supported in this terminal',
      'bash: running a command in the background (&) is not supported in this terminal',
    ],
    [
      'echo $((1+2))',
      'sh: arithmetic expansion $((...)) is not supported in this terminal',
      'bash: arithmetic expansion $((...)) is not supported in this terminal',
    ],
    [
      'cat <<EOF',
      'sh: a here-document (<<) is not supported in this terminal',
      'bash: a here-document (<<) is not supported in this terminal',
    ],
  ])('%j', (line, sh, bash) => {
    const r = parse(line);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatParseError(r.error, 'sh')).toBe(`${sh}\n`);
    expect(formatParseError(r.error, 'bash')).toBe(`${bash}\n`);
  });
});

describe('parse never throws and stays fast', () => {
  const SHELLISH = [...'ab $(){}"\'`\\|&;<>#=\n\t-_?0123456789:'];

  test('random shell-looking input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SHELLISH), { maxLength: 200 }).map((cs) => cs.join('')),
        (line) => {
          const r = parse(line);
          if (!r.ok) expect(formatParseError(r.error, 'sh')).toMatch(/^sh: .*\n$/);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('random unicode input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (line) => {
        expect(() => parse(line)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  const HUGE = 100_000;
  test.each([
    ['words', 'echo hello '.repeat(HUGE / 11)],
    ['nested substitutions', '$('.repeat(HUGE / 2)],
    ['closed nested substitutions', `${'$('.repeat(HUGE / 4)}${')'.repeat(HUGE / 4)}`],
    ['opening quotes', '"'.repeat(HUGE - 1)],
    ['backquotes', '`'.repeat(HUGE - 1)],
    ['braces', '${'.repeat(HUGE / 2)],
    ['pipes', 'a|'.repeat(HUGE / 2) + 'a'],
    ['backslashes', '\\'.repeat(HUGE)],
    ['newlines', '\n'.repeat(HUGE)],
    [
      'random',
      fc.sample(fc.string({ minLength: HUGE, maxLength: HUGE }), { numRuns: 1, seed: 7 })[0]!,
    ],
  ])('a 100k-character line of %s', (_name, line) => {
    const start = performance.now();
    expect(() => parse(line)).not.toThrow();
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
