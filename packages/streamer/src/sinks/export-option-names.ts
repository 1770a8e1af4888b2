import { unknownOptionError } from '@flowstream/core/internal';
import type { ExportOptions, WriteOptions } from './export-options.js';
import type { SinkDefinition } from './flow-sink.js';
import { sinkDefinitions } from './sink-registry.js';

/** The keys a type declares, without its index signature. */
type DeclaredKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/** The options of every export, whatever the format: the names `ExportOptions` declares. */
const GENERAL_OPTIONS = [
  'columns',
  'columnsToAnonymize',
  'anonymizeKey',
  'inputHash',
  'observe',
  'snapshotSink',
  'snapshotColumns',
  'flowsPerFile',
  'rotateFiles',
  'batchSize',
  'snapshotOutput',
  'snapshotFormat',
  'warn',
] as const satisfies readonly DeclaredKeys<ExportOptions>[];

/** Options `ExportOptions` types for its users that one format reads, as its setting (`SinkDefinition.settings`). */
const FORMAT_SETTINGS = ['compression'] as const satisfies readonly DeclaredKeys<ExportOptions>[];

// a compile error names any option ExportOptions declares and the lists above lack
type Unlisted = Exclude<DeclaredKeys<ExportOptions>, (typeof GENERAL_OPTIONS)[number] | (typeof FORMAT_SETTINGS)[number]>;
const listsEveryOption: [Unlisted] extends [never] ? true : Unlisted = true;
void listsEveryOption;

/** The options of `writeTo`: the names `WriteOptions` declares. */
export const WRITE_OPTIONS = ['columns', 'columnsToAnonymize', 'anonymizeKey', 'inputHash', 'observe', 'snapshotSink', 'snapshotColumns'] as const satisfies readonly DeclaredKeys<WriteOptions>[];
type UnlistedWrite = Exclude<DeclaredKeys<WriteOptions>, (typeof WRITE_OPTIONS)[number]>;
const listsEveryWriteOption: [UnlistedWrite] extends [never] ? true : UnlistedWrite = true;
void listsEveryWriteOption;

/**
 * Refuses an option `allowed` does not name: a misspelt or misplaced one (`columnToAnonymize`, or
 * `columns` for snapshots) would otherwise be ignored silently, and with it, say, anonymisation.
 * The error names the option and the allowed names.
 *
 * @example
 * ```ts
 * checkOptionNames({ columnsToAnonymize: ['src_ip'] }, WRITE_OPTIONS); // ok
 * checkOptionNames({ anonymize: ['src_ip'] }, WRITE_OPTIONS); // TypeError naming anonymize
 * ```
 */
export function checkOptionNames(options: object, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !allowed.includes(key)) throw unknownOptionError(key, value, [...allowed].sort());
  }
}

/**
 * Refuses an export option that no output of the export reads: not a general option, nor a
 * setting its formats declare (`SinkDefinition.settings`). A misspelt name, or another format's
 * setting (`compression` on a CSV export), would otherwise be ignored silently. The error names
 * the option and the allowed names, or the formats that read it. Formats that do not declare
 * their settings (registered by users) may read any name: then nothing is refused.
 *
 * @example
 * ```ts
 * checkExportOptionNames({ flowsPerFile: 10 }, [sinkDefinition('csv')]); // ok
 * checkExportOptionNames({ flowsPerFIle: 10 }, [sinkDefinition('csv')]); // TypeError naming flowsPerFIle
 * checkExportOptionNames({ compression: 'zstd' }, [sinkDefinition('csv')]); // TypeError: a parquet setting
 * ```
 */
export function checkExportOptionNames(options: object, definitions: readonly SinkDefinition[]): void {
  const general = new Set<string>(GENERAL_OPTIONS);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || general.has(key) || definitions.some((d) => readsSetting(d, key))) continue;
    const owners = formatsDeclaring(key);
    if (owners.length > 0) throw new TypeError(`Invalid option ${key}: a setting of the ${owners.join(' and ')} format, and this export writes ${definitions.map((d) => d.name).join(' and ')}.`);
    const allowed = new Set(general);
    for (const d of definitions) for (const name of Object.keys(d.settings ?? {})) allowed.add(name);
    throw unknownOptionError(key, value, [...allowed].sort());
  }
}

/**
 * The registered formats that declare `key` as one of their settings (`compression`: parquet).
 *
 * @example
 * ```ts
 * formatsDeclaring('ipfixRate'); // ['ipfix']
 * ```
 */
export function formatsDeclaring(key: string): string[] {
  return sinkDefinitions()
    .filter((d) => d.settings?.[key] !== undefined)
    .map((d) => d.name);
}

/**
 * True when an output in `definition`'s format reads `key` as one of its settings; a format that
 * declares no settings may read any name.
 *
 * @example
 * ```ts
 * readsSetting(sinkDefinition('ipfix'), 'ipfixRate'); // true
 * readsSetting(sinkDefinition('csv'), 'ipfixRate');   // false
 * ```
 */
export function readsSetting(definition: SinkDefinition, key: string): boolean {
  return definition.settings === undefined || definition.settings[key] !== undefined;
}
