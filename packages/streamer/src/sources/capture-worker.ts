/**
 * Entry of a live capture worker: runs libpcap's read loop on a handle the main thread activated
 * (`pcap_dispatch` with libpcap's own `pcap_dump` writing a batch of packets, with their kernel
 * timestamps, straight into the capture ring: no call into C per packet). The
 * main thread may be busy metering (slow plugins, bursts): packets keep their capture time
 * because they are stamped by the kernel and taken off its buffer here, not when JS gets to them.
 */
import { workerData } from 'node:worker_threads';
import { CaptureCtl, CaptureRingWriter, CaptureState, pcapRecordBytes, SCRATCH_SLACK, type CaptureRingBuffers } from './capture-ring.js';
import { DUMP_RECORD_HEADER, loadLivePcap } from './libpcap-live.js';

/** What the main thread hands the worker. */
export interface CaptureWorkerData {
  /** Address of the activated `pcap_t`. */
  readonly handle: number;
  /** True when timestamps are in nanoseconds (`pcap_set_tstamp_precision`), else µs. */
  readonly nano: boolean;
  readonly ring: CaptureRingBuffers;
  /** How long after its timestamp a packet may wait in the kernel's buffer (a block not handed over yet). */
  readonly deliveryLagMs: number;
  /** The handle's snapshot length: the most bytes a packet brings. */
  readonly snapshotLength: number;
}


/**
 * Least time between two `pcap_stats` reads, ms: on Linux each read opens and reads files under
 * `/sys/class/net` (the interface's drop counters), which costs more than taking a packet.
 */
const STATS_EVERY_MS = 50;
/** Longest the worker keeps reading the kernel buffer after a stop. */
const STOP_DRAIN_MS = 4000;
/** Longest wait in `poll()` while idle: how often the stop flag and the statistics are looked at. */
const IDLE_POLL_MS = 100;
/** Most packets read in one call into libpcap (a kernel block holds a few hundred). */
const BATCH_PACKETS = 1024;
/** Packets taken in a row before a waiting reader is woken (it is woken anyway when the kernel has no more). */
const NOTIFY_EVERY = 256;
/** Longest wait for room in a full ring before looking again (the reader does not notify). */
const FULL_WAIT_MS = 5;

/** A dispatch found the ring full and read nothing (the packets wait in the kernel). */
const RING_FULL = -3;

