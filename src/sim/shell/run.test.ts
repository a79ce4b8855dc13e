import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createShellRegistry } from './builtins.ts';
import { runLine } from './run.ts';
import { createShell, enterPod, recordHistory } from './state.ts';
import { fail, ok, streamText, type CommandRegistry, type ShellState } from './types.ts';

/** A stand-in world: the fake kubectl counts its calls in it. */
interface World {
  kubectlCalls: number;
}

const PODS = `NAME                   READY   STATUS    RESTARTS   AGE
web-6d4cf56db6-abcde   1/1     Running   0          5m
web-6d4cf56db6-fghij   1/1     Running   0          5m
db-0                   1/1     Running   0          5m
`;

function registry(): CommandRegistry<World> {
  return createShellRegistry<World>()
    .register('kubectl', 'talk to the cluster', ({ argv, world }) => {
      world.kubectlCalls++;
      const args = argv.slice(1).join(' ');
      if (args === 'get pods -l app=web -o jsonpath={.items[0].metadata.name}') {
        return ok('web-6d4cf56db6-abcde');
      }
      if (args === 'get pods') return ok(PODS);
      if (args.startsWith('get secret')) return ok('cGFzc3dvcmQ=');
      return fail(`error: unknown command "${argv[1] ?? ''}" for "kubectl"`);
    })
    .register('curl', 'transfer a URL', ({ argv }) => ({
      out: [
        { stream: 'stderr', text: `curl: (28) Connection timed out after 5001 milliseconds\n` },
      ],
      exitCode: 28,
      elapsedMs: 5001,
      flows: [{ to: argv[argv.length - 1], verdict: 'DROPPED' }],
    }))
    .register('boom', 'a tool with a bug', () => {
      throw new Error('kaboom');
    });
}

function session(shell: ShellState = createShell()) {
  const reg = registry();
  const world: World = { kubectlCalls: 0 };
  const run = (line: string) => {
    recordHistory(shell, line);
    const r = runLine(line, reg, world, shell);
    return { ...r, stdout: streamText(r.out, 'stdout'), stderr: streamText(r.out, 'stderr') };
  };
  return { run, shell, world };
}

function inPod(tools: string[] = ['curl', 'grep']): ShellState {
  const shell = createShell({ env: { HOST_ONLY: 'yes' } });
  enterPod(shell, { namespace: 'default', pod: 'client', image: 'busybox:1.36', tools });
  return shell;
}

