import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { FlowBatch } from '@flowstream/core';
import type { ReleaseMessage } from './worker-protocol.js';

/**
 * Posted batches a worker keeps at most until the main thread releases them; beyond this the
 * oldest is forgotten (its memory then goes when the main thread drops its view), so a consumer
 * that keeps every batch (iteration) does not make the worker hold every flow too.
 */
const MAX_HELD = 16;

/**
 * A meter worker's flow batches posted to the main thread, by ticket, until their release comes
 * back ({@link ReleaseMessage}): whole batches live in shared memory, which the main thread reads
 * in place, and a released batch's memory takes later flows (no fresh pages per batch, whose
 * first touches cost more than writing the flows).
 *
 * @example
 * ```ts
 * const held = new HeldBatches(port);
 * const ticket = held.hold(batch); // posted with the batch
 * held.takeReleases();             // now and then: released storage goes back to the meter
 * ```
 */
export class HeldBatches {
  private next = 0;
  private readonly held = new Map<number, FlowBatch>();

  /** @param port the port the worker posts on; the main thread posts the releases back on it. */
  constructor(private readonly port: MessagePort) {}

  /** Holds `batch` until its release comes back; returns the ticket to post with it. */
  hold(batch: FlowBatch): number {
    const ticket = this.next++;
    this.held.set(ticket, batch);
    if (this.held.size > MAX_HELD) this.held.delete(this.held.keys().next().value!);
    return ticket;
  }

  /** Takes the releases the main thread posted: each released batch's storage takes new flows. */
  takeReleases(): void {
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const ticket = (m.message as ReleaseMessage).ticket;
      const batch = this.held.get(ticket);
      if (batch === undefined) continue;
      this.held.delete(ticket);
      batch.release();
    }
  }
}
