#!/usr/bin/env node
// What handing bytes to another thread costs on this machine, against copying them on the same thread:
// the cost every design that splits the packet path across threads pays (the pipe reader for stdin,
// parallel meters). A producer thread copies 768 MiB, 64 KiB at a time, into a SharedArrayBuffer ring;
// the main thread consumes it as the meter does (three header reads per 128 bytes, one random access
// into a 16 MiB table). The last line is the same work with the copy made on the main thread into
// one reused 1 MiB buffer, as reading a file with `read` does. Plain Node, no build step.
//
// usage: node scripts/cross-core-bench.mjs [ROUNDS]   (prints the median of ROUNDS, default 3)
import { Worker, isMainThread, workerData } from 'node:worker_threads';

const TOTAL = 768 << 20;
const CHUNK = 64 << 10;
const TABLE = 1 << 22;

if (isMainThread) {
  const rounds = Number(process.argv[2] ?? 3);
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  for (const ringBytes of [256 << 10, 1 << 20, 8 << 20, 32 << 20]) {
    const ms = [];
    for (let r = 0; r < rounds; r++) ms.push(await crossThread(ringBytes));
    console.log(`other thread, ring ${String(ringBytes >> 10).padStart(5)} KiB: ${median(ms).toFixed(0)} ms`);
  }
  const ms = [];
  for (let r = 0; r < rounds; r++) ms.push(sameThread());
  console.log(`same thread, 1 MiB buffer:        ${median(ms).toFixed(0)} ms`);
} else {
  produce(new Int32Array(workerData.ctl), new Uint8Array(workerData.ring));
}

/** Consumes TOTAL bytes a worker writes into a ring of `ringBytes`; returns the consumer's ms. */
async function crossThread(ringBytes) {
  const ctl = new Int32Array(new SharedArrayBuffer(16));
  const ring = new Uint8Array(new SharedArrayBuffer(ringBytes));
  const worker = new Worker(new URL(import.meta.url), { workerData: { ctl: ctl.buffer, ring: ring.buffer } });
  await new Promise((r) => setTimeout(r, 100)); // the worker's start-up is not what is measured
  const table = new Int32Array(TABLE);
  const start = performance.now();
  let read = 0;
  let s = 0;
  let x = 1;
  while (read < TOTAL) {
    const write = Atomics.load(ctl, 0);
    if (write === read) {
      Atomics.wait(ctl, 0, write, 10);
      continue;
    }
    const end = Math.min(write, read + CHUNK);
    for (let p = read; p < end; p += 128) {
      const q = p & (ringBytes - 1);
      s = (s + ring[q] + ring[q + 20] + ring[q + 40]) | 0;
      x = (x * 1103515245 + s) >>> 0;
      table[x & (TABLE - 1)] += 1;
    }
    read = end;
    Atomics.store(ctl, 1, read);
    Atomics.notify(ctl, 1);
  }
  const ms = performance.now() - start;
  await worker.terminate();
  return ms + (s & 0);
}

function produce(ctl, ring) {
  const src = new Uint8Array(CHUNK).fill(7);
  let write = 0;
  while (write < TOTAL) {
    const read = Atomics.load(ctl, 1);
    if (write - read + CHUNK > ring.length) {
      Atomics.wait(ctl, 1, read, 10);
      continue;
    }
    ring.set(src, write & (ring.length - 1));
    write += CHUNK;
    Atomics.store(ctl, 0, write);
    Atomics.notify(ctl, 0);
  }
}

function sameThread() {
  const buf = new Uint8Array(1 << 20);
  const src = new Uint8Array(1 << 20);
  const table = new Int32Array(TABLE);
  let s = 0;
  let x = 1;
  const start = performance.now();
  for (let read = 0; read < TOTAL; read += buf.length) {
    buf.set(src);
    for (let p = 0; p < buf.length; p += 128) {
      s = (s + buf[p] + buf[p + 20] + buf[p + 40]) | 0;
      x = (x * 1103515245 + s) >>> 0;
      table[x & (TABLE - 1)] += 1;
    }
  }
  return performance.now() - start + (s & 0);
}
