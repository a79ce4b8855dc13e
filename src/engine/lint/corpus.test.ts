/**
 * No false positives on correct policies: every lesson's solution (on its own cluster and Cilium
 * release) and every example folder lints clean.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readLessons } from '../../lessons/fs.ts';
import { Engine } from '../engine.ts';
import type { SourceFile } from '../types.ts';
import { lint } from './index.ts';

const lessons = readLessons();

test.each(lessons.map((l) => [l.folder, l] as const))(
  'lesson %s: the solution lints clean',
  (_f, l) => {
    const lesson = l.lesson!;
    const files = [...lesson.cluster, ...lesson.solution];
    const engine = new Engine({ ciliumVersion: lesson.ciliumVersion });
    engine.load(files);
    expect(lint(engine, files)).toEqual([]);
  },
);

const examples = readdirSync('examples').filter((d) => statSync(join('examples', d)).isDirectory());

test.each(examples)('examples/%s lints clean', (dir) => {
  const files: SourceFile[] = readdirSync(join('examples', dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({ name: f, text: readFileSync(join('examples', dir, f), 'utf8') }))
    .filter((f) => !/^(probes|traffic)\s*:/m.test(f.text));
  const engine = new Engine();
  engine.load(files);
  expect(lint(engine, files)).toEqual([]);
});
