/**
 * `lessons [--json]` lists the curriculum; `lesson check <id> <policy files...> [--json]` runs a
 * lesson's checks with the given files in place of the learner's, as the site does: instructors
 * use it to try alternative answers, and the lesson tests rely on the same code.
 */
import { runLesson } from '../lessons/checks.ts';
import { readLessons } from '../lessons/fs.ts';
import type { LessonFile } from '../lessons/model.ts';
import { InputError, readSources } from './inputs.ts';

interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function lessonsCommand(args: string[]): Output {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  const unknown = rest.find((a) => a.startsWith('-'));
  if (unknown) throw new InputError(`unknown option ${unknown} for lessons`);
  const all = readLessons();
  const rows = all.map((l) => ({
    id: l.id,
    order: l.lesson?.order ?? 0,
    title: l.lesson?.title ?? '',
    minutes: l.lesson?.minutes ?? 0,
    steps: l.lesson?.steps.map((s) => s.title) ?? [],
    ...(l.problems.length > 0 ? { problems: l.problems } : {}),
  }));
  if (json)
    return { stdout: `${JSON.stringify({ lessons: rows }, null, 2)}\n`, stderr: '', exitCode: 0 };
  const lines = rows.map(
    (r) =>
      `${String(r.order).padStart(2)}. ${r.id.padEnd(28)} ${r.title} (${r.minutes} min, ${r.steps.length} steps)` +
      (r.problems ? `\n    problems: ${r.problems.join('; ')}` : ''),
  );
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode: 0 };
}

export function lessonCheck(args: string[]): Output {
  const json = args.includes('--json');
  const [sub, id, ...paths] = args.filter((a) => a !== '--json');
  if (sub !== 'check')
    throw new InputError('usage: lesson check <lesson id> <policy files...> [--json]');
  if (!id) throw new InputError('lesson check needs a lesson id (see `lessons`)');
  const loaded = readLessons().find((l) => l.id === id || l.folder === id);
  if (!loaded?.lesson)
    throw new InputError(
      loaded
        ? `lesson ${id} cannot be read: ${loaded.problems.join('; ')}`
        : `no lesson "${id}" (see \`lessons\`)`,
    );
  const files: LessonFile[] = readSources(paths).map((f) => ({
    name: f.name.split('/').pop() ?? f.name,
    text: f.text,
  }));
  const result = runLesson(loaded.lesson, files);
  const exitCode = result.failed > 0 ? 1 : 0;
  if (json)
    return {
      stdout: `${JSON.stringify({ lesson: loaded.id, ...result }, null, 2)}\n`,
      stderr: '',
      exitCode,
    };
  const lines: string[] = [];
  for (const s of result.steps) {
    if (s.checks.length === 0) continue;
    lines.push(`${s.title}`);
    for (const c of s.checks)
      lines.push(
        `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.description}${c.passed ? '' : `\n       ${c.detail}`}`,
      );
  }
  lines.push(`${result.passed} passed, ${result.failed} failed`);
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode };
}
