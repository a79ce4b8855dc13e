/**
 * Go's tabwriter: as the Hubble and Cilium CLIs use it, and as kubectl configures it for tables
 * and describe pages.
 */
import { describe, expect, test } from 'vitest';
import { DESCRIBE, table, tabwrite } from './tabwriter.ts';

describe('tabwrite', () => {
  test('tabwrite pads tab-ended cells per block and leaves the last cell alone', () => {
    expect(tabwrite('a\tbb\tc\nccc\td\te\n', { minWidth: 2, padding: 3 })).toBe(
      'a     bb   c\nccc   d    e\n',
    );
    // A line without the column ends the block: widths start over below it.
    expect(tabwrite('aaaa\tb\nx\nc\td\n', { minWidth: 0, padding: 1 })).toBe('aaaa b\nx\nc d\n');
  });
  test('a last line without a newline is aligned too, as Go aligns it on Flush', () => {
    expect(tabwrite('a\tb\nccc\td', { minWidth: 0, padding: 1 })).toBe('a   b\nccc d');
  });
});

describe('table', () => {
  test('columns are as wide as their widest cell plus 3, at least 6; the last is not padded', () => {
    expect(
      table([
        ['NAME', 'AGE', 'VALID'],
        ['flask-app-to-db', '2s', 'True'],
      ]),
    ).toBe('NAME              AGE   VALID\nflask-app-to-db   2s    True\n');
  });
  test('an empty last cell still pads the cell before it', () => {
    expect(table([['a', 'b', '']])).toBe('a     b     \n');
  });
});

describe('describe pages', () => {
  test('a line without a tab ends the alignment block', () => {
    const text =
      'Name:\tweb\nNamespace:\tshop\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/x\n';
    expect(tabwrite(text, DESCRIBE)).toBe(
      'Name:       web\nNamespace:  shop\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/x\n',
    );
  });
  test('a second column is aligned only over the lines that have it', () => {
    const text = 'Port:\t<unset>\t80/TCP\nTargetPort:\t5000/TCP\n';
    expect(tabwrite(text, DESCRIBE)).toBe('Port:        <unset>  80/TCP\nTargetPort:  5000/TCP\n');
  });
});