function run(data: CaptureWorkerData): void {
  const control = new Int32Array(data.ring.control);
  const pcap = loadLivePcap();
  if (pcap instanceof Error) {
    Atomics.store(control, CaptureCtl.State, CaptureState.Ended);
    Atomics.notify(control, CaptureCtl.State);
    return;
  }
  const ring = new CaptureRingWriter(data.ring);
  const p = data.handle;
  // libpcap writes each batch of packets, as pcap records, straight into the room reserved in the
  // ring (or, after a stop with the ring full, into the scratch space past it): one memory stream
  // over both (shared memory does not move, so its address stays valid)
  const ringBytes = data.ring.ringBytes;
  const dump = pcap.openMemoryDump(p, pcap.addressOf(new Uint8Array(data.ring.data)), data.ring.data.byteLength - SCRATCH_SLACK);
  if (dump === null) throw new Error('libpcap: no pcap_dump_fopen/pcap_dispatch, or libc: no fmemopen (needed to read packets in batches)');
  const recordBytes = pcapRecordBytes(data.snapshotLength);
  // a batch takes at most an eighth of the ring (at least one packet)
  const batch = Math.max(1, Math.min(BATCH_PACKETS, Math.floor(ringBytes / 8 / recordBytes)));
  const scratchBatch = Math.max(1, Math.floor((data.ring.data.byteLength - ringBytes - SCRATCH_SLACK) / recordBytes));
  const records = new DataView(data.ring.data);
  // a pcap_stat and a pollfd
  const words = new SharedArrayBuffer(64);
  const w = new Int32Array(words);
  const base = pcap.addressOf(new Uint8Array(words));
  const toNs = data.nano ? 1 : 1000;
  // struct pollfd at byte 32: int fd; short events (POLLIN), revents
  w[8] = pcap.selectableFd(p);
  const epochMs = data.ring.epochMs;
  let n = 0;
  /** Packets put in the ring since the reader was last woken. */
  let unannounced = 0;
  let truncated = 0;
  let drops = 0;
  let statsAt = 0;
  let statsAtPackets = 0;
  const readStats = () => {
    statsAt = Date.now();
    if (pcap.stats(p, base) === 0) {
      Atomics.store(control, CaptureCtl.PsRecv, w[0]!);
      Atomics.store(control, CaptureCtl.PsDrop, w[1]!);
      Atomics.store(control, CaptureCtl.PsIfDrop, w[2]!);
    }
  };
  const poll = (timeoutMs: number) => {
    w[9] = 1;
    pcap.poll(base + 32, 1, timeoutMs);
  };
  /** Publishes the `count` packets libpcap wrote from byte `at`: their bytes in all, and the truncated ones counted. */
  const publish = (count: number, at: number) => {
    let end = at;
    for (let i = 0; i < count; i++) {
      // struct pcap_sf_pkthdr in host order: tv_sec, tv_usec (ns with nanosecond precision), caplen, len
      const caplen = records.getUint32(end + 8, true);
      if (caplen < records.getUint32(end + 12, true)) truncated++;
      end += DUMP_RECORD_HEADER + caplen;
    }
    ring.commitBatch(count, end - at, toNs);
    Atomics.store(control, CaptureCtl.Truncated, truncated);
    // a waiting reader is woken once the kernel has nothing more to hand over (below), or after
    // NOTIFY_EVERY packets of a long burst: not once a packet, which costs both threads a wake-up
    unannounced += count;
    if (unannounced >= NOTIFY_EVERY && Atomics.load(control, CaptureCtl.Waiting) !== 0) {
      unannounced = 0;
      Atomics.notify(control, CaptureCtl.Write);
    }
    n += count;
    // while traffic flows without a pause, the counters are read every few thousand packets
    if (n - statsAtPackets >= 4096 && Date.now() - statsAt >= STATS_EVERY_MS) {
      statsAtPackets = n;
      readStats();
    }
  };
  /**
   * Reads up to a batch of the packets the kernel holds into the ring. With the ring full it reads
   * nothing while capturing (the meter is behind: packets queue in the kernel's buffer,
   * socketBufferSize, 64 MiB by default, which counts what it cannot hold); after a stop (its
   * reader may be gone) the packets the ring cannot take are read and counted as `ring_full`.
   */
  const dispatch = (): number => {
    let count = batch;
    let at = ring.reserveBatch(count * recordBytes + SCRATCH_SLACK);
    if (at < 0) {
      count = 1;
      at = ring.reserveBatch(recordBytes + SCRATCH_SLACK);
    }
    if (at < 0) {
      if (Atomics.load(control, CaptureCtl.Stop) === 0) {
        Atomics.wait(control, CaptureCtl.Read, Atomics.load(control, CaptureCtl.Read), FULL_WAIT_MS);
        return RING_FULL;
      }
      const r = pcap.dispatchToMemory(p, scratchBatch, dump, ringBytes);
      if (r > 0) Atomics.store(control, CaptureCtl.RingDrops, (drops += r));
      return r;
    }
    const r = pcap.dispatchToMemory(p, count, dump, at);
    if (r > 0) publish(r, at);
    return r;
  };
  Atomics.store(control, CaptureCtl.State, CaptureState.Running);
  Atomics.notify(control, CaptureCtl.State);
  let failed = false;
  while (Atomics.load(control, CaptureCtl.Stop) === 0) {
    const before = Date.now();
    const r = dispatch();
    if (r === 0) {
      // non-blocking read found nothing: every packet stamped before this call, less the delivery
      // lag (a block the kernel holds), was delivered
      Atomics.store(control, CaptureCtl.QuietMs, before - epochMs);
      if (before - statsAt >= STATS_EVERY_MS) readStats();
      unannounced = 0;
      if (Atomics.load(control, CaptureCtl.Waiting) !== 0) Atomics.notify(control, CaptureCtl.Write);
      poll(IDLE_POLL_MS);
    } else if (r === -1) {
      failed = true; // the main thread reads pcap_geterr
      break;
    }
    // > 0: packets read; RING_FULL: waited for room; -2: pcap_breakloop from stop(), whose flag ends the loop
  }
  // stopped: what the kernel captured before the stop is read too (bounded, in case of a flood),
  // including the packets of the block it hands over only once its timeout passed
  if (!failed) {
    const stoppedAt = Date.now();
    const end = stoppedAt + STOP_DRAIN_MS;
    for (;;) {
      const r = dispatch();
      // -2: a pcap_breakloop of the stop, which libpcap clears as it returns. The stopping thread
      // breaks again every 50 ms until this loop ends, so a long drain sees several: each one
      // ending it left the rest of the kernel buffer neither read nor counted
      if (r === -2) {
        if (Date.now() > end) break;
        continue;
      }
      if (r === 0) {
        const waited = Date.now() - stoppedAt;
        if (waited >= data.deliveryLagMs) break;
        poll(data.deliveryLagMs - waited);
        continue;
      }
      if (r < 0) break;
      if (Date.now() > end) break;
    }
  }
  pcap.closeMemoryDump(dump);
  readStats();
  Atomics.store(control, CaptureCtl.State, CaptureState.Ended);
  Atomics.notify(control, CaptureCtl.State);
  Atomics.notify(control, CaptureCtl.Write);
}

run(workerData as CaptureWorkerData);
