import type { SinkDefinition } from './flow-sink.js';

const registry = new Map<string, SinkDefinition>();

/**
 * Registers an output format under its `--format` name (the CLI's choices, its help text and
 * `streamer.export(name, …)` all come from here). Registering a name again replaces it.
 *
 * @example
 * ```ts
 * import type { FlowBatch } from '@flowstream/core';
 * import { NFStreamer, registerSink, type FlowSink } from '@flowstream/streamer';
 *
 * class CountSink implements FlowSink {
 *   readonly target = 'stdout';
 *   private flows = 0;
 *   async open() {}
 *   async write(batch: FlowBatch) { this.flows += batch.length; }
 *   async close() { console.log(`${this.flows} flows`); return { flows: this.flows, files: [] }; }
 *   async abort() {}
 * }
 * registerSink({ name: 'count', description: 'print the number of flows', target: 'none', create: async () => new CountSink() });
 * await new NFStreamer({ source: 'capture.pcap' }).export('count', '');
 * ```
 */
export function registerSink(definition: SinkDefinition): void {
  registry.set(definition.name, definition);
}

/**
 * The definition of format `name`; throws a RangeError listing the known formats.
 *
 * @example
 * ```ts
 * import { sinkDefinition } from '@flowstream/streamer';
 *
 * const parquet = sinkDefinition('parquet');
 * console.log(parquet.description, parquet.target); // … 'file'
 * const sink = await parquet.create('flows.parquet', { compression: 'zstd' });
 * ```
 */
export function sinkDefinition(name: string, option = 'format'): SinkDefinition {
  const d = registry.get(name);
  if (d === undefined) throw new RangeError(`Invalid option ${option}: expected one of ${sinkNames().join(', ')}, got ${JSON.stringify(name)}.`);
  return d;
}

/**
 * Registered format names, in registration order (the CLI's `--format` choices).
 *
 * @example
 * ```ts
 * import { sinkNames } from '@flowstream/streamer';
 *
 * sinkNames(); // ['csv', 'arrow', 'arrows', 'parquet', 'jsonl', 'none', 'nats', 'ipfix', …registered ones]
 * ```
 */
export function sinkNames(): string[] {
  return [...registry.keys()];
}

/** Registered formats, in registration order. */
export function sinkDefinitions(): SinkDefinition[] {
  return [...registry.values()];
}

/**
 * The format of an output whose format is not given: the one its URL scheme (`nats://…` → `nats`)
 * or its file name ending names (`live.jsonl` → `jsonl`), else `fallback`.
 *
 * @example formatOfTarget('snapshots.parquet', 'csv') // 'parquet'
 */
export function formatOfTarget(target: string, fallback: string): string {
  const lower = target.toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//.exec(lower)?.[1];
  for (const d of registry.values()) {
    if (scheme !== undefined ? d.schemes?.includes(scheme) : d.extensions?.some((e) => lower.endsWith(e))) return d.name;
  }
  return fallback;
}

/**
 * The format of a snapshot output: `given`, else its file name ending's, else the flows' format
 * (CSV when the flows go nowhere).
 */
export function snapshotFormat(given: string | null | undefined, target: string, flowsFormat: string): string {
  return given ?? formatOfTarget(target, flowsFormat === 'none' ? 'csv' : flowsFormat);
}
