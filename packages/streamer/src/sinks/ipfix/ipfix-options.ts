import type { SinkOptions } from '../flow-sink.js';
import { DEFAULT_FLOWSTREAM_PEN } from './information-elements.js';
import type { IpfixMode } from './templates.js';
import type { IPFIX_OPTION_FLAGS } from './ipfix-option-flags.js';
import { IP_COLUMNS } from '../transform/address-columns.js';

/** The IPFIX settings of a run, read from the sink options bag (CLI: `--ipfix-…`). */
export interface IpfixOptions {
  /** `biflow` (default): one RFC 5103 record per flow; `uniflow`: a record per direction. */
  readonly mode: IpfixMode;
  /** PEN of flowstream's enterprise elements (default 32473, RFC 5612's documentation PEN). */
  readonly pen: number;
  /** Observation domain id of every message (default 1). */
  readonly observationDomainId: number;
  /** Largest message in bytes (default 1400: fits a 1500-byte path MTU with IP/UDP headers). */
  readonly maxMessageSize: number;
  /** Re-send templates after this many messages (default 100; 0 = not by count). */
  readonly templateRefreshMessages: number;
  /** … or after this many seconds (default 30; 0 = not by time). */
  readonly templateRefreshSeconds: number;
  /** Messages per second (default 10000; 0 = unpaced). */
  readonly rate: number;
  /** Messages sent back to back before pacing waits (default 16). */
  readonly burst: number;
}

/**
 * Defaults of {@link IpfixOptions}.
 *
 * @example IPFIX_DEFAULTS.maxMessageSize === 1400
 */
export const IPFIX_DEFAULTS: IpfixOptions = {
  mode: 'biflow',
  pen: DEFAULT_FLOWSTREAM_PEN,
  observationDomainId: 1,
  maxMessageSize: 1400,
  templateRefreshMessages: 100,
  templateRefreshSeconds: 30,
  rate: 10000,
  burst: 16,
};

function integer(options: SinkOptions, key: keyof typeof IPFIX_OPTION_FLAGS, fallback: number, min: number, max: number): number {
  const raw = options[key];
  if (raw === undefined) return fallback;
  const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`Invalid option ${key}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}.`);
  }
  return v;
}

/**
 * Reads and checks the IPFIX options (`ipfixMode`, `ipfixPen`, `ipfixObservationDomain`,
 * `ipfixMaxMessageSize`, `ipfixTemplateRefresh`, `ipfixTemplateRefreshSeconds`, `ipfixRate`,
 * `ipfixBurst`);
 * a RangeError names the option and the allowed values.
 *
 * @example ipfixOptions({ ipfixMode: 'uniflow' }).mode === 'uniflow'
 */
export function ipfixOptions(options: SinkOptions): IpfixOptions {
  const mode = options['ipfixMode'] ?? IPFIX_DEFAULTS.mode;
  if (mode !== 'biflow' && mode !== 'uniflow') throw new RangeError(`Invalid option ipfixMode: expected one of biflow, uniflow, got ${JSON.stringify(mode)}.`);
  const d = IPFIX_DEFAULTS;
  return {
    mode,
    pen: integer(options, 'ipfixPen', d.pen, 1, 0xffffffff),
    observationDomainId: integer(options, 'ipfixObservationDomain', d.observationDomainId, 0, 0xffffffff),
    maxMessageSize: integer(options, 'ipfixMaxMessageSize', d.maxMessageSize, 256, 65535),
    templateRefreshMessages: integer(options, 'ipfixTemplateRefresh', d.templateRefreshMessages, 0, 0xffffffff),
    templateRefreshSeconds: integer(options, 'ipfixTemplateRefreshSeconds', d.templateRefreshSeconds, 0, 86400),
    rate: integer(options, 'ipfixRate', d.rate, 0, 10_000_000),
    burst: integer(options, 'ipfixBurst', d.burst, 1, 65535),
  };
}

/**
 * Refuses anonymised address columns: an address element holds an address, not a keyed hash.
 *
 * @example refuseAnonymisedAddresses(['src_mac'], 'udp://…') // ok: a hashed MAC goes as a string
 */
export function refuseAnonymisedAddresses(anonymized: readonly string[] | undefined, target: string): void {
  const bad = (anonymized ?? []).filter((c) => IP_COLUMNS.includes(c));
  if (bad.length > 0) {
    throw new RangeError(
      `${target}: IPFIX cannot export anonymised ${bad.join(' and ')}: address elements hold addresses, not hashes. Drop ${bad.join('/')} from the columns to anonymise (other columns are hashed and sent as strings), or use another format.`,
    );
  }
}
