/**
 * Golden transcripts: one file per scenario under `fixtures/`, all run by the runner below.
 *
 * A fixture is plain text in sections, each opened by a `===` line:
 *
 * | section                       | meaning                                                        |
 * | ----------------------------- | -------------------------------------------------------------- |
 * | `=== live NAME`               | a live file (lesson manifest), its text on the following lines |
 * | `=== live NAME < PATH`        | a live file read from the repository (e.g. `examples/...`)     |
 * | `=== workspace NAME [< PATH]` | a file `kubectl apply -f NAME` can read                        |
 * | `=== transcript`              | the terminal session, to the end of the file                   |
 *
 * The transcript is what the terminal shows: each command after its prompt (`$ `, `/ # `,
 * `~ $ `), then its output, stdout and stderr interleaved. Output that does not end in a newline
 * is followed by `%` and a newline, as zsh marks it. Lines starting with `%% ` are checks, run at
 * their place and not part of the output:
 *
 * | check                                  | meaning                                            |
 * | -------------------------------------- | -------------------------------------------------- |
 * | `%% probe FROM -> TO:PORT allowed`     | the engine's verdict on that probe (`world.probe`) |
 * | `%% advance 5m`                        | simulated time passes (`s`, `m`, `h`, `d`)         |
 * | `%% edit FILE: OLD => NEW`             | the live file changes, as the editor would change it |
 *
 * `UPDATE_GOLDEN=1 npx vitest run src/sim/commands/kubectl` rewrites each transcript with the
 * output the commands give now; read the diff before keeping it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { SourceFile } from '../../../engine/types.ts';
import { TerminalSession } from '../../session.ts';
import { SimWorld } from '../../world.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..', '..');
const DIR = join(HERE, 'fixtures');
const PROMPTS = ['$ ', '/ # ', '~ $ '];

interface Fixture {
  /** Everything before the transcript, kept as written when the file is rewritten. */
  head: string;
  live: SourceFile[];
  workspace: SourceFile[];
  /** Transcript lines as written. */
  lines: string[];
}

function parseFixture(text: string): Fixture {
  const at = text.indexOf('\n=== transcript\n');
  if (at < 0) throw new Error('no "=== transcript" section');
  const head = text.slice(0, at + '\n=== transcript\n'.length);
  const live: SourceFile[] = [];
  const workspace: SourceFile[] = [];
  let current: { kind: string; file: SourceFile } | undefined;
  const close = (): void => {
    if (!current) return;
    (current.kind === 'live' ? live : workspace).push(current.file);
    current = undefined;
  };
  for (const line of head.split('\n')) {
    const m = line.match(/^=== (live|workspace|transcript)(?: (\S+))?(?: < (\S+))?$/);
    if (m) {
      close();
      if (m[1] === 'transcript') break;
      const name = m[2] ?? '';
      const text = m[3] ? readFileSync(join(ROOT, m[3]), 'utf8') : '';
      current = { kind: m[1]!, file: { name, text } };
      continue;
    }
    if (current) current.file.text += `${line}\n`;
  }
  close();
  const body = text.slice(head.length);
  const lines = body.endsWith('\n') ? body.slice(0, -1).split('\n') : body.split('\n');
  return { head, live, workspace, lines: body === '' ? [] : lines };
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Runs a fixture; returns what the terminal showed (checks kept in place) and failed checks. */
function runFixture(f: Fixture): {
  shown: string;
  expected: string;
  rewritten: string;
  failures: string[];
} {
  const world = new SimWorld({ files: f.live });
  for (const w of f.workspace) world.workspace.set(w.name, w.text);
  const session = new TerminalSession(world);
  let shown = '';
  let rewritten = '';
  let expected = '';
  const failures: string[] = [];
  f.lines.forEach((line, i) => {
    if (line.startsWith('%% ')) {
      rewritten += `${line}\n`;
      const check = line.slice(3).trim();
      const probe = check.match(/^probe (\S+) -> (\S+):([^:\s]+) (allowed|denied)$/);
      const advance = check.match(/^advance (\d+)([smhd])$/);
      const edit = check.match(/^edit (\S+): (.+) => (.*)$/);
      if (probe) {
        const port = /^\d+$/.test(probe[3]!) ? Number(probe[3]) : probe[3]!;
        const { result } = world.probe({
          id: `line-${i + 1}`,
          from: probe[1]!,
          to: probe[2]!,
          port,
        });
        if (result.verdict !== probe[4])
          failures.push(
            `line ${i + 1}: ${check}: got ${result.verdict} (${result.error ?? result.reason})`,
          );
      } else if (advance) world.advance(Number(advance[1]) * UNITS[advance[2]!]!);
      else if (edit) {
        const text = world.file(edit[1]!) ?? '';
        if (!text.includes(edit[2]!))
          failures.push(`line ${i + 1}: "${edit[2]}" is not in ${edit[1]}`);
        world.setFile(edit[1]!, text.split(edit[2]!).join(edit[3]!));
      } else failures.push(`line ${i + 1}: unknown check "${check}"`);
      return;
    }
    expected += `${line}\n`;
    const prompt = PROMPTS.find((p) => line.startsWith(p));
    if (prompt === undefined) return; // output, compared below
    const command = line.slice(prompt.length);
    let text = `${session.prompt}${command}\n`;
    const r = session.run(command);
    let out = r.out.map((c) => c.text).join('');
    if (out !== '' && !out.endsWith('\n')) out += '%\n';
    text += out;
    shown += text;
    rewritten += text;
  });
  return { shown, expected, rewritten, failures };
}

const files = readdirSync(DIR)
  .filter((n) => n.endsWith('.txt'))
  .sort();

describe('kubectl golden transcripts', () => {
  test('there are fixtures', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  test.each(files)('%s', (name) => {
    const path = join(DIR, name);
    const fixture = parseFixture(readFileSync(path, 'utf8'));
    const run = runFixture(fixture);
    if (process.env.UPDATE_GOLDEN) writeFileSync(path, fixture.head + run.rewritten);
    else expect(run.shown).toBe(run.expected);
    expect(run.failures).toEqual([]);
  });
});
