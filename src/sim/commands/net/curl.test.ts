/** curl's command line, URLs, --write-out and the progress meter. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { imageInfo } from '../../images.ts';
import { createShell, enterPod } from '../../shell/state.ts';
import { streamText } from '../../shell/types.ts';
import { SimWorld } from '../../world.ts';
import { curl, parseCurlArgs, parseUrl } from './curl.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

describe('command line', () => {
  test('bundled short options, values glued or apart, URLs anywhere', () => {
    const r = parseCurlArgs([
      '-sSL',
      '-XPOST',
      'http://a',
      '-H',
      'X-A: 1',
      '-o/dev/null',
      '-w%{http_code}',
      '-m',
      '2.5',
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.options).toMatchObject({
      silent: true,
      showError: true,
      location: true,
      method: 'POST',
      urls: ['http://a'],
      headers: ['X-A: 1'],
      output: '/dev/null',
      writeOut: '%{http_code}',
      maxTime: 2.5,
    });
  });

  test.each([
    [['--nope'], 'curl: option --nope: is unknown\n'],
    [['-m'], 'curl: option -m: requires parameter\n'],
    [
      ['--connect-timeout', 'x'],
      'curl: option --connect-timeout: expected a proper numerical parameter\n',
    ],
    [['--max-time=5', 'http://a'], 'curl: option --max-time=5: is unknown\n'],
  ])('%j', (args, message) => {
    expect(parseCurlArgs(args)).toEqual({ ok: false, message });
  });
});

describe('URLs', () => {
  test.each([
    ['web', 'http', 'web', 80, '/', 'web'],
    ['web:5000/x?y=1#frag', 'http', 'web', 5000, '/x?y=1', 'web:5000'],
    ['https://api.github.com', 'https', 'api.github.com', 443, '/', 'api.github.com'],
    ['http://10.96.0.1:80/metrics', 'http', '10.96.0.1', 80, '/metrics', '10.96.0.1'],
    ['HTTP://user:pw@Web.Shop:8080?q', 'http', 'Web.Shop', 8080, '/?q', 'Web.Shop:8080'],
  ])('%s', (raw, scheme, host, port, path, hostHeader) => {
    expect(parseUrl(raw)).toMatchObject({
      ok: true,
      url: { scheme, host, port, path, hostHeader },
    });
  });

  test.each([
    ['htp://x', 1, 'Protocol "htp" not supported'],
    ['ftp://x', 1, 'Protocol "ftp" not supported'],
    ['http://', 3, 'URL rejected: No host part in the URL'],
    ['http://x:70000', 3, 'URL rejected: Port number was not a decimal number between 0 and 65535'],
    ['http://a b', 3, 'URL rejected: Bad hostname'],
  ])('%s is rejected', (raw, code, message) => {
    expect(parseUrl(raw)).toEqual({ ok: false, code, message });
  });
});

describe('running in a pod', () => {
  function setup(policy?: string) {
    const files = [
      {
        name: 'c.yaml',
        text: readFileSync(join(ROOT, 'examples/flask-postgres/cluster.yaml'), 'utf8'),
      },
    ];
    if (policy) files.push({ name: 'p.yaml', text: readFileSync(join(ROOT, policy), 'utf8') });
    const world = new SimWorld({ files });
    const shell = createShell();
    enterPod(shell, {
      namespace: 'db',
      pod: 'debug',
      image: 'curlimages/curl',
      tools: imageInfo('curlimages/curl').tools,
    });
    const run = (args: string[], tty?: boolean) =>
      curl({
        world,
        shell,
        argv: ['curl', ...args],
        stdin: '',
        ...(tty !== undefined ? { tty } : {}),
      });
    return { world, run };
  }

  test('the progress meter appears when stdout is not a terminal, and not with -s', () => {
    const { run } = setup();
    const r = run(['http://flask-app-service/'], false);
    const meter = streamText(r.out, 'stderr');
    expect(meter).toContain(
      '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n',
    );
    // 528 bytes in 4 ms (DNS, handshake, answer): 132000 bytes/s, shown as 128k.
    expect(meter.split('\n').at(-2)).toBe(
      '100   528  100   528    0     0   128k      0 --:--:-- --:--:-- --:--:--  128k',
    );
    expect(streamText(r.out, 'stdout')).toContain('<!doctype html>');
    expect(streamText(run(['-s', 'http://flask-app-service/'], false).out, 'stderr')).toBe('');
    expect(streamText(run(['http://flask-app-service/']).out, 'stderr')).toBe('');
    expect(
      streamText(run(['-o', '/dev/null', 'http://flask-app-service/']).out, 'stderr'),
    ).toContain('% Total');
  });

  test('a failure after the meter: the meter shows the time spent', () => {
    const { run } = setup('src/sim/commands/net/fixtures/manifests/dns-blocked.yaml');
    const r = run(['--connect-timeout', '3', 'http://flask-app-service/'], false);
    const text = streamText(r.out, 'stderr');
    expect(text).toContain(
      '  0     0    0     0    0     0      0      0 --:--:--  0:00:03 --:--:--     0\n',
    );
    expect(text.endsWith('curl: (28) Resolving timed out after 3000 milliseconds\n')).toBe(true);
    expect(r.exitCode).toBe(28);
  });

  test('-v marks the data when stdout is not a terminal', () => {
    const { run } = setup();
    const r = run(['-v', '-s', 'http://flask-app-service/'], false);
    expect(streamText(r.out, 'stderr')).toContain('{ [528 bytes data]\n');
  });

  test('--write-out variables', () => {
    const { world, run } = setup();
    const pg = world.engine.cluster.pods.find((p) => p.name === 'postgres-0')!;
    const r = run([
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{method} %{remote_ip}:%{remote_port} %{size_download} %{num_connects} %{scheme} %{exitcode} %%\\n',
      `http://${pg.ip}:5432`,
    ]);
    expect(streamText(r.out, 'stdout')).toBe(`000 GET ${pg.ip}:5432 0 1 http 52 %\n`);
    const u = run(['-s', '-w', '%{nope}', 'http://flask-app-service/', '-o', '/dev/null']);
    expect(streamText(u.out, 'stderr')).toBe("curl: unknown --write-out variable: 'nope'\n");
  });

  test('--retry retries timeouts with a doubling pause', () => {
    const { world, run } = setup('src/sim/commands/net/fixtures/manifests/flask-app-to-db.yaml');
    const pg = world.engine.cluster.pods.find((p) => p.name === 'postgres-0')!;
    const t0 = world.clock.now();
    const r = run(['--retry', '2', '-m', '1', `http://${pg.ip}:5432`]);
    expect(streamText(r.out, 'stderr')).toBe(
      'Warning: Problem : timeout. Will retry in 1 second. 2 retries left.\n' +
        'Warning: Problem : timeout. Will retry in 2 seconds. 1 retry left.\n' +
        `curl: (28) Failed to connect to ${pg.ip} port 5432 after 1001 ms: Timeout was reached\n`,
    );
    expect(world.clock.now() - t0).toBe(3 * 1001 + 1000 + 2000);
  });

  test('-L follows a redirect', () => {
    const files = [
      {
        name: 'p.yaml',
        text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: prom, namespace: mon}\nspec: {containers: [{name: p, image: prom/prometheus}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: c, namespace: mon}\nspec: {containers: [{name: c, image: curlimages/curl}]}\n',
      },
    ];
    const world = new SimWorld({ files });
    const shell = createShell();
    enterPod(shell, { namespace: 'mon', pod: 'c', image: 'curlimages/curl', tools: [] });
    const ip = world.engine.cluster.pods.find((p) => p.name === 'prom')!.ip;
    const plain = curl({
      world,
      shell,
      argv: ['curl', '-s', '-w', '%{http_code}', `http://${ip}:9090/`],
      stdin: '',
    });
    expect(streamText(plain.out, 'stdout')).toBe('<a href="/query">Found</a>.\n\n302');
    const followed = curl({
      world,
      shell,
      argv: [
        'curl',
        '-sL',
        '-w',
        '%{http_code} %{num_redirects} %{url_effective}',
        `http://${ip}:9090/`,
      ],
      stdin: '',
    });
    expect(streamText(followed.out, 'stdout')).toBe(
      `404 page not found\n404 1 http://${ip}:9090/query`,
    );
  });
});
