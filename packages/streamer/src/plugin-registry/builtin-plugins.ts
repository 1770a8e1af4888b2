import type { NFPlugin } from '@flowstream/core';
import { DHCP, FlowSlicer, JA4, MDNS, SPLT, WFPlugin } from '@flowstream/plugins';
import { CovertMarkWindows } from '@flowstream/plugins/covertmark';
import type { PluginRegistry } from './plugin-registry.js';

type PluginClass = (new (options: never) => NFPlugin) & { defaults: Record<string, unknown> };

/** Accepted option names: the class's defaults plus options that have no default. */
function optionNames(plugin: PluginClass, required: readonly string[] = []): string[] {
  return [...new Set([...Object.keys(plugin.defaults), ...required])];
}

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
  const add = (names: string[], plugin: PluginClass, required: readonly string[] = []) => {
    const options = optionNames(plugin, required);
    const factory = (o: Record<string, unknown>) => new plugin(o as never);
    for (const name of names) registry.register(name, factory, { options });
  };
  add(['splt'], SPLT);
  add(['flow-slicer'], FlowSlicer, ['limit']);
  add(['dhcp'], DHCP);
  add(['mdns'], MDNS);
  add(['ja4'], JA4);
  add(['wf', 'wavelet-features'], WFPlugin, ['activeTimeout', 'levels']);
  add(['covertmark-windows'], CovertMarkWindows);
}
