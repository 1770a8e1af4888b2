/** Control words of a pipe ring (Int32Array over the control buffer). */
export const PipeCtl = {
  /** Bytes written so far, a 32-bit counter that wraps (worker → main). */
  Write: 0,
  /** Bytes consumed so far, same counter (main → worker): the ring before it is free. */
  Read: 1,
  /** See {@link PipeState}. */
  State: 2,
  /** Bumped by the worker after every publish and at the end: the word the main thread waits on. */
  Events: 3,
  /** Bumped by the main thread after freeing room and on stop: the word the worker waits on. */
  Freed: 4,
  /** Set by the main thread: the worker stops reading. */
  Stop: 5,
  /**
   * Set by the main thread before it reads anything: hash every byte, from the first (the ring
   * still holds every byte read so far, as nothing was given back yet).
   */
  Hash: 6,
  /**
   * 1 while the worker sleeps until the ring has {@link PipeWorkerData.resume} bytes free: the
   * main thread wakes it only then (a wake-up costs a system call on both sides).
   */
  Sleeping: 7,
  /**
   * 1 while the worker loads a native module (koffi, to enlarge the pipe): terminating a thread
   * then aborts the whole process, so the main thread waits for it to clear before it does.
   */
  Native: 8,
} as const;

/** {@link PipeCtl.Hash} once the worker ended without being asked to hash: the main thread hashes the ring itself. */
export const PIPE_HASH_TOO_LATE = -1;
export const PIPE_CONTROL_WORDS = 9;

/** What the worker reports in {@link PipeCtl.State}; `Write` is final once it is not `Reading`. */
export const PipeState = {
  Reading: 0,
  /** The writer closed the pipe. */
  Ended: 1,
  /** A read failed: the worker posted `{ error }`. */
  Failed: 2,
} as const;

/** The worker reads only while the ring has room for a pipe's worth of bytes (a pipe holds 64 KiB). */
export const PIPE_WAKE_BYTES = 64 * 1024;

/** What the main thread hands the worker. */
export interface PipeWorkerData {
  /** The descriptor to read; ignored when {@link path} is given. */
  fd: number;
  /**
   * A named pipe to open and read instead of {@link fd}: the worker opens it (a blocking `open`,
   * which waits for a writer, as libpcap's `fopen` does), reads it, and closes it at the end.
   */
  path: string | null;
  control: SharedArrayBuffer;
  /** Ring memory: `headroom` bytes the main thread uses for records that straddle the end, then the ring. */
  data: SharedArrayBuffer;
  headroom: number;
  /**
   * Blocking reads (a pipe or FIFO, which the main thread can wake by writing a byte into it), or
   * reads from the worker's event loop (a socket, which nothing else can wake).
   */
  blocking: boolean;
  /** Linux, a pipe, and koffi installed: its path, to enlarge the pipe (see {@link PIPE_BYTES}). */
  koffi: string | null;
  /** Free bytes a worker that found the ring full waits for (a quarter of the ring, at least {@link PIPE_WAKE_BYTES}): fewer, larger reads. */
  resume: number;
  /** Bytes the main thread put at the start of the ring (taken from the descriptor before): the worker writes after them. */
  written: number;
}

/**
 * Pipe capacity asked for (Linux `F_SETPIPE_SZ`; 1 MiB is the default limit for users). A 64 KiB
 * pipe makes the writer and the reader take turns every 64 KiB; with 1 MiB each side does a
 * fraction of the wake-ups and system calls (measured: about a third less CPU for both).
 */
export const PIPE_BYTES = 1024 * 1024;
const F_SETPIPE_SZ = 1031;

/**
 * The pipe reader's worker, as CommonJS source (it needs no module of the project, so it loads
 * the same from sources and from `dist/`). It reads straight into the free part of the ring,
 * publishes each read by advancing `Write` and wakes the main thread through `Events`; a full
 * ring stops reading (the writer then blocks on the full pipe) until the main thread frees room.
 *
 * A pipe is read with blocking `read`s, the cheapest way (one system call per pipe's worth); a
 * stop while it is quiet sets `Stop` and writes a byte into the pipe, which ends the `read`.
 * A socket is opened as a libuv pipe instead (non-blocking, waited for by the worker's event
 * loop, libuv reading into a view of the ring), so `terminate()` always ends the worker.
 */
