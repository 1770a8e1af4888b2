import { NDPI42_CONFIDENCE, NDPI_PROTO } from './ndpi-layout.js';

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
 * - `DCE_RPC` ⇒ `RPC` (id 127): renamed in nDPI 4.4 (`NDPI_PROTOCOL_RPC`), the dissector covering
 *   MS-RPC in general; same id, port 135 and category `RPC`.
 */
export const NDPI_NAME_RENAMES: ReadonlyMap<string, string> = new Map([
  ['SkypeCall', 'Skype_TeamsCall'],
  ['IPsec', 'IPSec'],
  ['Z39.50', 'Z3950'],
  ['Hotmail', 'Outlook'],
  ['DCE_RPC', 'RPC'],
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

/**
 * Masters whose own category is the flow's category whatever the sub-protocol, as nDPI 4.4+
 * decides in `ndpi_get_proto_category` (`category_depends_on_master`: DNS and the clear-text mail
 * protocols). A DNS query for a Skype host is name-resolution traffic (`DNS.Skype_Teams` ⇒
 * `Network`), not VoIP; nDPI 4.2 still gave the sub-protocol's category.
 */
export function categoryFollowsMaster(master: number): boolean {
  return master === NDPI_PROTO.DNS || master === NDPI_PROTO.MAIL_POP || master === NDPI_PROTO.MAIL_SMTP || master === NDPI_PROTO.MAIL_IMAP;
}

/** A flow's nDPI label: protocols, category, confidence and the guess flag. */
export interface NdpiLabel {
  master: number;
  app: number;
  category: number;
  confidence: number;
  guessed: number;
}

/** What nDPI 4.2 knew besides its label, needed to tell where the label came from. */
export interface NdpiEvidence {
  /** Whether the label comes from `ndpi_detection_giveup`. */
  gaveUp: boolean;
  /**
   * The protocol guessed from the ports: `flow->guessed_protocol_id` after give-up's checks, except
   * that a QUIC guess 4.2 dropped is kept (see {@link compatLabel}).
   */
  portGuess: number;
  /** `flow->guessed_host_protocol_id`: the protocol of the server's IP address. */
  ipMatch: number;
  /**
   * Whether DPI itself named `app` on top of `master`: the flow's host name (HTTP Host, DNS query,
   * TLS/QUIC SNI…) maps to `app`, or, for TLS-like masters, nDPI's `subprotocol_detected` flag
   * (set when a certificate name matched).
   */
  dpiNamed(master: number, app: number): boolean;
  /** nDPI's default category of protocol `id`. */
  defaultCategory(id: number): number;
}

/**
 * Turns nDPI 4.2's label (confidence in 4.2 numbering) into the label NFStream's nDPI 4.7-dev
 * gives (NFStream numbering). All rules come from nDPI 4.4's move of IP-address matches out of the
 * label into the separate `ndpi_protocol.protocol_by_ip` field: since then an IP match never names
 * the flow's application.
 *
 * 1. Give-up guesses: 4.2 stacks the IP match on the port guess (`TLS.Google`, or `Google` alone);
 *    4.7-dev reports the port guess only (`TLS`, confidence by-port) and, with no port guess,
 *    nothing (`Unknown`, not guessed, confidence 0). The category is that protocol's own. 4.2 also
 *    drops a UDP port guess whose dissector already excluded the flow when the protocol is in
 *    `is_udp_guessable_protocol` (QUIC, SNMP, NetFlow); later nDPI inverted that helper into
 *    `is_udp_not_guessable_protocol` (SNMP, NetFlow), so a QUIC port guess survives give-up.
 * 2. DPI results: 4.2's `ndpi_int_change_protocol` moves a detected protocol that can have a
 *    sub-protocol but got none to the master position and puts the IP match as the app (`TLS` ⇒
 *    `TLS.Cloudflare` on a Cloudflare address). When the app equals the IP match and DPI did not
 *    name it (see {@link NdpiEvidence.dpiNamed}), it came from that step and is dropped. STUN is
 *    exempt: its dissector picks the call sub-protocol from the IP match itself, in 4.7-dev too.
 * 3. {@link categoryFollowsMaster}.
 */
export function compatLabel(l: NdpiLabel, e: NdpiEvidence): NdpiLabel {
  let { master, app, category, guessed } = l;
  let confidence = compatConfidence(l.confidence);
  if (e.gaveUp && (guessed !== 0 || app === 0)) {
    guessed = 1;
    master = 0;
    app = e.portGuess;
    if (app === 0) return { master: 0, app: 0, category: 0, confidence: 0, guessed: 0 };
    category = e.defaultCategory(app);
    confidence = 1;
  } else if (app !== 0 && master !== 0 && master !== NDPI_PROTO.STUN && app === e.ipMatch && !e.dpiNamed(master, app)) {
    app = master;
    master = 0;
    category = e.defaultCategory(app);
  }
  if (categoryFollowsMaster(master)) category = e.defaultCategory(master);
  return { master, app, category, confidence, guessed };
}
