import { accessSync, constants } from 'node:fs';
import type { SinkDefinition, SinkOptions } from '../flow-sink.js';
import { NATS_OPTION_FLAGS } from './nats-option-flags.js';

function readable(option: string, what: string, file: string | null): void {
  if (file === null) return;
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new RangeError(`Invalid option ${option}: expected a readable ${what}, got ${JSON.stringify(file)} (${(err as NodeJS.ErrnoException).code})`);
  }
}

/**
 * `--format nats`: flows to a NATS JetStream stream (see {@link NatsSink}). Register it with
 * `registerSink(natsSinkDefinition)`.
 *
 * @example
 * ```ts
 * const sink = await natsSinkDefinition.create('nats://127.0.0.1:4222/flows.berlin', { sensor: 'berlin' });
 * ```
 */
export const natsSinkDefinition: SinkDefinition = {
  name: 'nats',
  description: 'NATS JetStream: Arrow IPC (or --nats-encoding json) messages, acknowledged (-o nats://HOST:PORT/SUBJECT)',
  target: 'url',
  schemes: ['nats:', 'tls:'],
  // The end message carries the input hashes: a collector can tell which capture a run read.
  hashesInputs: true,
  settings: NATS_OPTION_FLAGS,
  // the target and settings parsers load with the first check: runs into other outputs never need them
  async check(target, options) {
    const [{ parseNatsTarget }, { natsSettings }] = await Promise.all([import('./nats-target.js'), import('./nats-settings.js')]);
    const option = targetOption(options);
    const { path } = parseNatsTarget(target, option);
    if (path !== '' && !/^[^.*>\s]+(\.[^.*>\s]+)*$/.test(path)) {
      throw new RangeError(`Invalid option ${option}: expected a subject without wildcards or empty tokens after the server (e.g. flows.berlin), got ${JSON.stringify(path)}`);
    }
    const { creds, tlsCa } = natsSettings(options);
    readable('natsCreds', 'credentials file', creds);
    readable('natsTlsCa', 'CA certificate file (PEM)', tlsCa);
  },
  async create(target, options) {
    const [{ NatsSink }, { parseNatsTarget }, { natsSettings }] = await Promise.all([import('./nats-sink.js'), import('./nats-target.js'), import('./nats-settings.js')]);
    const warn = options.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
    return new NatsSink(parseNatsTarget(target, targetOption(options)), natsSettings(options), warn);
  },
};

/** The option that named the target, for errors about it. */
function targetOption(options: SinkOptions): string {
  return options.targetOption ?? '-o';
}
