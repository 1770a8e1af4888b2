import { NDPI42_CONFIDENCE } from './ndpi-layout.js';

/**
 * Protocol names that nDPI changed between the 4.2.0 release (Debian's libndpi4.2, what we load) and
 * the 4.7-dev revision NFStream 6.5.4 pins (`4bb851384`, 2023-02-02). Only renames of the *same*
 * protocol id are listed, each justified by nDPI's own history; protocols added after 4.2 (e.g.
 * `Line`, `Xiaomi`, `Cybersec`, `NAT-PMP`) cannot be emulated by renaming and are not here.
 *
 * - `SkypeCall` ⇒ `Skype_TeamsCall` (id 38): nDPI merged Skype and Teams detection and renamed the
 *   pair; 4.2 already calls id 125 `Skype_Teams`, the call id followed in the next release (4.4).
 * - `IPsec` ⇒ `IPSec` (id 79): spelling normalised in nDPI 4.4's protocol table.
 * - `Z39.50` ⇒ `Z3950` (id 260): the dot clashed with the `Master.App` separator of
 *   `ndpi_protocol2name`, so nDPI dropped it (4.4).
 * - `Hotmail` ⇒ `Outlook` (id 21): nDPI 4.4 renamed the Hotmail protocol (`NDPI_PROTOCOL_HOTMAIL` ⇒
 *   `NDPI_PROTOCOL_MS_OUTLOOK`) when Microsoft's mail service moved to outlook.com.
 */
export const NDPI_NAME_RENAMES: ReadonlyMap<string, string> = new Map([
  ['SkypeCall', 'Skype_TeamsCall'],
  ['IPsec', 'IPSec'],
  ['Z39.50', 'Z3950'],
  ['Hotmail', 'Outlook'],
]);

/** The name NFStream's nDPI uses for a protocol that nDPI 4.2 calls `name`. */
export function compatProtocolName(name: string): string {
  return NDPI_NAME_RENAMES.get(name) ?? name;
}

/**
 * NFStream's `application_confidence` numbering (spec §11, nDPI ≥ 4.4: 0 unknown, 1 match by port,
 * 2 nBPF, 3 DPI partial, 4 DPI partial cache, 5 DPI cache, 6 DPI) for a nDPI 4.2 `ndpi_confidence_t`
 * (0 unknown, 1 by port, 2 by IP, 3 DPI cache, 4 DPI).
 *
 * - 4.2 `MATCH_BY_IP` ⇒ 1: nDPI 4.4 dropped the by-IP value from the enum (IP matches became
 *   `protocol_by_ip`) and, up to the 4.7-dev NFStream pins, every give-up guess, by port or by IP,
 *   is reported as `MATCH_BY_PORT`; `MATCH_BY_IP` only came back in 4.8, as a new value (7).
 * - `DPI_CACHE` and `DPI` keep their meaning under new numbers; 4.2 has no partial-DPI states.
 * - Values this table does not know (a newer library) map to 0 rather than to a wrong meaning.
 */
export function compatConfidence(ndpi42: number): number {
  switch (ndpi42) {
    case NDPI42_CONFIDENCE.UNKNOWN:
      return 0;
    case NDPI42_CONFIDENCE.MATCH_BY_PORT:
    case NDPI42_CONFIDENCE.MATCH_BY_IP:
      return 1;
    case NDPI42_CONFIDENCE.DPI_CACHE:
      return 5;
    case NDPI42_CONFIDENCE.DPI:
      return 6;
    default:
      return 0;
  }
}
