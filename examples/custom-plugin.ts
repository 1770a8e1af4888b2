/**
 * A user plugin: a per-flow histogram of payload sizes (`udps.payload_hist`), plus a custom expiry
 * rule that cuts long flows into chunks of at most `maxPackets` packets and, optionally, emits a TCP
 * flow as soon as the connection closed (FIN seen in both directions, or an RST) instead of
 * waiting for the idle timeout.
 *
 * Usage: npx tsx --conditions=source examples/custom-plugin.ts [CAPTURE] [--max-packets N (default 50, 0 = off)] [--cut-on-close]
 * From the CLI: flowstream CAPTURE --plugin './examples/custom-plugin.ts#PayloadHistogram:maxPackets=10'
 *   (a .ts plugin needs the CLI to run under tsx; compile it to .js for plain node)
 *
 * Importing this module only defines the plugin: the demo below runs when it is the main script.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { NFPlugin, type FieldSpec, type NFlow, type PluginPacket } from '@flowstream/core';
import { NFStreamer } from '@flowstream/streamer';

export interface PayloadHistogramOptions {
  /**
   * Upper bounds (exclusive) of the bins, increasing. With `[1, 128, 1024]` the bins are
   * `[0,1)` (empty payloads: pure ACKs…), `[1,128)`, `[128,1024)` and `[1024,∞)`.
   */
  bounds?: number[];
  /** Emit the flow once it has this many packets (0 = never; like NFStream's FlowSlicer). */
  maxPackets?: number;
  /** Emit a TCP flow when both sides sent a FIN, or on an RST. */
  cutOnClose?: boolean;
}

/** Per-flow TCP close state, kept outside the flow so it is not exported as a column. */
const FIN_SRC2DST = 1;
const FIN_DST2SRC = 2;

export class PayloadHistogram extends NFPlugin<PayloadHistogramOptions> {
  static override defaults = { bounds: [1, 128, 512, 1024, 1400], maxPackets: 0, cutOnClose: false };
  // Typed columns for exporters, known before the first flow (Arrow List<Int64>, Parquet, polars).
  static override fields: readonly FieldSpec[] = [
    { name: 'payload_hist', type: 'int[]' },
    { name: 'cut_by', type: 'string', nullable: true },
  ];

  // `declare`, not `bounds: number[] = …`: a field initializer would run after the base
  // constructor copied the options onto the instance, and overwrite them.
  declare bounds: number[];
  declare maxPackets: number;
  declare cutOnClose: boolean;

  private closing = new Map<NFlow, number>();

  constructor(options?: PayloadHistogramOptions) {
    super(options);
    // Validate once, here: an error thrown from a callback would end the run as a PluginError.
    const b = this.bounds;
    if (!Array.isArray(b) || b.length === 0 || b.some((v, i) => !Number.isInteger(v) || v < 1 || (i > 0 && v <= b[i - 1]!))) {
      throw new RangeError(`PayloadHistogram: bounds must be increasing positive integers, got ${JSON.stringify(b)}`);
    }
    if (!Number.isInteger(this.maxPackets) || this.maxPackets < 0) {
      throw new RangeError(`PayloadHistogram: maxPackets must be a non-negative integer, got ${this.maxPackets}`);
    }
  }

  /** Bin labels, for printing: `0`, `1-127`, …, `1400+`. */
  get labels(): string[] {
    return [...this.bounds.map((b, i) => (i === 0 ? (b === 1 ? '0' : `0-${b - 1}`) : `${this.bounds[i - 1]}-${b - 1}`)), `${this.bounds.at(-1)}+`];
  }

  // The first packet of a flow: create the fields (every flow gets them, so columns line up).
  override onInit(packet: PluginPacket, flow: NFlow): void {
    flow.udps.payload_hist = new Array<number>(this.bounds.length + 1).fill(0);
    flow.udps.cut_by = null;
    this.onPacket(packet, flow);
  }

  // Every later packet of the flow; the flow's counters (bidirectional_packets…) already include it.
  override onUpdate(packet: PluginPacket, flow: NFlow): void {
    this.onPacket(packet, flow);
  }

  // Once per emitted flow, whatever the reason (timeouts, end of capture, our cut).
  override onExpire(flow: NFlow): void {
    this.closing.delete(flow);
  }

  // Once at the end of each run (NFStream never calls it): drop leftovers so the instance can be
  // reused for the next iteration of the same streamer.
  override cleanup(): void {
    this.closing.clear();
  }

  private onPacket(packet: PluginPacket, flow: NFlow): void {
    const hist = flow.udps.payload_hist as number[];
    let bin = 0;
    while (bin < this.bounds.length && packet.payload_size >= this.bounds[bin]!) bin++;
    hist[bin]!++;

    // Custom expiry: setting expiration_id to -1 emits the flow right after this packet; later
    // packets of the same 5-tuple start a new flow.
    if (this.maxPackets > 0 && flow.bidirectional_packets >= this.maxPackets) {
      flow.udps.cut_by = 'packets';
      flow.expiration_id = -1;
    } else if (this.cutOnClose && flow.protocol === 6 && this.closed(packet, flow)) {
      flow.udps.cut_by = 'close';
      flow.expiration_id = -1;
    }
  }

  private closed(packet: PluginPacket, flow: NFlow): boolean {
    if (packet.rst) return true;
    if (!packet.fin) return false;
    const state = (this.closing.get(flow) ?? 0) | (packet.direction === 0 ? FIN_SRC2DST : FIN_DST2SRC);
    this.closing.set(flow, state);
    return state === (FIN_SRC2DST | FIN_DST2SRC);
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'max-packets': { type: 'string', default: '50' }, 'cut-on-close': { type: 'boolean' } },
  });
  const source = positionals[0] ?? fileURLToPath(new URL('sample.pcap', import.meta.url));
  const plugin = new PayloadHistogram({ maxPackets: Number(values['max-packets']), cutOnClose: values['cut-on-close'] === true });
  const streamer = new NFStreamer({ source, nDissections: 0, udps: [plugin] });

  console.log(`flow  packets  cut_by   ${plugin.labels.map((l) => l.padStart(10)).join('')}`);
  let flows = 0;
  for (const flow of streamer) {
    flows++;
    const hist = flow.udps.payload_hist as number[];
    const cut = String(flow.udps.cut_by ?? '-');
    console.log(
      `${String(flow.id).padStart(4)}  ${String(flow.bidirectional_packets).padStart(7)}  ${cut.padEnd(7)}  ${hist.map((n) => String(n).padStart(10)).join('')}`,
    );
  }
  console.log(`flows: ${flows}`);
}

// Run the demo only as a script, not when imported (tests, `--plugin`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
