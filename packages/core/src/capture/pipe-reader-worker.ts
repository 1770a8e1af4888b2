/** Control words of a pipe ring (Int32Array over the control buffer). */
export const PipeCtl = {
  /** Bytes written so far, a 32-bit counter that wraps (worker → main). */
  Write: 0,
  /** Bytes consumed so far, same counter (main → worker): the ring before it is free. */
  Read: 1,
  /** See {@link PipeState}. */
  State: 2,
  /** Bumped after every publish and at the end: the word the main thread waits on (no missed wake-up). */
  Events: 3,
} as const;
export const PIPE_CONTROL_WORDS = 4;

/** What the worker reports in {@link PipeCtl.State}; `Write` is final once it is not `Reading`. */
export const PipeState = {
  Reading: 0,
  /** The writer closed the pipe. */
  Ended: 1,
  /** A read failed: the worker posted `{ error }`. */
  Failed: 2,
} as const;

/** The worker reads into its own small buffer (copied into the ring) only right after the ring was full. */
export const PIPE_WAKE_BYTES = 64 * 1024;

/** What the main thread hands the worker. */
export interface PipeWorkerData {
  fd: number;
  control: SharedArrayBuffer;
  /** Ring memory: `headroom` bytes the main thread uses for records that straddle the end, then the ring. */
  data: SharedArrayBuffer;
  headroom: number;
  /** Hash every byte (SHA-256); the worker posts `{ sha256 }` at the end of the pipe. */
  hash: boolean;
}

/**
 * The pipe reader's worker, as CommonJS source (it needs no module of the project, so it loads
 * the same from sources and from `dist/`). The descriptor is opened as a libuv pipe, which makes
 * it non-blocking and lets the worker's event loop wait for it: the worker never sits in a
 * blocking `read`, so `terminate()` always ends it. libuv reads straight into the free part of
 * the ring (the buffer given to `onread` is a view of it), each read is published by advancing
 * `Write`, and the main thread is woken with `Atomics.notify`. A full ring stops reading (the
 * writer then blocks on the full pipe) until the main thread frees room.
 */
export const PIPE_WORKER_SOURCE = `
'use strict';
const { Socket } = require('node:net');
const { createHash } = require('node:crypto');
const { workerData, parentPort } = require('node:worker_threads');
const WRITE = ${PipeCtl.Write}, READ = ${PipeCtl.Read}, STATE = ${PipeCtl.State}, EVENTS = ${PipeCtl.Events};
const ENDED = ${PipeState.Ended}, FAILED = ${PipeState.Failed};
const WAKE_BYTES = ${PIPE_WAKE_BYTES};
const { fd, control, data, headroom, hash } = workerData;
const ctl = new Int32Array(control);
const ring = new Uint8Array(data, headroom);
const size = ring.length;
const mask = size - 1;
const wake = new Uint8Array(WAKE_BYTES);
const hasher = hash ? createHash('sha256') : null;
let write = 0;
let stopped = false;
// a wait for room has no handle of its own: this keeps the worker's loop alive meanwhile
const keepAlive = setInterval(() => {}, 1 << 30);

const room = () => size - ((write - Atomics.load(ctl, READ)) | 0);

function publish(at, n) {
  if (hasher !== null) hasher.update(ring.subarray(at, at + n));
  write = (write + n) | 0;
  Atomics.store(ctl, WRITE, write);
  signal();
}

function signal() {
  Atomics.add(ctl, EVENTS, 1);
  Atomics.notify(ctl, EVENTS);
}

// where libuv reads next: the free part of the ring up to its end, or the wake buffer right
// after a stop (the ring had no room when the buffer for the next read was chosen)
function nextBuffer() {
  if (stopped) return wake;
  const at = write & mask;
  return ring.subarray(at, at + Math.min(room(), size - at));
}

function onRead(n, buf) {
  if (buf === wake) {
    const at = write & mask;
    const first = Math.min(n, size - at);
    ring.set(wake.subarray(0, first), at);
    publish(at, first);
    if (first < n) {
      ring.set(wake.subarray(first, n), 0);
      publish(0, n - first);
    }
  } else {
    publish(buf.byteOffset - ring.byteOffset, n);
  }
  stopped = room() < WAKE_BYTES;
  if (stopped) queueMicrotask(waitForRoom);
  return !stopped;
}

function waitForRoom() {
  while (room() < WAKE_BYTES) {
    const read = Atomics.load(ctl, READ);
    if (room() >= WAKE_BYTES) break;
    const wait = Atomics.waitAsync(ctl, READ, read);
    if (wait.async) return void wait.value.then(waitForRoom);
  }
  socket.resume();
}

function finish(state) {
  if (Atomics.load(ctl, STATE) !== 0) return;
  if (hasher !== null && state === ENDED) parentPort.postMessage({ sha256: hasher.digest('hex') });
  Atomics.store(ctl, STATE, state);
  signal();
  clearInterval(keepAlive);
}

const socket = new Socket({ fd, readable: true, writable: false, onread: { buffer: nextBuffer, callback: onRead } });
socket.on('end', () => {
  finish(ENDED);
  socket.destroy();
});
socket.on('error', (err) => {
  parentPort.postMessage({ error: err.message });
  finish(FAILED);
});
`;
