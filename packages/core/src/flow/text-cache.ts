/** Entries kept before a cache starts over (bounded memory on captures with millions of hosts). */
const MAX_ENTRIES = 1 << 16;

/**
 * A bounded memo of number → text for values that repeat across flows (MAC and OUI texts), so
 * emission does not build the same strings again and again.
 */
export class TextCache {
  private map = new Map<number, string>();

  constructor(readonly format: (value: number) => string) {}

  text(value: number): string {
    let t = this.map.get(value);
    if (t === undefined) {
      t = this.format(value);
      if (this.map.size >= MAX_ENTRIES) this.map = new Map();
      this.map.set(value, t);
    }
    return t;
  }
}
