import type { RunInput } from './run-input.js';

/**
 * Pipes, streams and live inputs: shortest time between two hand-outs of a partial batch, ms. A
 * pipe that the meter outpaces runs dry thousands of times a second; sealing a batch each time
 * would copy every column for a few rows.
 */
const PARTIAL_BATCH_MS = 100;

/**
 * When a run hands out a meter's partial batches (of flows and of snapshot rows) rather than only
 * its whole ones. While files are read (no flow limit), only whole batches go out: the partial
 * one at the end. Pipes, streams and live inputs get a partial batch at most every
 * {@link PARTIAL_BATCH_MS} (latency, without a batch per read); runs with `maxNflows` after every
 * step (the limit is checked between steps). Decided once per step, so flows and snapshot rows go
 * out together.
 *
 * @example
 * ```ts
 * const rule = new HandOutRule(inputs, options.maxNflows);
 * rule.step(); // at the start of each step
 * const batches = rule.partialNow(ended) ? meter.drainBatches() : meter.drainFullBatches();
 * ```
 */
export class HandOutRule {
  /** File inputs and no flow limit: whole batches only until the end. */
  private readonly wholeBatches: boolean;
  private readonly everyStep: boolean;
  /** When a partial batch last went out, ms. */
  private partialAt = 0;
  /** Steps taken, and the step whose decision {@link partial} holds. */
  private steps = 0;
  private decidedAt = -1;
  private partial = false;

  constructor(inputs: readonly RunInput[], maxNflows: number) {
    this.wholeBatches = maxNflows === 0 && inputs.every((i) => i.size !== undefined && i.waitForData === undefined && i.clockNow === undefined);
    this.everyStep = maxNflows > 0;
  }

  /** A step begins. */
  step(): void {
    this.steps++;
  }

  /** True when partial batches go out in this step; `ended`: the input ended (the flush hands out everything). */
  partialNow(ended: boolean): boolean {
    if (ended) return true;
    if (this.decidedAt !== this.steps) {
      this.decidedAt = this.steps;
      this.partial = this.everyStep || (!this.wholeBatches && this.partialDue());
    }
    return this.partial;
  }

  /**
   * After `NeedMore`: how long, in ms, the caller may wait for the input before rows held back are
   * due; undefined when none may be held back (`rowsHeld` false) or only whole batches go out.
   */
  dueInMs(rowsHeld: boolean): number | undefined {
    if (this.wholeBatches || !rowsHeld) return undefined;
    return Math.max(0, this.partialAt + PARTIAL_BATCH_MS - Date.now());
  }

  private partialDue(): boolean {
    const now = Date.now();
    if (now - this.partialAt < PARTIAL_BATCH_MS) return false;
    this.partialAt = now;
    return true;
  }
}