describe('runLine', () => {
  test.each([
    // [line, stdout, stderr, exit code]
    [
      "POD=$(kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}'); echo $POD",
      'web-6d4cf56db6-abcde\n',
      '',
      0,
    ],
    [
      'kubectl get pods | grep web',
      'web-6d4cf56db6-abcde   1/1     Running   0          5m\nweb-6d4cf56db6-fghij   1/1     Running   0          5m\n',
      '',
      0,
    ],
    ['kubectl get pods | grep -c Running', '3\n', '', 0],
    [
      'kubectl get pods | head -n 2 | tail -1',
      'web-6d4cf56db6-abcde   1/1     Running   0          5m\n',
      '',
      0,
    ],
    ['kubectl get pods | tail -n +2 | wc -l', '3\n', '', 0],
    [
      "kubectl get pods | grep -v NAME | cut -d' ' -f1 | sort -r",
      'web-6d4cf56db6-fghij\nweb-6d4cf56db6-abcde\ndb-0\n',
      '',
      0,
    ],
    ['kubectl get secret db -o jsonpath={.data.password} | base64 -d', 'password', '', 0],
    ['kubectl get pods | grep nothing', '', '', 1],
    ['kubectl get pods | grep nothing | wc -l', '0\n', '', 0],
    ['true && echo a || echo b', 'a\n', '', 0],
    ['false && echo a || echo b', 'b\n', '', 0],
    ['false || false && echo a', '', '', 1],
    ['true || echo skipped; echo next', 'next\n', '', 0],
    ['false; echo $?; echo $?', '1\n0\n', '', 0],
    ['false | true', '', '', 0],
    ['true | false', '', '', 1],
    [
      'kubectl nope; echo "exit=$?"',
      'exit=1\n',
      'error: unknown command "nope" for "kubectl"\n',
      0,
    ],
    ['X=hello; echo "$X world" ${X}!', 'hello world hello!\n', '', 0],
    ['X="a   b"; echo $X; echo "$X"', 'a b\na   b\n', '', 0],
    ['echo $UNSET "" x', ' x\n', '', 0],
    ['echo ${UNSET:-fallback} ${UNSET-other}', 'fallback other\n', '', 0],
    ['echo "$(echo one; echo two)"', 'one\ntwo\n', '', 0],
    ['echo $(printf_missing) after', 'after\n', 'bash: printf_missing: command not found\n', 0],
    ['A=$(false); echo $?', '1\n', '', 0],
    ['echo `echo back`quoted', 'backquoted\n', '', 0],
    ['X=1 true; echo "[$X]"', '[]\n', '', 0],
    ['echo $(X=inner; echo $X) "[$X]"', 'inner []\n', '', 0],
    ['foo', '', 'bash: foo: command not found\n', 127],
    ['foo 2>/dev/null; echo $?', '127\n', '', 0],
    ['kubectl nope 2>&1 | grep -o unknown', 'unknown\n', '', 0],
    ['echo hidden >/dev/null', '', '', 0],
    ['echo to-stderr >&2', '', 'to-stderr\n', 0],
    ['kubectl nope &>/dev/null || echo failed', 'failed\n', '', 0],
    ['echo x > out.txt', '', 'bash: out.txt: Read-only file system\n', 1],
    ['cat < /etc/hosts', '', 'bash: /etc/hosts: No such file or directory\n', 1],
    ['cat </dev/null; echo done', 'done\n', '', 0],
    ['echo "unterminated', '', 'bash: unexpected EOF while looking for matching `"\'\n', 2],
    ['boom', '', 'boom: internal error: kaboom\n', 1],
  ])('%j', (line, stdout, stderr, code) => {
    const r = session().run(line);
    expect([r.stdout, r.stderr, r.exitCode]).toEqual([stdout, stderr, code]);
  });

  test('stdout and stderr stay interleaved in the order they were written', () => {
    const r = session().run('echo one; foo; echo two');
    expect(r.out).toEqual([
      { stream: 'stdout', text: 'one\n' },
      { stream: 'stderr', text: 'bash: foo: command not found\n' },
      { stream: 'stdout', text: 'two\n' },
    ]);
  });

  test('$? carries across lines, and an empty line keeps it', () => {
    const s = session();
    s.run('false');
    expect(s.run('').exitCode).toBe(1);
    expect(s.run('echo $?').stdout).toBe('1\n');
  });

  test('simulated time and flows add up; a pipeline takes as long as its slowest stage', () => {
    const s = session();
    const r = s.run('curl -m 5 http://db:5432; sleep 1');
    expect(r.elapsedMs).toBe(6001);
    expect(r.flows).toEqual([{ to: 'http://db:5432', verdict: 'DROPPED' }]);
    expect(s.run('sleep 2 | sleep 3').elapsedMs).toBe(3000);
    expect(s.run('echo $(sleep 1; echo x)').elapsedMs).toBe(1000);
  });

  test('the world is shared by every stage and substitution', () => {
    const s = session();
    s.run(
      'kubectl get pods | grep $(kubectl get pods -l app=web -o jsonpath={.items[0].metadata.name})',
    );
    expect(s.world.kubectlCalls).toBe(2);
  });

  test('variables persist between lines; export lists them', () => {
    const s = session();
    s.run('export NS=demo');
    s.run('POD=web');
    expect(s.run('echo $NS/$POD').stdout).toBe('demo/web\n');
    expect(s.run('export').stdout).toBe('declare -x NS="demo"\ndeclare -x POD="web"\n');
  });

  test('history numbers the lines like bash and includes the current one', () => {
    const s = session();
    s.run('echo a');
    s.run('kubectl get pods | wc -l');
    expect(s.run('history').stdout).toBe(
      '    1  echo a\n    2  kubectl get pods | wc -l\n    3  history\n',
    );
    expect(s.run('history 1').stdout).toBe('    4  history 1\n');
  });

  test('a hostile expansion is stopped instead of exhausting memory', () => {
    const s = session();
    const r = s.run(`A=xxxxxxxxxxxxxxxx;${' A=$A$A$A$A;'.repeat(12)} echo done`);
    expect(r.stderr).toBe('bash: out of memory\n');
    expect(r.exitCode).toBe(2);
  });
});

