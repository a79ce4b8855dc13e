/**
 * kubectl's AGE format (apimachinery `HumanDuration`).
 *
 * | elapsed        | shown   |
 * | -------------- | ------- |
 * | under 2 min    | `Ns`    |
 * | under 10 min   | `NmSs`  |
 * | under 3 h      | `Nm`    |
 * | under 8 h      | `NhMm`  |
 * | under 2 days   | `Nh`    |
 * | under 8 days   | `NdHh`  |
 * | under 2 years  | `Nd`    |
 */
import { describe, expect, test } from 'vitest';
import { goTime, humanDuration, iso, rfc1123z } from './duration.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  test.each([
    [-5 * S, '<invalid>'],
    [-1 * S, '0s'],
    [0, '0s'],
    [2 * S, '2s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [2 * M + 37 * S, '2m37s'],
    [11 * M, '11m'],
    [179 * M, '179m'],
    [4 * H + 17 * M, '4h17m'],
    [5 * H, '5h'],
    [26 * H, '26h'],
    [47 * H + 59 * M, '47h'],
    [3 * D + 4 * H, '3d4h'],
    [4 * D, '4d'],
    [7 * D + 23 * H, '7d23h'],
    [30 * D, '30d'],
    [800 * D, '2y70d'],
    [9 * 365 * D, '9y'],
  ])('%d ms → %s', (ms, shown) => {
    expect(humanDuration(ms)).toBe(shown);
  });
});

describe('timestamps', () => {
  const t = Date.parse('2026-03-02T09:05:07.250Z');
  test('RFC 3339 as the API server stores it', () => expect(iso(t)).toBe('2026-03-02T09:05:07Z'));
  test('RFC 1123Z as describe prints start times', () =>
    expect(rfc1123z(t)).toBe('Mon, 02 Mar 2026 09:05:07 +0000'));
  test("Go's default time format", () => expect(goTime(t)).toBe('2026-03-02 09:05:07 +0000 UTC'));
});
