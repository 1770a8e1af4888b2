import { describe, expect, it } from 'vitest';
import {
  categoryFollowsMaster,
  compatConfidence,
  compatLabel,
  compatProtocolName,
  NDPI_NAME_RENAMES,
} from '../../src/dissect/ndpi-compat.js';
import type { NdpiEvidence } from '../../src/dissect/ndpi-compat.js';

// Protocol ids / categories of nDPI 4.2 used below.
const DNS = 5;
const HTTP = 7;
const TLS = 91;
const QUIC = 188;
const STUN = 78;
const GOOGLE = 126;
const CLOUDFLARE = 220;
const WHATSAPP_CALL = 45;
const WEB = 5;
const NETWORK = 14;
const DEFAULT_CATEGORY: Record<number, number> = { [DNS]: NETWORK, [HTTP]: WEB, [TLS]: WEB, [QUIC]: WEB, [GOOGLE]: WEB };

function evidence(over: Partial<NdpiEvidence> = {}): NdpiEvidence {
  return {
    gaveUp: false,
    portGuess: 0,
    ipMatch: 0,
    dpiNamed: () => false,
    defaultCategory: (id) => DEFAULT_CATEGORY[id] ?? 0,
    ...over,
  };
}

describe('nDPI 4.2 ⇒ 4.7-dev compatibility', () => {
  it('maps 4.2 confidence values onto NFStream numbering (spec §11)', () => {
    expect([0, 1, 2, 3, 4].map(compatConfidence)).toEqual([0, 1, 1, 5, 6]);
    expect(compatConfidence(9)).toBe(0);
  });

  it('renames only the documented protocols', () => {
    expect(compatProtocolName('SkypeCall')).toBe('Skype_TeamsCall');
    expect(compatProtocolName('Z39.50')).toBe('Z3950');
    expect(compatProtocolName('IPsec')).toBe('IPSec');
    expect(compatProtocolName('Hotmail')).toBe('Outlook');
    expect(compatProtocolName('DCE_RPC')).toBe('RPC');
    expect(compatProtocolName('TLS')).toBe('TLS');
    expect(compatProtocolName('Skype_Teams')).toBe('Skype_Teams');
    for (const to of NDPI_NAME_RENAMES.values()) expect(to).not.toContain('.'); // '.' separates Master.App
  });

  it('DNS and clear-text mail masters impose their own category', () => {
    expect([DNS, 2, 3, 4].every(categoryFollowsMaster)).toBe(true);
    expect(categoryFollowsMaster(TLS)).toBe(false);
    const l = compatLabel({ master: DNS, app: 125, category: 10, confidence: 4, guessed: 0 }, evidence());
    expect(l).toEqual({ master: DNS, app: 125, category: NETWORK, confidence: 6, guessed: 0 });
  });

  it('a give-up guess keeps only its port part', () => {
    const tlsGoogle = { master: TLS, app: GOOGLE, category: WEB, confidence: 2, guessed: 1 };
    expect(compatLabel(tlsGoogle, evidence({ gaveUp: true, portGuess: TLS, ipMatch: GOOGLE }))).toEqual({
      master: 0,
      app: TLS,
      category: WEB,
      confidence: 1,
      guessed: 1,
    });
    const ipOnly = { master: 0, app: GOOGLE, category: WEB, confidence: 2, guessed: 1 };
    expect(compatLabel(ipOnly, evidence({ gaveUp: true, ipMatch: GOOGLE }))).toEqual({
      master: 0,
      app: 0,
      category: 0,
      confidence: 0,
      guessed: 0,
    });
  });

  it('a give-up that found nothing still reports a surviving port guess (QUIC)', () => {
    const none = { master: 0, app: 0, category: 0, confidence: 0, guessed: 0 };
    expect(compatLabel(none, evidence({ gaveUp: true, portGuess: QUIC }))).toEqual({
      master: 0,
      app: QUIC,
      category: WEB,
      confidence: 1,
      guessed: 1,
    });
    expect(compatLabel(none, evidence({ gaveUp: true }))).toEqual(none);
  });

  it('a detected flow keeps its label through give-up', () => {
    const http = { master: 0, app: HTTP, category: WEB, confidence: 4, guessed: 0 };
    expect(compatLabel(http, evidence({ gaveUp: true, portGuess: HTTP }))).toEqual({ ...http, confidence: 6 });
  });

  it('drops an IP-match sub-protocol that DPI did not name', () => {
    const tlsCf = { master: TLS, app: CLOUDFLARE, category: WEB, confidence: 4, guessed: 0 };
    expect(compatLabel(tlsCf, evidence({ ipMatch: CLOUDFLARE }))).toEqual({
      master: 0,
      app: TLS,
      category: WEB,
      confidence: 6,
      guessed: 0,
    });
    // named by the SNI / certificate: kept
    expect(compatLabel(tlsCf, evidence({ ipMatch: CLOUDFLARE, dpiNamed: () => true })).app).toBe(CLOUDFLARE);
    // not the IP match: kept
    expect(compatLabel(tlsCf, evidence({ ipMatch: GOOGLE })).app).toBe(CLOUDFLARE);
    // STUN's dissector chooses the call protocol from the address itself
    const stun = { master: STUN, app: WHATSAPP_CALL, category: 10, confidence: 4, guessed: 0 };
    expect(compatLabel(stun, evidence({ ipMatch: WHATSAPP_CALL })).app).toBe(WHATSAPP_CALL);
  });
});
