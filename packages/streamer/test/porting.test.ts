import { readFileSync, statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NFPlugin, loadNdpi, type NFlow } from '@flowstream/core';
import { METERING_OPTION_TABLE } from '@flowstream/core/internal';
import { NFStreamer, meter, packets, type RunProgress } from '@flowstream/streamer';
import { meterCount } from '../src/parallel/meter-count.js';
import { PCAPS } from './support/run-cli.js';

// What people coming from NFStream write, and what they get.
const pcap = (n: string) => join(PCAPS, n);
const source = pcap('google_ssl.pcap');

describe('porting from NFStream', () => {
  it("NFStream's snake_case properties, set or read after construction, say their name here instead of doing nothing", () => {
    const s = new NFStreamer({ source: source, nDissections: 0 });
    expect(() => {
      (s as unknown as Record<string, unknown>).idle_timeout = 5;
    }).toThrow("NFStreamer has no property idle_timeout: NFStream's idle_timeout is idleTimeout here (streamer.idleTimeout)");
    expect(() => (s as unknown as Record<string, unknown>).n_meters).toThrow(/is nMeters here/);
    expect(s.idleTimeout).toBe(120);
    s.idleTimeout = 5;
    expect(s.idleTimeout).toBe(5);
    // a subclass may still have a field of that name (fields are defined, not assigned)
    class Mine extends NFStreamer {
      idle_timeout = 'mine';
    }
    expect(new Mine({ source: source, nDissections: 0 }).idle_timeout).toBe('mine');
  });

  it('nMeters 0 (NFStream default) means one meter per available core, leaving one for reading', () => {
    expect(meterCount(0, 8)).toBe(7);
    expect(meterCount(0, 2)).toBe(1);
    expect(meterCount(0, 1)).toBe(1);
    // an explicit count: at most one meter per core
    expect(meterCount(16, 4)).toBe(4);
    expect(meterCount(2, 2)).toBe(2);
    expect(meterCount(3, 1)).toBe(1);
    expect(meterCount(3, 8)).toBe(3);
    const s = new NFStreamer({ source, nMeters: 0, nDissections: 0 });
    expect(s.nMeters).toBe(0);
    expect([...s].length).toBe([...new NFStreamer({ source, nDissections: 0 })].length);
  });

  it('snake_case option names get "did you mean" with the camelCase name', () => {
    expect(() => new NFStreamer({ source, statistical_analysis: true } as never)).toThrow(/Unknown option statistical_analysis: did you mean statisticalAnalysis\?/);
    expect(() => new NFStreamer({ source, n_dissections: 0 } as never)).toThrow(/did you mean nDissections\?/);
    expect(() => meter({ idle_timeout: 5 } as never)).toThrow(/did you mean idleTimeout\?/);
    // a name nobody knows lists the options
    expect(() => new NFStreamer({ source, colour: 1 } as never)).toThrow(/Invalid option colour: expected one of the known options \(source, onProgress/);
  });

  it('a plugin with on_init/on_update/on_expire but not the camelCase methods is rejected naming the method', () => {
    class Ported extends NFPlugin {
      on_init() {}
      on_expire() {}
    }
    class Updated extends NFPlugin {
      on_update() {}
    }
    class Both extends NFPlugin {
      on_init() {}
      override onInit() {}
    }
    expect(() => new NFStreamer({ source, udps: [new Ported()] })).toThrow(/plugin Ported defines on_init\(\); rename it to onInit\(\)/);
    const s = new NFStreamer({ source });
    expect(() => (s.udps = new Updated())).toThrow(/plugin Updated defines on_update\(\); rename it to onUpdate\(\)/);
    expect(() => meter({ udps: [new Ported()] })).toThrow(/rename it to onInit\(\)/);
    expect(() => new NFStreamer({ source, udps: [new Both()] })).not.toThrow();
  });

  it('meter() rejects, by name, the options it cannot honour', () => {
    expect(() => meter({ promiscuousMode: false } as never)).toThrow(/Invalid option promiscuousMode for meter\(\): a live capture option/);
    expect(() => meter({ bpfFilter: 'tcp' } as never)).toThrow(/Invalid option bpfFilter for meter\(\): packets\(\) filters/);
    expect(() => meter({ nMeters: 2 })).toThrow(/Invalid option nMeters for meter\(\)/);
    expect(() => meter({ snapshotInterval: 5 } as never)).toThrow(/Invalid option snapshotInterval for meter\(\): flow snapshots are a second stream/);
    expect(() => meter({ decodeTunnels: false } as never)).toThrow(/decodeTunnels/);
    // the defaults are what it does anyway
    expect(() => meter({ nMeters: 1, decodeTunnels: true } as never)).not.toThrow();
  });

  it('meter() honours maxNflows and the flow-table options like NFStreamer', async () => {
    const options = { idleTimeout: 1, statisticalAnalysis: true, spltAnalysis: 3, accountingMode: 2 as const, maxNflows: 4, nDissections: 0 };
    const skype = pcap('skype.pcap');
    const expected = [...new NFStreamer({ source: skype, ...options })].map((f) => JSON.stringify(f));
    const piped = await lastValueFrom(packets(skype).pipe(meter(options), toArray()));
    expect(piped.map((f) => JSON.stringify(f))).toEqual(expected);
    expect(piped).toHaveLength(4);
  });

  it.skipIf(loadNdpi() instanceof Error && process.env.CI !== 'true')('meter({ nDissections: 20 }) adds the nDPI columns as NFStreamer does', async () => {
    const expected = [...new NFStreamer({ source, nDissections: 20 })];
    const piped = await lastValueFrom(packets(source).pipe(meter({ nDissections: 20 }), toArray()));
    expect(piped[0]!.keys()).toContain('application_name');
    expect(piped.map((f) => f.application_name)).toEqual(expected.map((f) => f.application_name));
    expect(expected.some((f) => f.application_name !== 'Unknown')).toBe(true);
  });

  it('console.log(flow) prints NFStream\'s NFlow(…) form, not the internals', () => {
    const [flow] = new NFStreamer({ source, nDissections: 0 });
    const text = inspect(flow);
    expect(text).toBe(flow!.toString());
    expect(text.startsWith('NFlow(id=0,\n      expiration_id=')).toBe(true);
    expect(text).not.toContain('_udps');
  });

  it('every option of the table has a validated accessor on NFStreamer', () => {
    const s = new NFStreamer({ source });
    for (const o of METERING_OPTION_TABLE) {
      expect((s as unknown as Record<string, unknown>)[o.name], o.name).toEqual(o.default);
      if (o.type === 'integer') {
        expect(() => ((s as unknown as Record<string, unknown>)[o.name] = o.min! - 1), o.name).toThrow(`Invalid option ${o.name}`);
      }
    }
    s.idleTimeout = 7;
    expect(s.options.idleTimeout).toBe(7);
  });
});

describe('stopping a run', () => {
  it.each([
    [undefined, true],
    [{ interrupted: false }, false],
  ] as const)('stop(%j) on a silent stream: flows flushed at once, stream released, interrupted %s', async (options, interrupted) => {
    const bytes = readFileSync(pcap('google_ssl.pcap'));
    const input = new PassThrough();
    input.write(bytes); // and the stream stays open: the run waits for more
    const s = new NFStreamer({ source: input, nDissections: 0 });
    const flows = (async () => {
      let n = 0;
      for await (const _ of s) n++;
      return n;
    })();
    // stop once every byte was read, as the progress events tell
    await new Promise<void>((resolve) => {
      const sub = s.progress$.subscribe((p) => {
        if (p.bytesRead === bytes.length) {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    s.stop(options);
    expect(await flows).toBe(1);
    expect(s.summary).toMatchObject({ flows: 1, interrupted, packets: { read: 28 } });
    expect(input.destroyed).toBe(true);
  });
});

describe('progress events', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const files = ['443-curl.pcap', 'google_ssl.pcap', 'skype.pcap', '1kxun.pcap'].map(pcap);
  const total = files.reduce((n, f) => n + statSync(f).size, 0);

  it('onProgress: a snapshot at the start with every file\'s size, one per 150 ms, rising to 100 %, then none', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const events: RunProgress[] = [];
    const s = new NFStreamer({ source: files, nDissections: 0, onProgress: (p) => events.push(p) });
    const run = s.createRun();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ bytesRead: 0, bytesTotal: total, percent: 0, flowsOut: 0, done: false });
    let flows = 0;
    let steps = 0;
    while (!run.done) {
      run.step(500);
      flows += run.drain().length;
      steps++;
      vi.advanceTimersByTime(150);
    }
    expect(events).toHaveLength(steps + 1);
    vi.advanceTimersByTime(150); // the run's last tick reports it done
    const last = events.at(-1)!;
    expect(last).toMatchObject({ bytesRead: total, percent: 100, done: true, flowsOut: flows, etaMs: 0 });
    const percents = events.map((e) => e.percent!);
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1]!);
    expect(new Set(percents.map(Math.floor)).size).toBeGreaterThan(files.length);
    const count = events.length;
    vi.advanceTimersByTime(1500);
    expect(events).toHaveLength(count);
  });

  it('progress$ emits for each run until unsubscribed; stream sources have no total', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const s = new NFStreamer({ source: files[0]!, nDissections: 0 });
    expect(s.progress).toBeNull();
    const seen: RunProgress[] = [];
    const sub = s.progress$.subscribe((p) => seen.push(p));
    const n = [...s].length;
    // the last event (done) arrives when the run ends, not on the next tick of the timer
    expect(seen.map((p) => p.done)).toEqual([false, true]);
    expect(seen[1]).toMatchObject({ flowsOut: n, percent: 100, packetsRead: s.summary!.packets.read });
    vi.advanceTimersByTime(150);
    expect(seen).toHaveLength(2);
    sub.unsubscribe();
    [...s];
    vi.advanceTimersByTime(150);
    expect(seen).toHaveLength(2);
    expect(s.progress).toMatchObject({ done: true, percent: 100 });

    const { createReadStream } = await import('node:fs');
    const stream = new NFStreamer({ source: createReadStream(files[0]!), nDissections: 0 });
    const flows: NFlow[] = [];
    for await (const f of stream) flows.push(f);
    expect(stream.progress).toMatchObject({ bytesTotal: null, percent: null, etaMs: 0, bytesRead: statSync(files[0]!).size });
  });
});
