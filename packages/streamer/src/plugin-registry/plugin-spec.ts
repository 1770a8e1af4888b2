import { parseOptionValue, formatOptionValue } from './option-value.js';

/**
 * A plugin to build, as plain data (JSON-serialisable, so workers can rebuild the plugin):
 * `module` is a registry name (`splt`), a file path (`./my-plugin.js`, optionally
 * `./my-plugin.js#ExportName`) or a module specifier; `options` go to the plugin's constructor.
 *
 * @example
 * ```ts
 * const spec: PluginSpec = { module: 'flow-slicer', options: { limit: 4 } };
 * ```
 */
export interface PluginSpec {
  readonly module: string;
  readonly options: Readonly<Record<string, unknown>>;
}

const KEY = /^[A-Za-z_$][\w$]*$/;

/**
 * Parses the CLI/config text form `module[:key=value[,key=value…]]`. Values that look like a
 * number, `true`/`false`/`null` or JSON (`[…]`, `{…}`, `"…"`) are parsed as such, anything else
 * is a string; commas inside JSON values do not split options. Option names are kept as written
 * (the plugin's own names, e.g. `sequenceLength`). The first `:` after an optional URL scheme
 * (`file:///…`) or Windows drive (`C:\…`) separates the module from the options.
 *
 * @throws SyntaxError naming the text when it is malformed.
 * @example
 * ```ts
 * parsePluginSpec('splt:sequenceLength=10,accountingMode=1');
 * // { module: 'splt', options: { sequenceLength: 10, accountingMode: 1 } }
 * parsePluginSpec('./my-plugin.js#Counter:labels=["a","b"]');
 * // { module: './my-plugin.js#Counter', options: { labels: ['a', 'b'] } }
 * ```
 */
export function parsePluginSpec(text: string): PluginSpec {
  if (typeof text !== 'string') throw new TypeError(`plugin spec must be a string, got ${typeof text}`);
  const trimmed = text.trim();
  const separator = trimmed.indexOf(':', prefixLength(trimmed));
  const module = (separator < 0 ? trimmed : trimmed.slice(0, separator)).trim();
  if (module === '') throw new SyntaxError(`plugin spec '${text}': missing plugin name or module before ':'`);
  const options: Record<string, unknown> = {};
  if (separator >= 0) {
    for (const item of splitTopLevel(trimmed.slice(separator + 1), text)) {
      if (item.trim() === '') continue;
      const eq = item.indexOf('=');
      const key = (eq < 0 ? item : item.slice(0, eq)).trim();
      if (eq < 0 || !KEY.test(key)) {
        throw new SyntaxError(`plugin spec '${text}': expected key=value options after ':', got '${item.trim()}'`);
      }
      if (Object.hasOwn(options, key)) throw new SyntaxError(`plugin spec '${text}': option '${key}' given twice`);
      options[key] = parseOptionValue(item.slice(eq + 1).trim(), `plugin spec '${text}', option '${key}'`);
    }
  }
  return { module, options };
}

/**
 * The text form of a spec, accepted back by {@link parsePluginSpec} (for messages and manifests).
 *
 * @example
 * ```ts
 * formatPluginSpec({ module: 'splt', options: { sequenceLength: 10 } }); // 'splt:sequenceLength=10'
 * ```
 */
export function formatPluginSpec(spec: PluginSpec): string {
  const entries = Object.entries(spec.options ?? {});
  if (entries.length === 0) return spec.module;
  return `${spec.module}:${entries.map(([k, v]) => `${k}=${formatOptionValue(v)}`).join(',')}`;
}

/** Characters of a URL scheme (`file://`) or Windows drive (`C:\`) to skip before looking for ':'. */
function prefixLength(text: string): number {
  const url = /^[A-Za-z][A-Za-z0-9+.-]+:\/\//.exec(text);
  if (url) return url[0].length;
  return /^[A-Za-z]:[\\/]/.test(text) ? 2 : 0;
}

/** Splits on commas outside JSON brackets and strings. */
function splitTopLevel(text: string, spec: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (inString || depth !== 0) throw new SyntaxError(`plugin spec '${spec}': unbalanced quotes or brackets in options`);
  parts.push(text.slice(start));
  return parts;
}
