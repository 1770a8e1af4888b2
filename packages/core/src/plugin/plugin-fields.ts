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
    const ctor = plugin.constructor as typeof NFPlugin & { fields?: readonly FieldSpec[] };
    const own = (plugin as unknown as { fields?: readonly FieldSpec[] }).fields;
    for (const f of own ?? ctor.fields ?? []) out.push({ ...f, name: `udps.${f.name}`, nullable: f.nullable ?? true });
  }
  return out;
}
