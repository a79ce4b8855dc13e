/**
 * The lessons as the site sees them: every file of every lesson folder, bundled as text at build
 * time, read with the same `parseLesson` the command line and the tests use.
 */
import { parseLesson } from '../../lessons/load.ts';
import type { Lesson } from '../../lessons/model.ts';

const raw = import.meta.glob('/src/lessons/*/**/*.{yaml,yml,md}', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** `02-lock-the-database` → `lock-the-database`. */
function idOf(folder: string): string {
  return folder.replace(/^\d+-/, '');
}

/** Every lesson that reads without problems, in curriculum order. */
export function allLessons(): Lesson[] {
  const byFolder = new Map<string, Record<string, string>>();
  for (const [path, text] of Object.entries(raw)) {
    const m = /^\/src\/lessons\/([^/]+)\/(.+)$/.exec(path);
    if (!m) continue;
    const files = byFolder.get(m[1]!) ?? {};
    files[m[2]!] = text;
    byFolder.set(m[1]!, files);
  }
  const out: Lesson[] = [];
  for (const [folder, files] of byFolder) {
    const { lesson, problems } = parseLesson(idOf(folder), files);
    // The lesson tests fail on any problem; the site only shows lessons that read cleanly.
    if (lesson && problems.length === 0) out.push(lesson);
  }
  return out.sort((a, b) => a.order - b.order);
}

/** Scenarios for the playground and embeds: every lesson's cluster with its starting files. */
export function scenarioGallery(): {
  id: string;
  title: string;
  files: { name: string; text: string }[];
  zone: Record<string, string[]>;
  traffic?: string;
}[] {
  return allLessons().map((l) => ({
    id: l.id,
    title: `${l.order}. ${l.title}`,
    files: [
      ...l.cluster.map((f) => ({ name: f.name, text: f.text })),
      ...l.start.map((f) => ({ name: f.name, text: f.text })),
    ],
    zone: l.zone,
    ...(l.traffic ? { traffic: l.traffic } : {}),
  }));
}
