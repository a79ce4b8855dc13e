/**
 * Word expansion: parameters, command substitution and field splitting. Unquoted expansions split
 * on blanks and vanish when empty; quoted ones stay one field. There is no globbing: the
 * playground has no files to match.
 */
import type { Script, Word } from './parse.ts';

export interface Expander {
  /** A variable's value, or undefined when unset. */
  param(name: string): string | undefined;
  /** Runs a command substitution and returns its stdout without trailing newlines. */
  substitute(script: Script): string;
}

/** Longest word an expansion may build (`a=$a$a` in a loop would otherwise eat the tab). */
export const MAX_WORD_LENGTH = 1 << 22;

export class ExpansionTooLarge extends Error {
  constructor() {
    super('expansion too large');
  }
}

const BLANKS = /[ \t\n]+/;

function valueOf(part: Word['parts'][number], x: Expander): string {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'param': {
      const v = x.param(part.name);
      const fb = part.fallback;
      if (fb && (v === undefined || (fb.ifEmpty && v === ''))) return fb.text;
      return v ?? '';
    }
    case 'subst':
      return x.substitute(part.script);
  }
}

/** The fields a word expands to (an unquoted empty expansion gives none). */
export function expandFields(word: Word, x: Expander): string[] {
  const fields: string[] = [];
  let cur = '';
  let have = false;
  let size = 0;
  for (const part of word.parts) {
    const value = valueOf(part, x);
    size += value.length;
    if (size > MAX_WORD_LENGTH) throw new ExpansionTooLarge();
    if (part.kind === 'text' || part.quoted) {
      cur += value;
      have ||= part.quoted || value !== '';
      continue;
    }
    const pieces = value.split(BLANKS);
    pieces.forEach((piece, i) => {
      if (i > 0 && have) {
        fields.push(cur);
        cur = '';
        have = false;
      }
      if (piece !== '') {
        cur += piece;
        have = true;
      }
    });
  }
  if (have) fields.push(cur);
  return fields;
}

/** A word expanded to one string, without splitting (assignments, redirection targets). */
export function expandString(word: Word, x: Expander): string {
  let s = '';
  for (const part of word.parts) {
    s += valueOf(part, x);
    if (s.length > MAX_WORD_LENGTH) throw new ExpansionTooLarge();
  }
  return s;
}
