import { describe, expect, test } from 'vitest';
import { base64Decode, base64Encode } from './base64.ts';
import { CLEAR_SCREEN, createShellRegistry, TEXT_TOOLS } from './builtins.ts';
import { basicToRe2 } from './grepPattern.ts';
import { runLine } from './run.ts';
import { createShell, enterPod } from './state.ts';
import { ok, streamText } from './types.ts';

/** Runs `line` with `input` on its stdin (through a `feed` command that prints it). */
function run(line: string, input = '') {
  const reg = createShellRegistry<null>().register('feed', 'print the test input', () => ok(input));
  const r = runLine(`feed | ${line}`, reg, null, createShell());
  return [streamText(r.out, 'stdout'), streamText(r.out, 'stderr'), r.exitCode] as const;
}

const LINES = 'alpha\nBeta\ngamma\nalpha\ndelta\n';

describe('echo', () => {
  test.each([
    ['echo a  b', 'a b\n'],
    ['echo -n a', 'a'],
    ['echo -e "a\\tb\\nc"', 'a\tb\nc\n'],
    ['echo "a\\tb"', 'a\\tb\n'],
    ['echo -ne "x\\cy"', 'x'],
    ['echo -e "\\0101"', 'A\n'],
    ['echo -z', '-z\n'],
    ['echo', '\n'],
  ])('%j', (line, stdout) => {
    expect(run(line)).toEqual([stdout, '', 0]);
  });
});

