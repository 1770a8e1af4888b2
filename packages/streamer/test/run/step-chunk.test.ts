// A step reads up to 65,536 records; with a plugin that takes a millisecond a packet that was a
// minute in which no signal, timer or progress line was served. A step now ends within ~50 ms.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NFPlugin, type NFlow } from '@flowstream/core';
import { NFStreamer } from '../../src/nfstreamer.js';
import '../../src/optional-parts.js';
import { StepResult } from '../../src/run/meter-run.js';
import { StepChunk } from '../../src/run/step-chunk.js';
import { PCAPS } from '../support/run-cli.js';

/** Busy for `ms` on every packet, as a heavy plugin or a blocked consumer is. */
class Slow extends NFPlugin {
  declare ms: number;
  override onUpdate(_packet: unknown, _flow: NFlow): void {
    const until = performance.now() + this.ms;
    while (performance.now() < until);
  }
}

describe('a step of the run loop', () => {
  it('ends after about 50 ms of slow packets, not after 65,536 of them', () => {
    const streamer = new NFStreamer({ source: join(PCAPS, 'skype.pcap'), nDissections: 0, udps: [new Slow({ ms: 1 })] });
    const run = streamer.createRun();
    try {
      expect(run.step()).toBe(StepResult.Progress);
      // skype.pcap has 3,284 packets: one step used to meter them all (over 3 s here)
      const read = run.accounting.read;
      expect(read).toBeGreaterThan(0);
      expect(read).toBeLessThan(300);
    } finally {
      run.stop();
    }
  });

  it('grows its chunk while records are fast, up to the step budget', () => {
    const chunk = new StepChunk(65536);
    chunk.begin();
    for (let i = 0; i < 20; i++) chunk.spent();
    expect(chunk.size).toBe(65536);
  });
});
