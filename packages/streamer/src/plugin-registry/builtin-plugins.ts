import type { NFPlugin } from '@flowstream/core';
import { DHCP, FlowSlicer, JA4, MDNS, SPLT, WFPlugin } from '@flowstream/plugins';
import { CovertMarkWindows } from '@flowstream/plugins/covertmark';

/** A plugin class and the defaults of its options (every built-in has one for each option, so `--plugin wf` works as is). */
export type BuiltinPluginClass = (new (options: never) => NFPlugin) & { defaults: Record<string, unknown> };

/**
 * The built-in plugins under their CLI names: `splt`, `flow-slicer`, `dhcp`, `mdns`, `ja4`, `wf`
 * (alias `wavelet-features`) and `covertmark-windows` (see `registerBuiltinPlugins`).
 */
export const BUILTIN_PLUGINS: readonly { readonly names: readonly string[]; readonly plugin: BuiltinPluginClass }[] = [
  { names: ['splt'], plugin: SPLT },
  { names: ['flow-slicer'], plugin: FlowSlicer },
  { names: ['dhcp'], plugin: DHCP },
  { names: ['mdns'], plugin: MDNS },
  { names: ['ja4'], plugin: JA4 },
  { names: ['wf', 'wavelet-features'], plugin: WFPlugin },
  { names: ['covertmark-windows'], plugin: CovertMarkWindows },
];
