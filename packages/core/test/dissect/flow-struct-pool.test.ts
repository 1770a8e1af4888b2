import { describe, expect, it } from 'vitest';
import { FlowStructPool } from '../../src/dissect/flow-struct-pool.js';
import { ndpiForTests } from './support/capture-flows.js';

/** Fake C addresses, 8 bytes off 16-byte alignment, one page at a time: the pool must align them. */
function fakeAddresses(): (bytes: Uint8Array) => number {
  let next = 0x10_0008;
  return (bytes) => {
    const a = next;
    next += bytes.byteLength + 0x10_0000;
    return a;
  };
}

describe('FlowStructPool', () => {
  it('hands out zeroed, 16-byte aligned, distinct structs, and reuses given ones zeroed again', () => {
    const pool = new FlowStructPool(688, fakeAddresses());
    const ids = Array.from({ length: 1500 }, () => pool.take()); // past one page of 1024
    const addresses = ids.map((id) => pool.address(id));
    expect(new Set(addresses).size).toBe(ids.length);
    for (const a of addresses) expect(a % 16).toBe(0);
    // structs of one page never overlap
    const sorted = [...addresses].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(688);
    const id = ids[7]!;
    const at = pool.offset(id);
    pool.bytes(id).fill(0xab, at, at + 688);
    const neighbour = pool.offset(ids[8]!);
    expect(pool.bytes(ids[8]!)[neighbour]).toBe(0);
    pool.give(id);
    const again = pool.take();
    expect(again).toBe(id);
    expect(pool.address(again)).toBe(addresses[7]);
    expect([...pool.bytes(again).subarray(at, at + 688)].every((b) => b === 0)).toBe(true);
    // earlier structs keep their addresses when the pool grows
    for (let i = 0; i < 2000; i++) pool.take();
    expect(ids.map((x) => pool.address(x))).toEqual(addresses);
  });

  it('refuses a size nDPI structs cannot have, and a page whose address is unknown', () => {
    expect(() => new FlowStructPool(100, fakeAddresses())).toThrow(RangeError);
    expect(() => new FlowStructPool(688, () => 0).take()).toThrow(/address/);
  });

  const { lib, skip } = ndpiForTests('pool addresses');
  it.skipIf(skip)('with the real memmove, an address is where the page\'s bytes are (C writes show in JS)', () => {
    const fn = lib.fn;
    const pool = new FlowStructPool(688, (bytes) => Number(fn.addressOf(bytes, bytes, 0)));
    const id = pool.take();
    const source = Uint8Array.from({ length: 688 }, (_, i) => i & 0xff);
    // copy JS → C at the struct's address through libc, then read it back from the page
    const scratch = new Uint8Array(688);
    fn.copyFromAddress(scratch, pool.address(id), 688);
    expect([...scratch].every((b) => b === 0)).toBe(true);
    const at = pool.offset(id);
    pool.bytes(id).set(source, at);
    fn.copyFromAddress(scratch, pool.address(id), 688);
    expect(scratch).toEqual(source);
  });
});
