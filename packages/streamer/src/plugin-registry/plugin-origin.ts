import type { PluginSpec } from './plugin-spec.js';

/**
 * The spec a plugin instance was built from, plus the directory relative modules resolved from:
 * enough for a meter worker to build its own instance (parallel meters, spec §7). Stamped by the
 * registry only on instances another registry can rebuild (built-ins, files, packages; not names
 * registered at run time).
 */
export interface PluginOrigin extends PluginSpec {
  readonly cwd: string;
}

/** Symbol property holding a plugin instance's {@link PluginOrigin} (global: survives duplicate module copies). */
export const PLUGIN_ORIGIN: unique symbol = Symbol.for('flowstream.plugin-origin') as never;

/** Records `origin` on `plugin` (non-enumerable, so it never shows in options or JSON). */
export function stampPluginOrigin<T extends object>(plugin: T, origin: PluginOrigin): T {
  Object.defineProperty(plugin, PLUGIN_ORIGIN, { value: Object.freeze({ ...origin }), enumerable: false, configurable: true });
  return plugin;
}

/**
 * The origin of a plugin instance, or null for instances made in code (they cannot be rebuilt in
 * a worker).
 *
 * @example
 * ```ts
 * const plugin = await createPluginRegistry().resolve({ module: 'splt', options: {} });
 * pluginOrigin(plugin); // { module: 'splt', options: {}, cwd: process.cwd() }
 * ```
 */
export function pluginOrigin(plugin: object): PluginOrigin | null {
  return ((plugin as { [PLUGIN_ORIGIN]?: PluginOrigin })[PLUGIN_ORIGIN] ?? null);
}
