import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NFPlugin, PluginError, type NFlow, type PluginPacket } from '@flowstream/core';
import { NFStreamer, NullSink } from '@flowstream/streamer';
import { createPluginRegistry } from '@flowstream/streamer/plugin-registry';
import { PCAPS } from './support/run-cli.js';
import { readdirSync } from 'node:fs';

const THROWER = join(import.meta.dirname, 'plugin-registry', 'fixtures', 'thrower-plugin.ts');

/** Counts packets in onInit/onUpdate; checks the counter against the meter at expiry. */
class PacketCounter extends NFPlugin {
  static override fields = [{ name: 'counted', type: 'int' as const }];
  mismatches = 0;
  cleanups = 0;
  override onInit(_p: PluginPacket, flow: NFlow) {
    flow.udps.counted = 1;
  }
  override onUpdate(_p: PluginPacket, flow: NFlow) {
    flow.udps.counted = (flow.udps.counted as number) + 1;
  }
  override onExpire(flow: NFlow) {
    if (flow.udps.counted !== flow.bidirectional_packets) this.mismatches++;
  }
  override cleanup() {
    this.cleanups++;
  }
}

class Thrower extends NFPlugin<{ at: 'onInit' | 'onUpdate' | 'onExpire'; after: number }> {
  declare at: 'onInit' | 'onUpdate' | 'onExpire';
  declare after: number;
  seen = 0;
  override onInit() {
    if (this.at === 'onInit' && ++this.seen > this.after) throw new Error('boom in init');
  }
  override onUpdate() {
    if (this.at === 'onUpdate' && ++this.seen > this.after) throw new Error('boom in update');
  }
  override onExpire() {
    if (this.at === 'onExpire' && ++this.seen > this.after) throw new Error('boom in expire');
  }
}

