/**
 * Walks every lesson: the folder reads without problems; the solution passes every check; the
 * starting files fail at least one; every wrong answer fails at least one; every command in the
 * prose runs in the simulated terminal (with the solution applied) and fails only where the
 * step says it should.
 */
import { describe, expect, test } from 'vitest';
import { TerminalSession } from '../sim/session.ts';
import { lessonWorld, runLesson } from './checks.ts';
import { readLessons } from './fs.ts';

const lessons = readLessons();

describe.each(lessons.map((l) => [l.id, l] as const))('lesson %s', (_id, loaded) => {
  test('reads without problems', () => {
    expect(loaded.problems).toEqual([]);
  });
  const lesson = loaded.lesson!;

  test('the solution passes every check', () => {
    const r = runLesson(lesson, lesson.solution);
    const failures = r.steps.flatMap((s) => s.checks.filter((c) => !c.passed));
    expect(failures).toEqual([]);
    expect(r.passed).toBeGreaterThan(0);
  });

  test('the starting files fail at least one check', () => {
    expect(runLesson(lesson, lesson.start).failed).toBeGreaterThan(0);
  });

  test.each(lesson.wrong.map((w) => [w.name, w] as const))('wrong answer "%s" fails', (_n, w) => {
    expect(runLesson(lesson, w.files).failed).toBeGreaterThan(0);
  });

  test('its commands run as the prose says', () => {
    const session = new TerminalSession(lessonWorld(lesson, lesson.solution));
    for (const step of lesson.steps)
      for (const command of step.commands) {
        const r = session.run(command);
        const text = r.out.map((c) => c.text).join('');
        const shouldFail = step.failingCommands?.includes(command) ?? false;
        expect(
          { command, exitCode: r.exitCode === 0 ? 0 : 'non-zero' },
          `${command}\n${text}`,
        ).toEqual({ command, exitCode: shouldFail ? 'non-zero' : 0 });
        expect(text, command).not.toMatch(
          /command not found|not found$|unknown (flag|command|shorthand)/m,
        );
        // Leave any pod shell a command may have opened.
        if (session.shell.location.kind === 'pod') session.run('exit');
      }
  });
});

test('there is at least one lesson', () => {
  expect(lessons.length).toBeGreaterThan(0);
});
