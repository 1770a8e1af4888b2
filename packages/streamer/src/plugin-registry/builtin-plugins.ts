import type { NFPlugin } from '@flowstream/core';
import { DHCP, FlowSlicer, JA4, MDNS, SPLT, WFPlugin } from '@flowstream/plugins';
import { CovertMarkWindows } from '@flowstream/plugins/covertmark';
import type { PluginRegistry } from './plugin-registry.js';

type PluginClass = (new (options: never) => NFPlugin) & { defaults: Record<string, unknown> };


/**
 * Registers the built-in plugins under their CLI names: `splt`, `flow-slicer`, `dhcp`, `mdns`,
 * `ja4`, `wf` (alias `wavelet-features`) and `covertmark-windows`.
 *
 * @example
 * ```ts
 * const registry = createPluginRegistry({ builtins: false });
 * registerBuiltinPlugins(registry);
 * ```
 */
export function registerBuiltinPlugins(registry: PluginRegistry): void {
  // every built-in has a default for each option (`--plugin wf` works as is): the defaults name them
  const add = (names: string[], plugin: PluginClass) => {
    const options = Object.keys(plugin.defaults);
    const factory = (o: Record<string, unknown>) => new plugin(o as never);
    for (const name of names) registry.register(name, factory, { options });
  };
  add(['splt'], SPLT);
  add(['flow-slicer'], FlowSlicer);
  add(['dhcp'], DHCP);
  add(['mdns'], MDNS);
  add(['ja4'], JA4);
  add(['wf', 'wavelet-features'], WFPlugin);
  add(['covertmark-windows'], CovertMarkWindows);
}