export const PIPE_WORKER_SOURCE = `
'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const WRITE = ${PipeCtl.Write}, READ = ${PipeCtl.Read}, STATE = ${PipeCtl.State}, EVENTS = ${PipeCtl.Events}, FREED = ${PipeCtl.Freed}, STOP = ${PipeCtl.Stop}, HASH = ${PipeCtl.Hash}, SLEEPING = ${PipeCtl.Sleeping}, NATIVE = ${PipeCtl.Native};
const ENDED = ${PipeState.Ended}, FAILED = ${PipeState.Failed};
const WAKE_BYTES = ${PIPE_WAKE_BYTES};
const { path, control, data, headroom, blocking, koffi, resume, written } = workerData;
let fd = workerData.fd;
const ctl = new Int32Array(control);
const ring = new Uint8Array(data, headroom);
const size = ring.length;
const mask = size - 1;
let write = written;
let hasher = null;

const room = () => size - ((write - Atomics.load(ctl, READ)) | 0);
const stopped = () => Atomics.load(ctl, STOP) !== 0;

// the ring is full: announce the sleep, then look once more (the main thread may have freed room
// in between without waking anyone); true when the caller must wait on FREED
function goingToSleep() {
  Atomics.store(ctl, SLEEPING, 1);
  if (room() < resume && !stopped()) return true;
  Atomics.store(ctl, SLEEPING, 0);
  return false;
}

// the SHA-256 being computed, or null; once asked for, it starts with every byte read so far.
// Called before bytes go into the ring, after the room for them was read: the main thread asks
// (HASH) before it frees any room (READ), so bytes about to be written over freed room see the ask
// here, and the bytes read so far are hashed before the first of them is overwritten
function hashing() {
  if (hasher === null && Atomics.load(ctl, HASH) !== 0) {
    hasher = require('node:crypto').createHash('sha256');
    hasher.update(ring.subarray(0, write));
  }
  return hasher;
}

function publish(at, n) {
  if (hashing() !== null) hasher.update(ring.subarray(at, at + n));
  write = (write + n) | 0;
  Atomics.store(ctl, WRITE, write);
  signal();
}

function signal() {
  Atomics.add(ctl, EVENTS, 1);
  Atomics.notify(ctl, EVENTS);
}

function finish(state, message) {
  if (Atomics.load(ctl, STATE) !== 0) return;
  if (message !== undefined) parentPort.postMessage({ error: message });
  // not asked for yet: the main thread hashes the ring itself if it asks later (nothing was given back)
  const asked = Atomics.compareExchange(ctl, HASH, 0, ${PIPE_HASH_TOO_LATE}) !== 0;
  if (state === ENDED && asked && hashing() !== null) parentPort.postMessage({ sha256: hasher.digest('hex') });
  Atomics.store(ctl, STATE, state);
  signal();
}

// after the first bytes (they are not held up by loading koffi); best effort. NATIVE is set before
// Stop is looked at, and the main thread sets Stop before it looks at NATIVE: either this thread
// sees the stop and loads nothing, or the main thread sees NATIVE and waits before terminating it
function enlargePipe() {
  Atomics.store(ctl, NATIVE, 1);
  try {
    if (!stopped()) require(koffi).load('libc.so.6').func('int fcntl(int, int, int)')(fd, ${F_SETPIPE_SZ}, ${PIPE_BYTES});
  } catch {
  } finally {
    Atomics.store(ctl, NATIVE, 0);
    Atomics.notify(ctl, NATIVE);
  }
}

// a named pipe: open it here (waiting for its writer, as a blocking open does); a stop meanwhile
// opens it for writing, which ends this wait (see wakeBlockedRead). False when it was not opened
function openNamed() {
  if (stopped()) return false;
  try {
    fd = require('node:fs').openSync(path, 'r');
    return true;
  } catch (err) {
    finish(FAILED, err.message);
    return false;
  }
}

function readBlocking() {
  const { readSync } = require('node:fs');
  let enlarge = koffi !== null;
  for (;;) {
    // this thread only: a full ring waits for the main thread to free a quarter of it (or to stop)
    if (room() < WAKE_BYTES) {
      for (let freed = Atomics.load(ctl, FREED); room() < resume; freed = Atomics.load(ctl, FREED)) {
        if (stopped()) return;
        if (goingToSleep()) Atomics.wait(ctl, FREED, freed);
        Atomics.store(ctl, SLEEPING, 0);
      }
    }
    if (stopped()) return;
    const at = write & mask;
    const len = Math.min(room(), size - at);
    hashing();
    let n;
    try {
      n = readSync(fd, ring, at, len, null);
    } catch (err) {
      // a descriptor its opener left non-blocking: poll it
      if (err.code === 'EAGAIN') {
        Atomics.wait(ctl, STOP, 0, 1);
        continue;
      }
      if (err.code !== 'EOF') return finish(FAILED, err.message);
      n = 0;
    }
    if (stopped()) return;
    if (n === 0) return finish(ENDED);
    publish(at, n);
    if (enlarge) {
      enlarge = false;
      enlargePipe();
    }
  }
}

function readFromLoop() {
  const { Socket } = require('node:net');
  const wake = new Uint8Array(WAKE_BYTES);
  let paused = false;
  // a wait for room has no handle of its own: this keeps the worker's loop alive meanwhile
  const keepAlive = setInterval(() => {}, 1 << 30);
  // where libuv reads next: the free part of the ring up to its end, or the wake buffer right
  // after a pause (the ring had no room when the buffer for the next read was chosen)
  const nextBuffer = () => {
    if (paused) return wake;
    const at = write & mask;
    const len = Math.min(room(), size - at);
    hashing();
    return ring.subarray(at, at + len);
  };
  const onRead = (n, buf) => {
    if (buf === wake) {
      hashing();
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
    paused = room() < WAKE_BYTES;
    if (paused) queueMicrotask(waitForRoom);
    return !paused;
  };
  const waitForRoom = () => {
    Atomics.store(ctl, SLEEPING, 0);
    for (let freed = Atomics.load(ctl, FREED); room() < resume; freed = Atomics.load(ctl, FREED)) {
      if (stopped()) return;
      if (!goingToSleep()) continue;
      const wait = Atomics.waitAsync(ctl, FREED, freed);
      if (wait.async) return void wait.value.then(waitForRoom);
      Atomics.store(ctl, SLEEPING, 0);
    }
    socket.resume();
  };
  const end = (state, message) => {
    finish(state, message);
    clearInterval(keepAlive);
    socket.destroy();
  };
  const socket = new Socket({ fd, readable: true, writable: false, onread: { buffer: nextBuffer, callback: onRead } });
  socket.on('end', () => end(ENDED));
  socket.on('error', (err) => end(FAILED, err.message));
}

if (!blocking) readFromLoop();
else if (path === null) readBlocking();
else if (openNamed()) {
  try {
    readBlocking();
  } finally {
    require('node:fs').closeSync(fd);
  }
}
`;