describe('text tools', () => {
  test.each([
    // [command, stdin, stdout, stderr, exit code]
    ['cat', 'x\ny', 'x\ny', '', 0],
    ['cat -', 'x\n', 'x\n', '', 0],
    ['cat /etc/resolv.conf', '', '', 'cat: /etc/resolv.conf: No such file or directory\n', 1],
    ['grep alpha', LINES, 'alpha\nalpha\n', '', 0],
    ['grep -i beta', LINES, 'Beta\n', '', 0],
    ['grep -v a', LINES, '', '', 1],
    ['grep -c alpha', LINES, '2\n', '', 0],
    ['grep -c zzz', LINES, '0\n', '', 1],
    ['grep -n lt', LINES, '5:delta\n', '', 0],
    ['grep -o "l[a-z]"', LINES, 'lp\nlp\nlt\n', '', 0],
    ['grep -on "a$"', LINES, '1:a\n2:a\n3:a\n4:a\n5:a\n', '', 0],
    ['grep "a\\|B"', 'x\nB\na\n', 'B\na\n', '', 0],
    ['grep "a|B"', 'a|B\nB\n', 'a|B\n', '', 0],
    ['grep -E "^(alpha|delta)$"', LINES, 'alpha\nalpha\ndelta\n', '', 0],
    ['grep -E "a+l"', 'aal\nl\n', 'aal\n', '', 0],
    ['grep -w web', 'web-1\nwebapp\n', 'web-1\n', '', 0],
    ['grep -x alpha', 'alpha\nalphabet\n', 'alpha\n', '', 0],
    ['grep -F "a.c"', 'abc\na.c\n', 'a.c\n', '', 0],
    ['grep "a.c"', 'abc\na.c\n', 'abc\na.c\n', '', 0],
    ['grep "*x"', '*x\nx\n', '*x\n', '', 0],
    ['grep "[[:digit:]]"', 'a\nb2\n', 'b2\n', '', 0],
    ['grep -q alpha', LINES, '', '', 0],
    ['grep -e -v', '-v\nx\n', '-v\n', '', 0],
    ['grep -E "a("', LINES, '', "grep: bad regex 'a('\n", 2],
    ['grep "(a*)*b"', 'a'.repeat(5000), '', '', 1],
    ['grep', '', '', 'Usage: grep [-icvnowxqEF] [-e PATTERN] PATTERN [FILE]...\n', 2],
    [
      'grep -Q x',
      '',
      '',
      "grep: invalid option -- 'Q'\nUsage: grep [-icvnowxqEF] [-e PATTERN] PATTERN [FILE]...\n",
      2,
    ],
    ['grep x nofile', '', '', 'grep: nofile: No such file or directory\n', 2],
    ['head -n 2', LINES, 'alpha\nBeta\n', '', 0],
    ['head -2', LINES, 'alpha\nBeta\n', '', 0],
    ['head -n2', LINES, 'alpha\nBeta\n', '', 0],
    ['head', 'a\n'.repeat(12), 'a\n'.repeat(10), '', 0],
    ['head -n 1', 'no newline', 'no newline', '', 0],
    ['head -n x', LINES, '', "head: invalid number 'x'\n", 1],
    ['tail -n 2', LINES, 'alpha\ndelta\n', '', 0],
    ['tail -1', LINES, 'delta\n', '', 0],
    ['tail -n +4', LINES, 'alpha\ndelta\n', '', 0],
    ['tail -n 0', LINES, '', '', 0],
    ['wc -l', LINES, '5\n', '', 0],
    ['wc -l', 'a\nb', '1\n', '', 0],
    ['wc -w', 'a b\n c\n', '3\n', '', 0],
    ['wc -c', 'é\n', '3\n', '', 0],
    ['wc', 'a b\n', '      1       2       4\n', '', 0],
    ['wc -lw', 'a b\n', '      1       2\n', '', 0],
    ['sort', LINES, 'Beta\nalpha\nalpha\ndelta\ngamma\n', '', 0],
    ['sort -r', 'b\na\nc\n', 'c\nb\na\n', '', 0],
    ['sort -u', 'b\na\nb\n', 'a\nb\n', '', 0],
    ['sort -n', '10\n9\n-1\nx\n', '-1\nx\n9\n10\n', '', 0],
    ['sort -rn', '10\n9\n100\n', '100\n10\n9\n', '', 0],
    ['sort | uniq -c', LINES, '      1 Beta\n      2 alpha\n      1 delta\n      1 gamma\n', '', 0],
    ['uniq', 'a\na\nb\na\n', 'a\nb\na\n', '', 0],
    ['uniq -d', 'a\na\nb\n', 'a\n', '', 0],
    ['uniq -u', 'a\na\nb\n', 'b\n', '', 0],
    ['cut -d: -f2', 'a:b:c\nnone\n', 'b\nnone\n', '', 0],
    ['cut -d: -f1,3', 'a:b:c\n', 'a:c\n', '', 0],
    ['cut -d: -f2-', 'a:b:c\n', 'b:c\n', '', 0],
    ['cut -d: -f-2 -s', 'a:b:c\nnone\n', 'a:b\n', '', 0],
    ["cut -d ' ' -f1", 'web-1 1/1 Running\n', 'web-1\n', '', 0],
    ['cut -f2', 'a\tb\n', 'b\n', '', 0],
    ['cut -c1-3', 'abcdef\n', 'abc\n', '', 0],
    ['cut -f0', 'a\n', '', 'cut: fields are numbered from 1\n', 1],
    ['cut -d ab -f1', 'a\n', '', 'cut: the delimiter must be a single character\n', 1],
    ['cut', 'a\n', '', 'cut: you must specify a list of bytes, characters, or fields\n', 1],
    ['tr a-z A-Z', 'hello\n', 'HELLO\n', '', 0],
    ["tr '[:lower:]' '[:upper:]'", 'abc\n', 'ABC\n', '', 0],
    ['tr abc x', 'aabbcd\n', 'xxxxxd\n', '', 0],
    ["tr -d '\\n'", 'a\nb\n', 'ab', '', 0],
    ["tr -s ' '", 'a   b  c\n', 'a b c\n', '', 0],
    ["tr ' ' '\\n'", 'a b\n', 'a\nb\n', '', 0],
    ['tr -s a-z', 'aabbcc\n', 'abc\n', '', 0],
    ['tr', '', '', 'tr: missing operand\n', 1],
    ['tr a', '', '', "tr: missing operand after 'a'\n", 1],
    [
      'tr z-a x',
      '',
      '',
      "tr: range-endpoints of 'z-a' are in reverse collating sequence order\n",
      1,
    ],
    ['base64 -d', 'aGVsbG8gd29ybGQ=\n', 'hello world', '', 0],
    ['base64 --decode', 'aGk=', 'hi', '', 0],
    ['base64 -d', '!!!', '', 'base64: invalid input\n', 1],
    ['base64', 'hello world', 'aGVsbG8gd29ybGQ=\n', '', 0],
    ['base64 -w 4', 'hello', 'aGVs\nbG8=\n', '', 0],
  ])('%j', (line, stdin, stdout, stderr, code) => {
    expect(run(line, stdin)).toEqual([stdout, stderr, code]);
  });

  test('sleep takes simulated time only', () => {
    const reg = createShellRegistry<null>();
    const start = Date.now();
    expect(runLine('sleep 30', reg, null, createShell())).toMatchObject({
      exitCode: 0,
      elapsedMs: 30000,
    });
    expect(runLine('sleep 1.5 1m', reg, null, createShell()).elapsedMs).toBe(61500);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(run('sleep x')).toEqual(['', "sleep: invalid time interval 'x'\n", 1]);
    expect(run('sleep')).toEqual(['', 'sleep: missing operand\n', 1]);
  });
});

