import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCapture, resolveMeteringOptions } from '@flowstream/core';
import { NFStreamer } from '../../src/nfstreamer.js';
import { ParallelMeterRun } from '../../src/parallel/parallel-meter-run.js';
import { PCAPS } from '../support/run-cli.js';

describe('a run that cannot start', () => {
  it('fails its export with its own error, leaving no output behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-start-'));
    const streamer = new NFStreamer({ source: join(PCAPS, 'skype.pcap'), nDissections: 0, snapshotInterval: 1 });
    // what a meter worker that cannot start does to the run (see the next test)
    (streamer as unknown as { createRun(): never }).createRun = () => {
      throw new Error('the run cannot start');
    };
    await expect(streamer.export('csv', join(dir, 'f.csv'), { snapshotOutput: join(dir, 's.csv') })).rejects.toThrow('the run cannot start');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('when a worker thread’s module is missing, naming the file at once', () => {
    const missing = join(tmpdir(), 'flowstream-no-such-dir', 'meter-worker.js');
    expect(existsSync(missing)).toBe(false);
    const options = resolveMeteringOptions({ nDissections: 0, nMeters: 2 });
    const path = join(PCAPS, 'skype.pcap');
    const start = Date.now();
    expect(
      () =>
        new ParallelMeterRun(options, [{ name: path, open: () => openCapture(path) }], null, {
          nMeters: 2,
          plugins: [],
          dissector: null,
          systemVisibility: false,
          workerEntry: { url: pathToFileURL(missing), execArgv: [] },
        }),
    ).toThrow(`the worker module ${missing} is missing`);
    expect(Date.now() - start).toBeLessThan(5000);
  });
});