describe('NFPlugin contract', () => {
  it('options become properties; defaults apply; options are kept for manifests', () => {
    class Opt extends NFPlugin<{ limit?: number; name?: string }> {
      static override defaults = { limit: 4 };
      declare limit: number;
      declare name: string;
    }
    const a = new Opt({ name: 'x' });
    expect(a.limit).toBe(4);
    expect(a.name).toBe('x');
    expect(new Opt().limit).toBe(4);
    expect(new Opt({ limit: 1 }).options).toEqual({ limit: 1 });
  });

  it('a counting plugin agrees with bidirectional_packets on every dev capture; cleanup runs once', () => {
    for (const name of readdirSync(PCAPS)) {
      const counter = new PacketCounter();
      const s = new NFStreamer({ source: join(PCAPS, name), udps: [counter], nDissections: 0 });
      let flows = 0;
      for (const f of s) {
        flows++;
        expect(f.keys().at(-1)).toBe('udps.counted');
      }
      expect(counter.mismatches, name).toBe(0);
      expect(counter.cleanups, name).toBe(1);
      expect(s.summary!.flows).toBe(flows);
    }
  });

  it('plugin fields appear as udps.<name> columns, declared ones in the schema', () => {
    const s = new NFStreamer({ source: join(PCAPS, 'google_ssl.pcap'), udps: new PacketCounter(), nDissections: 0 });
    expect(s.schema.at(-1)).toMatchObject({ name: 'udps.counted', type: 'int' });
    const [f] = [...s];
    expect(f!.toJSON()['udps.counted']).toBe(28);
  });

  it('custom expiry (expiration_id = -1) cuts flows after the callback round', () => {
    class CutAt3 extends NFPlugin {
      override onUpdate(_p: PluginPacket, flow: NFlow) {
        if (flow.bidirectional_packets === 3) flow.expiration_id = -1;
      }
    }
    const flows = [...new NFStreamer({ source: join(PCAPS, 'google_ssl.pcap'), udps: [new CutAt3()], nDissections: 0 })];
    expect(flows.map((f) => f.bidirectional_packets)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3, 1]);
    expect(flows.slice(0, -1).every((f) => f.expiration_id === -1)).toBe(true);
  });

  it.each(['onInit', 'onUpdate', 'onExpire'] as const)('an error in %s ends the run with a PluginError after the flows emitted before', (at) => {
    const s = new NFStreamer({ source: join(PCAPS, 'skype.pcap'), udps: [new Thrower({ at, after: 50 })], nDissections: 0 });
    const seen: number[] = [];
    let error: unknown;
    try {
      for (const f of s) seen.push(f.id);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PluginError);
    const pe = error as PluginError;
    expect(pe.plugin).toBe('Thrower');
    expect(pe.callback).toBe(at);
    expect(pe.message).toContain('Thrower');
    expect((pe.cause as Error).message).toMatch(/boom/);
    expect(seen).toEqual([...seen.keys()]);
    if (at === 'onExpire') expect(pe.flowId).toBe(50);
    else expect(pe.message).toMatch(/for the flow \S+:\d+ -> \S+:\d+ protocol \d+ \(not yet emitted\)/);
    expect(s.summary).not.toBeNull();
  });

  it.each([1, 2])('with the addresses anonymized, a plugin error names no address (%i meters)', async (nMeters) => {
    const udps = [await createPluginRegistry().resolve({ module: THROWER, options: { after: 40 } })];
    const plain = await new NFStreamer({ source: join(PCAPS, 'skype.pcap'), udps, nDissections: 0, nMeters })
      .writeTo(new NullSink())
      .catch((e: unknown) => e);
    // the error keeps its class and fields across threads, and names the flow by its endpoints
    expect(plain).toBeInstanceOf(PluginError);
    expect((plain as PluginError).message).toMatch(/for the flow \d+\.\d+\.\d+\.\d+:\d+ -> \d+\.\d+\.\d+\.\d+:\d+ protocol \d+ \(not yet emitted\): boom in update/);
    const hidden = await new NFStreamer({ source: join(PCAPS, 'skype.pcap'), udps, nDissections: 0, nMeters })
      .writeTo(new NullSink(), { columnsToAnonymize: ['src_ip', 'dst_ip'] })
      .catch((e: unknown) => e);
    expect(hidden).toBeInstanceOf(PluginError);
    expect((hidden as PluginError).message).toBe('plugin ThrowerPlugin failed in onUpdate for the flow whose addresses are anonymized (not yet emitted): boom in update');
    expect((hidden as PluginError).flow).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
  });

  it('a plugin error names no value of a hashed column: ports, protocol, id, and its own text loses the flow\'s addresses', async () => {
    class Telling extends NFPlugin<{ at: 'onUpdate' | 'onExpire' }> {
      declare at: 'onUpdate' | 'onExpire';
      override onUpdate(_p: PluginPacket, flow: NFlow) {
        if (this.at === 'onUpdate') throw new Error(`bad flow ${flow.src_ip} -> ${flow.dst_ip}`);
      }
      override onExpire(flow: NFlow) {
        if (this.at === 'onExpire') throw new Error(`bad flow ${flow.src_ip} -> ${flow.dst_ip}`);
      }
    }
    const fail = (at: 'onUpdate' | 'onExpire', columnsToAnonymize: string[]) =>
      new NFStreamer({ source: join(PCAPS, 'skype.pcap'), udps: [new Telling({ at })], nDissections: 0 })
        .writeTo(new NullSink(), { columnsToAnonymize })
        .catch((e: unknown) => e as PluginError);
    const ports = await fail('onUpdate', ['src_port', 'dst_port']);
    expect(ports.message).toMatch(/^plugin Telling failed in onUpdate for the flow whose ports are anonymized \(not yet emitted\): bad flow \d+\.\d+\.\d+\.\d+ -> /);
    expect(ports.flow).toBe('whose ports are anonymized');
    const id = await fail('onExpire', ['id']);
    expect(id.flowId).toBe(-1);
    expect(id.message).toMatch(/^plugin Telling failed in onExpire for the flow \S+:\d+ -> \S+:\d+ protocol \d+ \(not yet emitted\): bad flow /);
    const both = await fail('onExpire', ['id', 'protocol']);
    expect(both.message).toMatch(/^plugin Telling failed in onExpire for the flow whose ports are anonymized \(not yet emitted\): bad flow \d/);
    for (const at of ['onUpdate', 'onExpire'] as const) {
      const addresses = await fail(at, ['src_ip', 'dst_ip']);
      expect(addresses.message).toMatch(/: bad flow <anonymized address> -> <anonymized address>$/);
      expect((addresses.cause as Error).message).toBe('bad flow <anonymized address> -> <anonymized address>');
    }
  });

  it('with parallel meters, an error in onExpire names the flow by its endpoints (a worker meter\'s flow id is not the output\'s)', async () => {
    const udps = [await createPluginRegistry().resolve({ module: THROWER, options: { after: 20, at: 'onExpire' } })];
    const err = await new NFStreamer({ source: join(PCAPS, 'skype.pcap'), udps, nDissections: 0, nMeters: 2 })
      .writeTo(new NullSink())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect((err as PluginError).flowId).toBe(-1);
    expect((err as PluginError).message).toMatch(/^plugin ThrowerPlugin failed in onExpire for the flow \S+:\d+ -> \S+:\d+ protocol \d+ \(not yet emitted\): boom in expire$/);
  });

  it('async iteration surfaces plugin errors too (no hang)', async () => {
    const s = new NFStreamer({ source: join(PCAPS, 'skype.pcap'), udps: [new Thrower({ at: 'onUpdate', after: 10 })], nDissections: 0 });
    await expect(async () => {
      for await (const _ of s) void _;
    }).rejects.toBeInstanceOf(PluginError);
  });

  it('rejects classes and functions as udps', () => {
    expect(() => new NFStreamer({ source: join(PCAPS, 'google_ssl.pcap'), udps: PacketCounter as never })).toThrow(TypeError);
    expect(() => new NFStreamer({ source: join(PCAPS, 'google_ssl.pcap'), udps: [PacketCounter] as never })).toThrow(/NFPlugin instances/);
  });
});
