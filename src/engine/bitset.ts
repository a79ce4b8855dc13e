/** A fixed-size set of small integers (identity indexes), stored as 32-bit words. */
export class Bitset {
  readonly words: Uint32Array;
  constructor(readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }
  has(i: number): boolean {
    return ((this.words[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;
  }
  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }
  delete(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }
  /** this |= other */
  or(other: Bitset): void {
    const w = this.words;
    const o = other.words;
    for (let k = 0; k < w.length; k++) w[k]! |= o[k]!;
  }
  /** this &= other */
  and(other: Bitset): void {
    const w = this.words;
    const o = other.words;
    for (let k = 0; k < w.length; k++) w[k]! &= o[k]!;
  }
  clone(): Bitset {
    const b = new Bitset(this.size);
    b.words.set(this.words);
    return b;
  }
  isEmpty(): boolean {
    for (const x of this.words) if (x !== 0) return false;
    return true;
  }
  *[Symbol.iterator](): IterableIterator<number> {
    for (let k = 0; k < this.words.length; k++) {
      let x = this.words[k]!;
      while (x !== 0) {
        const t = x & -x;
        yield (k << 5) + (31 - Math.clz32(t));
        x ^= t;
      }
    }
  }
  fill(): void {
    this.words.fill(0xffffffff);
    const extra = this.words.length * 32 - this.size;
    if (extra > 0) this.words[this.words.length - 1]! >>>= extra;
  }
}
