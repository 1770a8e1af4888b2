import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { openCapture, resolveMeteringOptions } from '@flowstream/core';
import { NFStreamer } from '../../src/nfstreamer.js';
import { ParallelMeterRun } from '../../src/parallel/parallel-meter-run.js';
import { StepResult } from '../../src/run/meter-run.js';
import { prestartMeterWorkers } from '../../src/parallel/worker-spawn.js';
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

  it('when a later worker cannot start, ending the workers already started', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-later-worker-'));
    const file = join(dir, 'meter-worker.js');
    writeFileSync(file, "import { parentPort } from 'node:worker_threads';\nparentPort.once('message', () => {});\n");
    const entry = { url: pathToFileURL(file), execArgv: [] };
    // meter 1 takes the thread started ahead; meter 2 finds the module gone
    prestartMeterWorkers(1, entry);
    rmSync(file);
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      const options = resolveMeteringOptions({ nDissections: 0, nMeters: 3 });
      const path = join(PCAPS, 'skype.pcap');
      expect(
        () => new ParallelMeterRun(options, [{ name: path, open: () => openCapture(path) }], null, { nMeters: 3, plugins: [], dissector: null, systemVisibility: false, workerEntry: entry }),
      ).toThrow(`the worker module ${file} is missing`);
      expect(terminate).toHaveBeenCalledTimes(1);
    } finally {
      terminate.mockRestore();
    }
  });

  it('when a worker thread’s module is there but does not load, with its error, without waiting for the boot timeout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-broken-worker-'));
    const broken = join(dir, 'meter-worker.js');
    // what a broken installation looks like: the module is there, a dependency is not
    writeFileSync(broken, "import 'flowstream-no-such-package';\n");
    const options = resolveMeteringOptions({ nDissections: 0, nMeters: 2 });
    const path = join(PCAPS, 'skype.pcap');
    const start = Date.now();
    const run = new ParallelMeterRun(options, [{ name: path, open: () => openCapture(path) }], null, {
      nMeters: 2,
      plugins: [],
      dissector: null,
      systemVisibility: false,
      workerEntry: { url: pathToFileURL(broken), execArgv: [] },
    });
    // a synchronous run: no event loop turns while it steps
    while (run.step() !== StepResult.Done);
    expect(run.error?.message).toMatch(/meter-worker\.js did not load: .*flowstream-no-such-package/);
    expect(Date.now() - start).toBeLessThan(10_000);
  });
});