describe('inside a pod', () => {
  test('only built-ins and the image tools exist; errors use busybox wording', () => {
    const s = session(inPod());
    expect(s.shell.prompt()).toBe('/ # ');
    expect(s.run('kubectl get pods')).toMatchObject({
      stderr: 'sh: kubectl: not found\n',
      exitCode: 127,
    });
    expect(s.run('echo hi | wc -l')).toMatchObject({
      stderr: 'sh: wc: not found\n',
      exitCode: 127,
    });
    expect(s.run('echo hi | grep h').stdout).toBe('hi\n');
    expect(s.run('echo "x').stderr).toBe('sh: syntax error: unterminated quoted string\n');
    expect(s.run('echo x >/tmp/f').stderr).toBe("sh: can't create /tmp/f: Read-only file system\n");
  });

  test('the host variables are not visible inside, and come back after exit', () => {
    const s = session(inPod());
    expect(s.run('echo "[$HOST_ONLY]"').stdout).toBe('[]\n');
    s.run('INSIDE=1');
    expect(s.run('exit').exitCode).toBe(0);
    expect(s.shell.location).toEqual({ kind: 'host' });
    expect(s.shell.prompt()).toBe('$ ');
    expect(s.run('echo "$HOST_ONLY [$INSIDE]"').stdout).toBe('yes []\n');
  });

  test('exit N ends the rest of the line and reports the code like kubectl exec', () => {
    const s = session(inPod());
    const r = s.run('exit 3; echo not-run');
    expect([r.stdout, r.stderr, r.exitCode]).toEqual([
      '',
      'command terminated with exit code 3\n',
      3,
    ]);
    expect(s.shell.location.kind).toBe('host');
    expect(s.run('echo $?').stdout).toBe('3\n');
  });

  test('exit inside a pipeline or substitution does not leave the pod', () => {
    const s = session(inPod());
    s.run('true | exit');
    s.run('echo $(exit 1)');
    expect(s.shell.location.kind).toBe('pod');
  });

  test('exit on the host keeps the terminal', () => {
    const s = session();
    const r = s.run('exit; echo still');
    expect(r.stdout).toMatch(/stays open[^\n]*\nstill\n$/);
    expect(s.shell.location.kind).toBe('host');
  });

  test('prompts follow the image, and callers can set their own', () => {
    const at = (image: string, podPrompts?: Record<string, string>) => {
      const sh = createShell({ podPrompts });
      enterPod(sh, { namespace: 'n', pod: 'p', image, tools: [] });
      return sh.prompt();
    };
    expect(at('curlimages/curl:8.8.0')).toBe('~ $ ');
    expect(at('docker.io/library/busybox:1.36')).toBe('/ # ');
    expect(at('nicolaka/netshoot')).toBe('~ $ ');
    expect(at('registry.example.com:5000/team/app:v1', { 'team/app': 'app$ ' })).toBe('app$ ');
  });
});

describe('runLine never throws', () => {
  const WORDS = [
    'echo',
    'grep',
    'kubectl',
    'exit',
    'x',
    '-n',
    '$(',
    ')',
    '"',
    "'",
    '|',
    '&&',
    '||',
    ';',
    '$?',
    '$X',
    'X=1',
    '>',
    '2>&1',
    '/dev/null',
    'sort',
    'tr',
    'a-z',
    'cut',
    '-f1',
    'base64',
    '-d',
    '`',
    '\\',
    '\n',
    '#',
    'boom',
    'sleep',
    'head',
    '-1',
    'wc',
  ];

  test('on random lines built from shell words', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...WORDS), { maxLength: 30 }),
        fc.boolean(),
        (ws, pod) => {
          const s = session(pod ? inPod([...WORDS, 'cat']) : createShell());
          const r = s.run(ws.join(' '));
          expect(Number.isInteger(r.exitCode)).toBe(true);
          expect(r.exitCode).toBeGreaterThanOrEqual(0);
          expect(r.exitCode).toBeLessThan(256);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