describe('shell built-ins', () => {
  test('clear writes the ANSI clear sequence', () => {
    expect(run('clear')).toEqual([CLEAR_SCREEN, '', 0]);
  });

  test('help lists what exists here, with one line each', () => {
    const reg = createShellRegistry<null>().register('curl', 'transfer a URL\nmore detail', () =>
      ok(),
    );
    const shell = createShell();
    const host = streamText(runLine('help', reg, null, shell).out, 'stdout');
    expect(host).toContain('  curl     transfer a URL\n');
    expect(host).not.toContain('more detail');
    expect(streamText(runLine('help curl', reg, null, shell).out, 'stdout')).toBe(
      'transfer a URL\nmore detail\n',
    );
    enterPod(shell, { namespace: 'n', pod: 'p', image: 'distroless', tools: [] });
    const pod = streamText(runLine('help', reg, null, shell).out, 'stdout');
    expect(pod).toContain('  echo ');
    expect(pod).not.toContain('curl');
    expect(pod).not.toContain('grep');
    const r = runLine('help curl', reg, null, shell);
    expect([streamText(r.out, 'stderr'), r.exitCode]).toEqual([
      "sh: help: no help topics match 'curl'\n",
      1,
    ]);
  });

  test('completion offers what exists where the shell is', () => {
    const reg = createShellRegistry<null>().register('hubble', 'observe flows', () => ok());
    const shell = createShell();
    expect(reg.complete('h', shell)).toEqual(['head', 'help', 'history', 'hubble']);
    enterPod(shell, { namespace: 'n', pod: 'p', image: 'busybox', tools: [...TEXT_TOOLS] });
    expect(reg.complete('h', shell)).toEqual(['head', 'help', 'history']);
  });

  test.each([
    ['true', '', '', 0],
    ['false', '', '', 1],
    ['export 1a=2', '', "bash: export: `1a=2': not a valid identifier\n", 1],
    ['exit x', '', 'bash: exit: x: numeric argument required\n', 2],
    ['history x', '', 'bash: history: x: numeric argument required\n', 1],
  ])('%j', (line, stdout, stderr, code) => {
    expect(run(line)).toEqual([stdout, stderr, code]);
  });
});

describe('helpers', () => {
  test.each([
    ['a\\|b', 'a|b'],
    ['a|b', 'a\\|b'],
    ['\\(ab\\)\\{2\\}', '(ab){2}'],
    ['*a', '\\*a'],
    ['^*a', '^\\*a'],
    ['a^b$c$', 'a\\^b\\$c$'],
    ['[a\\]', '[a\\\\]'],
    ['[]x]', '[]x]'],
    ['\\<word\\>', '\\bword\\b'],
  ])('basic regex %j is %j in RE2', (bre, re2) => {
    expect(basicToRe2(bre)).toBe(re2);
  });

  test.each(['', 'a', 'hi!', 'héllo wörld ✓ 𝄞', '\u0000\u00ff'])('base64 round trip of %j', (s) => {
    expect(base64Decode(base64Encode(s))).toBe(s);
  });

  test('base64 -d turns bytes that are not UTF-8 into replacement characters', () => {
    expect(base64Decode('/w==')).toBe('\ufffd');
    expect(base64Decode('a')).toBeNull();
  });
});
