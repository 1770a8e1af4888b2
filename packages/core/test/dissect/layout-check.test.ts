import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NDPI42_CONFIDENCE, NDPI_LAYOUT, NDPI_PROTO } from '../../src/dissect/ndpi-layout.js';

// Compiles src/dissect/layout-check.c against the installed nDPI headers and compares every
// offset/size/value the binding relies on with the TypeScript constants. Needs gcc and
// libndpi-dev; skipped without them, except with CI=true where it must run.
const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '../../src/dissect/layout-check.c');
const HEADERS = '/usr/include/ndpi';

function hasGcc(): boolean {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const missing = [hasGcc() ? null : 'gcc', existsSync(join(HEADERS, 'ndpi_api.h')) ? null : 'libndpi-dev headers'].filter(
  (m) => m !== null,
);
const skip = missing.length > 0 && process.env.CI !== 'true';
const title = skip ? `nDPI layout check (skipped: missing ${missing.join(', ')})` : 'nDPI layout check';

describe.skipIf(skip)(title, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ndpi-layout-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let lines: [string, number][] | undefined;
  function output(): [string, number][] {
    if (lines === undefined) {
      const exe = join(dir, 'layout-check');
      execFileSync('gcc', ['-Wall', '-Werror', `-I${HEADERS}`, SOURCE, '-o', exe, '-lndpi']);
      const out = execFileSync(exe, { encoding: 'utf8' });
      lines = out.trim().split('\n').map((l) => l.split(' ') as [string, string]).map(([k, v]) => [k, Number(v)]);
    }
    return lines;
  }
  function layout(): Map<string, number> {
    return new Map(output());
  }

  it('headers and shared library agree with each other', () => {
    const c = layout();
    expect(c.get('lib_sizeof_flow_struct')).toBe(c.get('sizeof_flow_struct'));
    expect(c.get('api_version')).toBe(NDPI_LAYOUT.apiVersion);
  });

  it('struct layouts match ndpi-layout.ts', () => {
    const c = layout();
    const expected: [string, number][] = [
      ['sizeof_flow_struct', NDPI_LAYOUT.sizeofFlowStruct],
      ['sizeof_protocol_bitmask', NDPI_LAYOUT.sizeofProtocolBitmask],
      ['sizeof_ndpi_protocol', NDPI_LAYOUT.sizeofNdpiProtocol],
      ['ndpi_protocol.master_protocol', 0],
      ['ndpi_protocol.app_protocol', 2],
      ['ndpi_protocol.category', 4],
      ['sizeof_protocol_match_result', NDPI_LAYOUT.sizeofProtocolMatchResult],
      ['sizeof_confidence', 4],
      ['sizeof_category', 4],
      ['detected_protocol_stack', NDPI_LAYOUT.detectedProtocolStack],
      ['guessed_protocol_id', NDPI_LAYOUT.guessedProtocolId],
      ['guessed_host_protocol_id', NDPI_LAYOUT.guessedHostProtocolId],
      ['confidence', NDPI_LAYOUT.confidence],
      ['category', NDPI_LAYOUT.category],
      ['host_server_name', NDPI_LAYOUT.hostServerName],
      ['sizeof_host_server_name', NDPI_LAYOUT.hostServerNameSize],
      ['http.content_type', NDPI_LAYOUT.httpContentType],
      ['http.user_agent', NDPI_LAYOUT.httpUserAgent],
      ['protos.tls_quic.ja3_client', NDPI_LAYOUT.ja3Client],
      ['protos.tls_quic.ja3_server', NDPI_LAYOUT.ja3Server],
      ['tls_quic_flags_byte', NDPI_LAYOUT.tlsQuicFlags],
      ['tls_quic_subprotocol_detected_mask', NDPI_LAYOUT.tlsSubprotocolDetectedMask],
      ['protos.ssh.hassh_client', NDPI_LAYOUT.hasshClient],
      ['protos.ssh.hassh_server', NDPI_LAYOUT.hasshServer],
      ['protos.dhcp.fingerprint', NDPI_LAYOUT.dhcpFingerprint],
      ['sizeof_dhcp_fingerprint', NDPI_LAYOUT.dhcpFingerprintSize],
    ];
    expect(expected.map(([k]) => [k, c.get(k)])).toEqual(expected);
  });

  it('ndpi_free_flow_data frees exactly the pointers the dissector checks before calling it', () => {
    const freed = output().filter(([k]) => k === 'freed_pointer').map(([, v]) => v);
    expect(freed).toEqual([...NDPI_LAYOUT.freedPointers]);
  });

  it('enum values match', () => {
    const c = layout();
    for (const [k, v] of Object.entries(NDPI42_CONFIDENCE)) expect([k, c.get(`NDPI_CONFIDENCE_${k}`)]).toEqual([k, v]);
    const protos = Object.entries(NDPI_PROTO).filter(([k]) => k !== 'UNKNOWN');
    for (const [k, v] of protos) expect([k, c.get(`NDPI_PROTOCOL_${k}`)]).toEqual([k, v]);
  });
});
