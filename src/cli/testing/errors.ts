/** Test helper: a command line that must be refused as bad input (exit code 2). */
import { expect } from 'vitest';
import { InputError } from '../inputs.ts';
import { run } from '../run.ts';

export function expectInputError(args: string[], message: RegExp): void {
  let err: unknown;
  try {
    run(args);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).message).toMatch(message);
  expect((err as InputError).exitCode).toBe(2);
}
