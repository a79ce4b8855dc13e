/** Small text helpers for messages and quick fixes: edit distance, nearest names, source text. */
import type { SourceFile } from '../types.ts';
import type { TextRange } from './model.ts';

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of neighbours (optimal
 * string alignment), with an early exit once it exceeds `max`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, before[j - 2]! + 1);
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `word` within a typo's reach (a third of the word's length, at least
 * one edit, at most four); ties go to the alphabetically first. Undefined when nothing is close.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const reach = Math.min(4, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestD = reach + 1;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === word) continue;
    const d = editDistance(word.toLowerCase(), c.toLowerCase(), reach);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** Offsets of every line start, for turning line/column into an index. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** The text a range covers. */
export function textOf(file: SourceFile, r: TextRange): string {
  const starts = lineStarts(file.text);
  const from = (starts[r.startLine - 1] ?? 0) + r.startColumn - 1;
  const to = (starts[r.endLine - 1] ?? 0) + r.endColumn - 1;
  return file.text.slice(from, to);
}

/** One line of a file, without its newline. */
export function lineOf(file: SourceFile, line: number): string {
  return file.text.split('\n')[line - 1]?.replace(/\r$/, '') ?? '';
}

/** `text` written with the same quotes as `like` (a scalar as it appears in the file). */
export function sameQuotes(like: string, text: string): string {
  if (like.startsWith('"')) return JSON.stringify(text);
  if (like.startsWith("'")) return `'${text.replace(/'/g, "''")}'`;
  return text;
}
