import { expect, test } from 'vitest';
import { Memo } from './memo.ts';

test('computes again only when an input is a different object or the inputs change in number', () => {
  const memo = new Memo<number>();
  let runs = 0;
  const compute = () => ++runs;
  const a = {};
  const b = {};
  expect(memo.get([a, 1], compute)).toBe(1);
  expect(memo.get([a, 1], compute)).toBe(1);
  // Equal content in another object counts as a change.
  expect(memo.get([{}, 1], compute)).toBe(2);
  expect(memo.get([b, 1], compute)).toBe(3);
  expect(memo.get([b, 1, 2], compute)).toBe(4);
  expect(memo.get([b, 1], compute)).toBe(5);
  expect(runs).toBe(5);
});
