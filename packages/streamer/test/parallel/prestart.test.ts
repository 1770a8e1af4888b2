import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestedMeters } from '../../src/cli/prestart-meters.js';
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

describe('prestarted meter workers', () => {
  it('serve the next parallel run, which gives the single meter’s flows', () => {
    const source = join(PCAPS, 'skype.pcap');
    prestartMeterWorkers(1);
    const key = (f: { toJSON(): object }): string => JSON.stringify({ ...f.toJSON(), id: undefined });
    const parallel = [...new NFStreamer({ source, nDissections: 0, nMeters: 2 })].map(key).sort();
    const single = [...new NFStreamer({ source, nDissections: 0, nMeters: 1 })].map(key).sort();
    expect(parallel.length).toBeGreaterThan(200);
    expect(parallel).toEqual(single);
  });
});
