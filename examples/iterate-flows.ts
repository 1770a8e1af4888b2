/**
 * Iterate the flows of a capture in a plain script, the way NFStream users write
 * `for flow in NFStreamer(source=...)`: print a few fields per flow, then the run's packet
 * accounting.
 *
 * Usage: npx tsx --conditions=source examples/iterate-flows.ts [CAPTURE] [MAX_PRINTED]
 *   (CAPTURE defaults to examples/sample.pcap; MAX_PRINTED to 20)
 */
import { fileURLToPath } from 'node:url';
import { NFStreamer } from '@flowstream/streamer';

const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' };

const source = process.argv[2] ?? fileURLToPath(new URL('sample.pcap', import.meta.url));
const maxPrinted = Number(process.argv[3] ?? 20);

// nDissections: 0 — nDPI is an optional native part; without it the nine nDPI columns are simply
// absent. Ask for it explicitly (e.g. nDissections: 20) when you need application names.
const streamer = new NFStreamer({ source, statisticalAnalysis: true, nDissections: 0 });

let count = 0;
// Synchronous iteration works for files (use `for await` for stdin, streams and interfaces).
// Every iteration is a fresh run: flow ids start at 0 again.
for (const flow of streamer) {
  count++;
  if (count > maxPrinted) continue; // keep iterating: the summary covers the whole capture
  const proto = PROTOCOLS[flow.protocol] ?? `proto ${flow.protocol}`;
  console.log(
    `#${flow.id} ${proto} ${flow.src_ip}:${flow.src_port} -> ${flow.dst_ip}:${flow.dst_port}`,
    `packets=${flow.bidirectional_packets} bytes=${flow.bidirectional_bytes}`,
    `duration=${flow.bidirectional_duration_ms}ms mean_ps=${flow.bidirectional_mean_ps.toFixed(1)}`,
    // expiration_id: 0 idle/end of capture, 1 active timeout, -1 cut by a plugin
    `expiration=${flow.expiration_id}`,
  );
}
if (count > maxPrinted) console.log(`… ${count - maxPrinted} more`);

// The summary exists once the run ended: packets read/processed/ignored (with reasons) and flows.
const summary = streamer.summary!;
console.log(`flows: ${count}`);
console.log(
  `packets: read=${summary.packets.read} processed=${summary.packets.processed} ignored=${summary.packets.ignored}`,
  JSON.stringify(summary.packets.ignoredByReason),
);
