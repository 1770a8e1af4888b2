import type { FieldSpec } from '../flow/field-spec.js';
import type { NFPlugin } from './nfplugin.js';

/**
 * The `udps.*` columns the plugins declare, in plugin order. An instance `fields` (a plugin whose
 * columns depend on its options, e.g. WFPlugin) wins over the class's static list.
 *
 * @example pluginFields([new SPLT()]).map((f) => f.name) // ['udps.splt_direction', …]
 */
export function pluginFields(plugins: readonly NFPlugin[]): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const plugin of plugins) {
    for (const f of declaredFields(plugin)) out.push({ ...f, name: `udps.${f.name}`, nullable: f.nullable ?? true });
  }
  return out;
}

/**
 * The fields one plugin declares (without the `udps.` prefix): its instance `fields`, else its
 * class's static list; empty when it declares none.
 *
 * @example declaredFields(new JA4()).map((f) => f.name) // ['ja4']
 */
export function declaredFields(plugin: NFPlugin): readonly FieldSpec[] {
  const ctor = plugin.constructor as typeof NFPlugin & { fields?: readonly FieldSpec[] };
  return (plugin as unknown as { fields?: readonly FieldSpec[] }).fields ?? ctor.fields ?? [];
}
