import type { SinkDefinition } from './flow-sink.js';

const registry = new Map<string, SinkDefinition>();

/**
 * Registers an output format under its `--format` name (the CLI's choices, its help text and
 * `streamer.export(name, …)` all come from here). Registering a name again replaces it.
 *
 * @example
 * ```ts
 * registerSink({ name: 'count', description: 'print the number of flows', target: 'none',
 *   async create() { return new CountSink(); } });
 * ```
 */
export function registerSink(definition: SinkDefinition): void {
  registry.set(definition.name, definition);
}

/** The definition of format `name`; throws a RangeError listing the known formats. */
export function sinkDefinition(name: string, option = 'format'): SinkDefinition {
  const d = registry.get(name);
  if (d === undefined) throw new RangeError(`Invalid option ${option}: expected one of ${sinkNames().join(', ')}, got ${JSON.stringify(name)}.`);
  return d;
}

/** Registered format names, in registration order. */
export function sinkNames(): string[] {
  return [...registry.keys()];
}

/** Registered formats, in registration order. */
export function sinkDefinitions(): SinkDefinition[] {
  return [...registry.values()];
}

/**
 * The format of an output whose format is not given: the one its file name ending names
 * (`live.jsonl` → `jsonl`), else `fallback`.
 *
 * @example formatOfTarget('snapshots.parquet', 'csv') // 'parquet'
 */
export function formatOfTarget(target: string, fallback: string): string {
  const lower = target.toLowerCase();
  for (const d of registry.values()) if (d.extensions?.some((e) => lower.endsWith(e))) return d.name;
  return fallback;
}

/**
 * The format of a snapshot output: `given`, else its file name ending's, else the flows' format
 * (CSV when the flows go nowhere).
 */
export function snapshotFormat(given: string | null | undefined, target: string, flowsFormat: string): string {
  return given ?? formatOfTarget(target, flowsFormat === 'none' ? 'csv' : flowsFormat);
}
