/**
 * The capstone's checks are requirements, not a diff against one answer: a second, differently
 * built policy set (a clusterwide baseline, Kubernetes NetworkPolicies, HTTP rules on the API's
 * ingress instead of the frontend's egress) must pass them all as well.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runLesson } from './checks.ts';
import { LESSONS_DIR, readLessons } from './fs.ts';
import type { LessonFile } from './model.ts';

const FOLDER = join(LESSONS_DIR, '12-capstone');

function filesIn(sub: string): LessonFile[] {
  const dir = join(FOLDER, sub);
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

describe('capstone', () => {
  const loaded = readLessons().find((l) => l.folder === '12-capstone');

  test('reads without problems', () => {
    expect(loaded?.problems).toEqual([]);
  });

  test.each(['solution', 'alternative'])('the %s answer passes every check', (sub) => {
    const files = filesIn(sub);
    expect(files.length).toBeGreaterThan(0);
    const r = runLesson(loaded!.lesson!, files);
    const failures = r.steps.flatMap((s) => s.checks.filter((c) => !c.passed));
    expect(failures).toEqual([]);
    expect(r.failed).toBe(0);
    expect(r.passed).toBeGreaterThan(20);
  });

  test('the two answers are built differently', () => {
    const kinds = (sub: string) =>
      new Set(
        filesIn(sub).flatMap((f) => [...f.text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1])),
      );
    expect([...kinds('solution')]).toEqual(['CiliumNetworkPolicy']);
    expect(kinds('alternative')).toEqual(
      new Set(['CiliumClusterwideNetworkPolicy', 'CiliumNetworkPolicy', 'NetworkPolicy']),
    );
  });
});
