import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { NFlow, NFPlugin, PluginPacket } from '@flowstream/core';
import { DHCP, FlowSlicer, JA4, MDNS, SPLT, WFPlugin } from '@flowstream/plugins';
import { CovertMarkWindows } from '@flowstream/plugins/covertmark';
import { describe, expect, it } from 'vitest';
import { createPluginRegistry, parsePluginSpec } from '../../src/plugin-registry/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const resolve = (text: string, cwd = here) => createPluginRegistry({ cwd }).resolve(parsePluginSpec(text));

describe('plugin registry: built-ins', () => {
  it('registers the built-in names', () => {
    expect(createPluginRegistry().names()).toEqual([
      'covertmark-windows',
      'dhcp',
      'flow-slicer',
      'ja4',
      'mdns',
      'splt',
      'wavelet-features',
      'wf',
    ]);
    expect(createPluginRegistry({ builtins: false }).names()).toEqual([]);
  });

  it('builds each built-in with its options', async () => {
    const splt = await resolve('splt:sequenceLength=10,accountingMode=2');
    expect(splt).toBeInstanceOf(SPLT);
    expect([(splt as SPLT).sequenceLength, (splt as SPLT).accountingMode]).toEqual([10, 2]);
    expect(((await resolve('flow-slicer:limit=4')) as FlowSlicer).limit).toBe(4);
    expect(await resolve('dhcp')).toBeInstanceOf(DHCP);
    expect(await resolve('mdns')).toBeInstanceOf(MDNS);
    expect(await resolve('ja4')).toBeInstanceOf(JA4);
    const wf = (await resolve('wavelet-features:activeTimeout=120,levels=3')) as WFPlugin;
    expect(wf).toBeInstanceOf(WFPlugin);
    expect(wf.levels).toBe(3);
    expect(await resolve('wf:activeTimeout=60,levels=1')).toBeInstanceOf(WFPlugin);
    expect(((await resolve('covertmark-windows:windowSize=20')) as CovertMarkWindows).windowSize).toBe(20);
  });

  it('gives each resolve a fresh instance', async () => {
    const registry = createPluginRegistry();
    const spec = parsePluginSpec('dhcp');
    expect(await registry.resolve(spec)).not.toBe(await registry.resolve(spec));
  });

  it('rejects unknown names with a RangeError listing the registered ones', async () => {
    await expect(resolve('nope:a=1')).rejects.toThrow(RangeError);
    await expect(resolve('nope:a=1')).rejects.toThrow(/'nope'.*nope:a=1.*dhcp, flow-slicer, ja4/);
  });

  it('rejects unknown options of built-ins, hinting at camelCase', async () => {
    await expect(resolve('splt:sequence_length=10')).rejects.toThrow(/unknown option 'sequence_length'.*sequenceLength/);
    await expect(resolve('dhcp:x=1')).rejects.toThrow(RangeError);
  });

  it('builds every built-in without options (working defaults)', async () => {
    for (const name of ['splt', 'flow-slicer', 'dhcp', 'mdns', 'ja4', 'wf', 'wavelet-features', 'covertmark-windows']) {
      expect((await resolve(name)).constructor.name, name).toMatch(/^[A-Z]/);
    }
    expect((await resolve('wf')).options).toEqual({ activeTimeout: 1800, levels: 3 });
  });

  it('passes plugin constructor errors through', async () => {
    await expect(resolve('flow-slicer:limit=abc')).rejects.toThrow(/limit/);
    await expect(resolve('splt:sequenceLength=0')).rejects.toThrow(RangeError);
  });
});

describe('plugin registry: user plugins', () => {
  it('loads a default-export class relative to cwd, with options', async () => {
    const plugin = await resolve('./fixtures/counter-plugin.ts:field=n,start=5');
    expect(plugin).toBeInstanceOf(NFPlugin);
    const flow = new NFlow();
    plugin.onInit(new PluginPacket(), flow);
    expect(flow.udps).toEqual({ n: 6 });
  });

  it('loads named exports: classes, factories and async factories', async () => {
    expect((await resolve('./fixtures/counter-plugin.ts#Named')).constructor.name).toBe('Named');
    const fromFactory = await resolve('./fixtures/counter-plugin.ts#makeCounter:field=z');
    expect((fromFactory as unknown as { field: string }).field).toBe('factory_z');
    const fromAsync = await resolve('./fixtures/counter-plugin.ts#makeCounterAsync:field=q');
    expect((fromAsync as unknown as { field: string }).field).toBe('q');
    const absolute = await resolve(`${here}/fixtures/counter-plugin.ts`, '/');
    expect(absolute).toBeInstanceOf(NFPlugin);
  });

  it('rejects exports that do not produce an NFPlugin with a TypeError naming the spec', async () => {
    await expect(resolve('./fixtures/counter-plugin.ts#notAPlugin')).rejects.toThrow(
      /'\.\/fixtures\/counter-plugin\.ts#notAPlugin' did not produce an NFPlugin/,
    );
    await expect(resolve('./fixtures/counter-plugin.ts#aNumber')).rejects.toThrow(TypeError);
    await expect(resolve('./fixtures/counter-plugin.ts#Missing')).rejects.toThrow(/no export 'Missing'.*makeCounter/);
    await expect(resolve('./fixtures/no-default.ts')).rejects.toThrow(/no export 'default'.*something/);
    await expect(resolve('./fixtures/absent.ts')).rejects.toThrow(/cannot import/);
  });

  it('accepts registrations and rejects duplicates and bad names', async () => {
    const registry = createPluginRegistry({ builtins: false });
    registry.register('my-slicer', (o) => new FlowSlicer({ limit: Number(o.every ?? 2) }));
    expect(registry.names()).toEqual(['my-slicer']);
    expect(((await registry.resolve({ module: 'my-slicer', options: { every: 3 } })) as FlowSlicer).limit).toBe(3);
    expect(() => registry.register('my-slicer', () => new DHCP())).toThrow(/already registered/);
    expect(() => registry.register('MySlicer', () => new DHCP())).toThrow(/kebab-case/);
    registry.register('broken', () => ({}) as NFPlugin);
    await expect(registry.resolve({ module: 'broken', options: {} })).rejects.toThrow(TypeError);
    // registries are independent
    expect(createPluginRegistry({ builtins: false }).names()).toEqual([]);
  });
});
