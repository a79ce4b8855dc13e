/**
 * What every simulated cobra program (kubectl, hubble, cilium, cilium-dbg) shares when a command
 * word is unknown: the edit distance behind "Did you mean this?" and the suggestion text itself.
 * Which words are close enough, and how the error around the text is quoted, stay with each
 * program.
 */

/**
 * Levenshtein distance, comparing one UTF-16 unit at a time with case ignored. cobra's `ld`
 * lowercases the whole words instead, which differs only for letters that lowercase to more than
 * one unit (`İ`), so the hubble and cilium commands lowercase both words before calling this.
 */
export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    const ai = a[i - 1]!.toLowerCase();
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        prev + (ai === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** cobra's suggestion block, to follow the error text: '' without suggestions. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  return `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}`;
}
