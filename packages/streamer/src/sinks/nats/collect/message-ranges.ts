/**
 * Message ids `${sensor}/${run}/${seq}` kept as sequence ranges per run: the form in which a
 * Parquet file of the collector lists the messages it holds (footer key `flowstream.messages`,
 * JSON `{ "sensor/run": [[first, last], …] }`) and the collector's index of stored messages.
 *
 * @example
 * ```ts
 * const r = new MessageRanges();
 * r.add('berlin/r1', 3); r.add('berlin/r1', 4);
 * r.toJSON(); // { 'berlin/r1': [[3, 4]] }
 * ```
 */
export class MessageRanges {
  private readonly runs = new Map<string, Set<number>>();

  /** Adds message `seq` of run key `sensor/run`. */
  add(run: string, seq: number): void {
    let s = this.runs.get(run);
    if (s === undefined) this.runs.set(run, (s = new Set()));
    s.add(seq);
  }

  has(run: string, seq: number): boolean {
    return this.runs.get(run)?.has(seq) === true;
  }

  /** Adds every message of `other`. */
  addAll(other: MessageRanges): void {
    for (const [run, seqs] of other.runs) for (const q of seqs) this.add(run, q);
  }

  get size(): number {
    let n = 0;
    for (const s of this.runs.values()) n += s.size;
    return n;
  }

  /** `{ "sensor/run": [[first, last], …] }`, ranges sorted and merged. */
  toJSON(): Record<string, [number, number][]> {
    const out: Record<string, [number, number][]> = {};
    for (const [run, seqs] of this.runs) {
      const sorted = [...seqs].sort((a, b) => a - b);
      const ranges: [number, number][] = [];
      for (const q of sorted) {
        const last = ranges[ranges.length - 1];
        if (last !== undefined && q === last[1] + 1) last[1] = q;
        else ranges.push([q, q]);
      }
      out[run] = ranges;
    }
    return out;
  }

  /** The inverse of {@link toJSON}; throws on anything else. */
  static fromJSON(value: unknown): MessageRanges {
    const r = new MessageRanges();
    if (value === null || typeof value !== 'object') throw new TypeError('message ranges: expected an object');
    for (const [run, ranges] of Object.entries(value as Record<string, unknown>)) {
      if (!Array.isArray(ranges)) throw new TypeError(`message ranges of ${run}: expected a list`);
      for (const pair of ranges) {
        const [a, b] = pair as [number, number];
        if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b < a) throw new TypeError(`message ranges of ${run}: bad range ${JSON.stringify(pair)}`);
        for (let q = a; q <= b; q++) r.add(run, q);
      }
    }
    return r;
  }
}
