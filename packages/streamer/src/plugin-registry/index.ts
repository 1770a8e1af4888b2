/**
 * Plugins by name for the CLI and config files (`--plugin splt:sequenceLength=10`,
 * `--plugin ./my-plugin.js#MyPlugin:limit=4`). Loads tsyringe and reflect-metadata: import it
 * lazily, only when plugins are requested.
 *
 * @example
 * ```ts
 * const { createPluginRegistry, parsePluginSpec } = await import('@flowstream/streamer/plugin-registry');
 * const plugin = await createPluginRegistry().resolve(parsePluginSpec('flow-slicer:limit=4'));
 * ```
 */
export { parsePluginSpec, formatPluginSpec, type PluginSpec } from './plugin-spec.js';
export {
  createPluginRegistry,
  registerBuiltinPlugins,
  type PluginRegistry,
  type PluginRegistryOptions,
  type PluginFactory,
  type PluginRegistration,
} from './plugin-registry.js';

export { pluginOrigin, stampPluginOrigin, PLUGIN_ORIGIN, type PluginOrigin } from './plugin-origin.js';
