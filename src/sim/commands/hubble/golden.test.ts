/**
 * Golden transcripts of the hubble commands, one scenario per `fixtures/*.golden` file (the
 * format is described in hubble/golden.ts). `UPDATE_GOLDEN=1` rewrites them.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { replayGolden } from './golden.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('hubble golden transcripts', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.golden'));
  test.each(files)('%s', (file) => {
    const { actual, expected } = replayGolden(FIXTURES, file);
    if (UPDATE && actual !== expected) writeFileSync(join(FIXTURES, file), actual);
    else expect(actual).toBe(expected);
  });
});
