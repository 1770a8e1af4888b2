import type { SinkDefinition, SinkOptions } from '../flow-sink.js';
import { IPFIX_OPTION_FLAGS } from './ipfix-option-flags.js';

/**
 * The `ipfix` output format: `--format ipfix -o udp://HOST:PORT`. `check` validates the URL and
 * the `ipfix…` options before any packet is read; the encoder is loaded only when a run uses it.
 *
 * @example
 * ```ts
 * registerSink(ipfixSinkDefinition);
 * await streamer.export('ipfix', 'udp://127.0.0.1:4739', { ipfixMode: 'uniflow' });
 * ```
 */
export const ipfixSinkDefinition: SinkDefinition = {
  name: 'ipfix',
  description: 'IPFIX (RFC 7011) over UDP to a collector, -o udp://HOST:PORT (biflow RFC 5103 records, or --ipfix-mode uniflow)',
  target: 'url',
  schemes: ['udp:'],
  settings: IPFIX_OPTION_FLAGS,
  // the option and URL parsers (and node:dgram) load with the first check, not at start-up
  async check(target: string, options: SinkOptions): Promise<void> {
    const [{ parseUdpTarget }, { ipfixOptions, refuseAnonymisedAddresses }] = await Promise.all([import('./udp-target.js'), import('./ipfix-options.js')]);
    parseUdpTarget(target);
    ipfixOptions(options);
    refuseAnonymisedAddresses(options.anonymized, target);
  },
  async create(target: string, options: SinkOptions) {
    const { IpfixSink } = await import('./ipfix-sink.js');
    return new IpfixSink(target, options);
  },
};
