import { NFPlugin } from '../plugin/nfplugin.js';

/** NFStream's callback names and ours. */
const RENAMES = [
  ['on_init', 'onInit'],
  ['on_update', 'onUpdate'],
  ['on_expire', 'onExpire'],
] as const;

/**
 * Rejects a plugin ported from NFStream that still defines `on_init`/`on_update`/`on_expire`
 * without the camelCase method: the meter would silently never call it.
 *
 * @example
 * ```ts
 * class Old extends NFPlugin { on_init() {} }
 * checkPluginMethodNames(new Old()); // TypeError: Invalid option udps: plugin Old defines on_init(); rename it to onInit() …
 * ```
 */
export function checkPluginMethodNames(plugin: NFPlugin): void {
  const p = plugin as unknown as Record<string, unknown>;
  for (const [snake, camel] of RENAMES) {
    // the base class's no-op means the plugin did not define the camelCase callback itself
    if (typeof p[snake] === 'function' && p[camel] === NFPlugin.prototype[camel]) {
      throw new TypeError(
        `Invalid option udps: plugin ${plugin.constructor.name} defines ${snake}(); rename it to ${camel}() ` +
          '(flowstream calls onInit, onUpdate and onExpire).',
      );
    }
  }
}
