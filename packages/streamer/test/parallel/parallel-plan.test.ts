import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { resolveMeteringOptions } from '@flowstream/core';
import { NFStreamer } from '../../src/nfstreamer.js';
import { parallelPlan, sharesPacketWork } from '../../src/parallel/parallel-plan.js';
import { ParallelMeterRun } from '../../src/parallel/parallel-meter-run.js';
import { createPluginRegistry } from '../../src/plugin-registry/index.js';
import '../../src/optional-parts.js';
import { PCAPS } from '../support/run-cli.js';

// the run caps nMeters at the available cores: these tests plan 2 and 3 meters on any machine
vi.mock('node:os', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:os')>()), availableParallelism: () => 8 }));

const plan = (options: Record<string, unknown>, warn: (text: string) => void = () => {}) => parallelPlan(resolveMeteringOptions(options), warn);

describe('the parallel plan', () => {
  it('runs nDPI in a dissection thread on two meters without plugins or snapshots, and meter workers otherwise', () => {
    expect(plan({ nMeters: 2 })!.dissectionThread).toBe(true);
    expect(plan({ nMeters: 2, nDissections: 0, statisticalAnalysis: true })!.dissectionThread).toBe(false);
    expect(plan({ nMeters: 3 })!.dissectionThread).toBe(false);
    expect(plan({ nMeters: 2, snapshotInterval: 5 })!.dissectionThread).toBe(false);
    expect(plan({ nMeters: 1 })).toBeNull();
  });

  it('uses one meter, without a warning, when the meters would share no per-packet work beyond the flow table', async () => {
    const warn = vi.fn();
    for (const nMeters of [2, 3, 0]) {
      expect(plan({ nMeters, nDissections: 0 }, warn)).toBeNull();
      expect(plan({ nMeters, nDissections: 0, snapshotInterval: 1 }, warn)).toBeNull();
    }
    expect(warn).not.toHaveBeenCalled();
    // each kind of per-packet work makes the meters parallel
    expect(plan({ nMeters: 2, nDissections: 1 })?.nMeters).toBe(2);
    expect(plan({ nMeters: 3, nDissections: 0, statisticalAnalysis: true })?.nMeters).toBe(3);
    expect(plan({ nMeters: 2, nDissections: 0, spltAnalysis: 1 })?.nMeters).toBe(2);
    const udps = [await createPluginRegistry().resolve({ module: 'flow-slicer', options: { limit: 3 } })];
    expect(plan({ nMeters: 2, nDissections: 0, udps })?.plugins).toHaveLength(1);
  });

  it('sharesPacketWork names the work: nDPI, statistics, SPLT, plugins', async () => {
    const shares = (options: Record<string, unknown>) => sharesPacketWork(resolveMeteringOptions(options));
    expect(shares({ nDissections: 0 })).toBe(false);
    expect(shares({ nDissections: 0, snapshotInterval: 10, idleTimeout: 1, accountingMode: 3 })).toBe(false);
    expect(shares({})).toBe(true); // NFStream's default: 20 packets to nDPI
    expect(shares({ nDissections: 0, statisticalAnalysis: true })).toBe(true);
    expect(shares({ nDissections: 0, spltAnalysis: 10 })).toBe(true);
    const udps = [await createPluginRegistry().resolve({ module: 'flow-slicer', options: {} })];
    expect(shares({ nDissections: 0, udps })).toBe(true);
  });

  it('a run with core fields and nMeters 2 is the single meter’s: same flows, ids and order, one meter in the summary', () => {
    const source = join(PCAPS, 'skype.pcap');
    const two = new NFStreamer({ source, nDissections: 0, nMeters: 2 });
    const run = two.createRun();
    expect(run).not.toBeInstanceOf(ParallelMeterRun);
    run.stop();
    const rows = (s: NFStreamer) => [...s].map((f) => JSON.stringify(f.toJSON()));
    const single = rows(new NFStreamer({ source, nDissections: 0 }));
    expect(single.length).toBeGreaterThan(200);
    expect(rows(two)).toEqual(single);
    expect(two.summary!.meters).toBe(1);
  });
});
