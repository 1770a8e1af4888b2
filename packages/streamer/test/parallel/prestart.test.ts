import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METERING_OPTIONS } from '@flowstream/core/options';
import { asksPacketWork, requestedDissections, requestedMeters } from '../../src/cli/prestart-meters.js';
import { NFStreamer } from '../../src/nfstreamer.js';
import { prestartMeterWorkers } from '../../src/parallel/worker-spawn.js';
import { PCAPS } from '../support/run-cli.js';

describe('requestedMeters reads --n-meters as the option parser does', () => {
  it.each([
    [['f.pcap', '--n-meters', '2'], 2],
    [['--n-meters=3', 'f.pcap'], 3],
    [['--n-meters', '2', '--n-meters', '4'], 4],
    [['--n-meters', '0'], 0],
    [['f.pcap'], null],
    [['--n-meters', 'two'], null],
    [['--n-meters', '-2'], null],
    [['--', '--n-meters', '2'], null],
    [['--n-meters'], null],
  ])('%j → %j', (argv, expected) => {
    expect(requestedMeters(argv)).toBe(expected);
  });
});

describe('asksPacketWork reads what makes parallel meters share work (nDPI, statistics, SPLT, plugins)', () => {
  it.each([
    [['f.pcap'], true],
    [['f.pcap', '--n-dissections', '0'], false],
    [['f.pcap', '--n-dissections=00'], false],
    [['f.pcap', '--n-dissections', '0', '--n-dissections', '5'], true],
    [['f.pcap', '--n-dissections', 'x'], true],
    [['f.pcap', '--n-dissections', '0', '--statistical-analysis'], true],
    [['f.pcap', '--n-dissections', '0', '--statistical-analysis', '--no-statistical-analysis'], false],
    [['f.pcap', '--n-dissections', '0', '--splt-analysis', '0'], false],
    [['f.pcap', '--n-dissections', '0', '--splt-analysis=10'], true],
    [['f.pcap', '--n-dissections', '0', '--plugin', 'flow-slicer'], true],
    [['f.pcap', '--n-dissections', '0', '--', '--statistical-analysis'], false],
  ])('%j → %j', (argv, expected) => {
    expect(asksPacketWork(argv)).toBe(expected);
  });
});

describe('requestedDissections reads --n-dissections as the option parser does, for the workers to build nDPI ahead', () => {
  it.each([
    [['f.pcap'], DEFAULT_METERING_OPTIONS.nDissections],
    [['f.pcap', '--n-dissections', '5'], 5],
    [['f.pcap', '--n-dissections=0'], 0],
    [['f.pcap', '--n-dissections', '3', '--n-dissections', '7'], 7],
    [['f.pcap', '--n-dissections', 'x'], 0],
    [['f.pcap', '--', '--n-dissections', '5'], DEFAULT_METERING_OPTIONS.nDissections],
  ])('%j → %j', (argv, expected) => {
    expect(requestedDissections(argv)).toBe(expected);
  });
});

describe('prestarted meter workers', () => {
  it('serve the next parallel run, which gives the single meter’s flows', () => {
    const source = join(PCAPS, 'skype.pcap');
    prestartMeterWorkers(1);
    const key = (f: { toJSON(): object }): string => JSON.stringify({ ...f.toJSON(), id: undefined });
    const options = { source, nDissections: 0, statisticalAnalysis: true };
    const streamer = new NFStreamer({ ...options, nMeters: 2 });
    const parallel = [...streamer].map(key).sort();
    expect(streamer.summary!.meters).toBe(2);
    const single = [...new NFStreamer({ ...options, nMeters: 1 })].map(key).sort();
    expect(parallel.length).toBeGreaterThan(200);
    expect(parallel).toEqual(single);
  });
});
