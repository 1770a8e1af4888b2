import { describe, expect, it } from 'vitest';
import { ByteWindow } from '../../src/capture/byte-window.js';

/** A source of the bytes 0, 1, 2, … (mod 256), read `chunk` bytes at most per fill. */
function counting(total: number, chunk: number) {
  let next = 0;
  const reads: number[] = [];
  const filler = (buf: Uint8Array, at: number, length: number) => {
    const n = Math.min(length, chunk, total - next);
    for (let i = 0; i < n; i++) buf[at + i] = (next + i) & 0xff;
    next += n;
    reads.push(n);
    return n;
  };
  return { filler, reads };
}

describe('ByteWindow', () => {
  it('reads on after every byte was consumed: positions and bytes continue, the buffer stays its size', () => {
    const { filler } = counting(10_000, 64);
    const w = new ByteWindow(256, filler);
    let position = 0;
    // records of 64 bytes: each fill ends exactly where a record ends
    while (w.ensure(64)) {
      expect(w.position).toBe(position);
      for (let k = 0; k < 64; k++) expect(w.buf[w.start + k]).toBe((position + k) & 0xff);
      w.consume(64);
      position += 64;
      expect(w.available).toBe(0);
    }
    expect(position).toBe(Math.floor(10_000 / 64) * 64);
    expect(w.ended).toBe(true);
    expect(w.buf.length).toBe(256);
  });

  it('moves an unread record to the front of the buffer when the next one does not fit after it', () => {
    const { filler } = counting(1000, 1000);
    const w = new ByteWindow(100, filler);
    expect(w.ensure(10)).toBe(true);
    w.consume(95);
    expect(w.ensure(10)).toBe(true);
    expect(w.position).toBe(95);
    expect(w.start).toBe(0);
    expect([...w.buf.subarray(0, 10)]).toEqual(Array.from({ length: 10 }, (_, k) => 95 + k));
  });
});
