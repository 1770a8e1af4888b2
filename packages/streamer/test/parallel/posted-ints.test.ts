import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { postedInts } from '../../src/parallel/dissection-worker.js';
import { DISSECTION_INTS } from '../../src/parallel/worker-protocol.js';

describe('postedInts (what a dissection thread posts of its fields)', () => {
  it('posts a full array as it is, and a part as a copy of that part only', () => {
    const ints = new Int32Array(4 * DISSECTION_INTS).map((_, i) => i);
    expect(postedInts(ints, 4)).toBe(ints);
    const part = postedInts(ints, 1);
    expect([...part]).toEqual([...ints.subarray(0, DISSECTION_INTS)]);
    expect(part.buffer.byteLength).toBe(DISSECTION_INTS * 4);
  });

  it('a message carries the part alone (a view would carry its whole buffer)', () => {
    const ints = new Int32Array(1024 * DISSECTION_INTS);
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(ints.subarray(0, DISSECTION_INTS));
      port1.postMessage(postedInts(ints, 1));
      const view = receiveMessageOnPort(port2)!.message as Int32Array;
      const part = receiveMessageOnPort(port2)!.message as Int32Array;
      expect(view.buffer.byteLength).toBe(ints.byteLength);
      expect(part.buffer.byteLength).toBe(DISSECTION_INTS * 4);
    } finally {
      port1.close();
    }
  });
});
