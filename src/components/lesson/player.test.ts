import { describe, expect, test } from 'vitest';
import { lineDiff } from './player.ts';

describe('solution diff', () => {
  test('marks removed and added lines around what stays', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([
      { op: ' ', line: 'a' },
      { op: '-', line: 'b' },
      { op: '+', line: 'x' },
      { op: ' ', line: 'c' },
    ]);
  });
  test('an empty file against a solution adds every line', () => {
    expect(lineDiff('', 'a\nb').map((d) => d.op)).toEqual(['-', '+', '+']);
  });
});
