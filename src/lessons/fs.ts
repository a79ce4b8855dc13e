/** Reads the lesson folders from the file system (command line and tests). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lesson } from './model.ts';
import { parseLesson } from './load.ts';

/** The folder holding the lessons, next to this module. */
export const LESSONS_DIR = fileURLToPath(new URL('.', import.meta.url));

/** `02-lock-the-database` → `lock-the-database`. */
export function lessonId(folder: string): string {
  return folder.replace(/^\d+-/, '');
}

function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|md)$/.test(e))
        out[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

export interface LoadedLesson {
  folder: string;
  id: string;
  lesson?: Lesson;
  problems: string[];
}

/** Every lesson folder (a folder with lesson.yaml), in curriculum order. */
export function readLessons(dir = LESSONS_DIR): LoadedLesson[] {
  const out: LoadedLesson[] = [];
  for (const folder of readdirSync(dir).sort()) {
    const path = join(dir, folder);
    if (!statSync(path).isDirectory()) continue;
    const files = filesUnder(path);
    if (!('lesson.yaml' in files)) continue;
    const id = lessonId(folder);
    out.push({ folder, id, ...parseLesson(id, files) });
  }
  return out.sort((a, b) => (a.lesson?.order ?? 0) - (b.lesson?.order ?? 0));
}
