import { Observable, type OperatorFunction } from 'rxjs';
import {
  FlowMeter,
  resolveMeteringOptions,
  DEFAULT_METERING_OPTIONS,
  type FlowDissector,
  type MeteringOptions,
  type NFlow,
} from '@flowstream/core';
import { meterConfig } from '@flowstream/core/internal';
import { extensions } from '../nfstreamer.js';
import type { PacketBatch } from './packet-batch.js';

/**
 * The options {@link meter} honours: those that act on the flow table.
 *
 * @example
 * ```ts
 * import { SPLT } from '@flowstream/plugins';
 * import { meter, packets, type MeterOperatorOptions } from '@flowstream/streamer';
 *
 * const options: MeterOperatorOptions = { idleTimeout: 10, spltAnalysis: 5, udps: [new SPLT()], maxNflows: 1000 };
 * packets('capture.pcap').pipe(meter(options)).subscribe((flow) => console.log(flow.splt_ps, flow.udps.splt_ps));
 * ```
 */
export type MeterOperatorOptions = Pick<
  MeteringOptions,
  'idleTimeout' | 'activeTimeout' | 'accountingMode' | 'udps' | 'nDissections' | 'statisticalAnalysis' | 'spltAnalysis' | 'maxNflows' | 'nMeters'
>;

/** NFStreamer options the operator cannot honour, and where they belong instead. */
const ELSEWHERE: Record<string, string> = {
  decodeTunnels: 'packets() decodes: give it to packets(source, { decodeTunnels })',
  bpfFilter: 'packets() filters: give it to packets(source, { bpfFilter })',
  promiscuousMode: 'a live capture option: use NFStreamer',
  snapshotLength: 'a live capture option: use NFStreamer',
  socketBufferSize: 'a live capture option: use NFStreamer',
  performanceReport: 'a live capture option: use NFStreamer',
  systemVisibilityMode: 'a live capture option: use NFStreamer',
  systemVisibilityPollMs: 'a live capture option: use NFStreamer',
  nMeters: 'parallel meters need NFStreamer (meter() is one meter: 1)',
  snapshotInterval: 'flow snapshots are a second stream: use NFStreamer.snapshots$ or snapshots()',
};

/**
 * The flow table as an RxJS operator: meters batches of decoded packets (from {@link packets} or
 * your own operators) into flows, emitted as they expire; the rest are flushed when the source
 * completes. Ids count from 0 per subscription. It honours every flow-table option of
 * NFStreamer (timeouts, accounting mode, plugins, statistics, SPLT, `maxNflows`, and nDPI with
 * `nDissections`, 0 by default here); options that belong to the packet source or to live
 * capture are rejected by name.
 *
 * @example
 * ```ts
 * import { filter, tap } from 'rxjs';
 * import { meter, packets } from '@flowstream/streamer';
 *
 * packets('capture.pcap').pipe(
 *   tap((batch) => console.error(`${batch.length} packets`)), // your per-batch operators
 *   meter({ idleTimeout: 30, statisticalAnalysis: true, nDissections: 20 }),
 *   filter((f) => f.protocol === 6),
 * ).subscribe((flow) => console.log(flow.src_ip, flow.dst_port, flow.application_name));
 * ```
 */
export function meter(options: MeterOperatorOptions = {}): OperatorFunction<PacketBatch, NFlow> {
  const given = options as Record<string, unknown>;
  const o = resolveMeteringOptions({ nDissections: 0, ...options });
  for (const [name, where] of Object.entries(ELSEWHERE)) {
    // the default value is what the operator does anyway
    if (given[name] !== undefined && o[name as keyof typeof o] !== DEFAULT_METERING_OPTIONS[name as keyof typeof o]) {
      throw new RangeError(`Invalid option ${name} for meter(): ${where}.`);
    }
  }
  const dissector = dissectorFactory(o.nDissections);
  const max = o.maxNflows;
  return (source) =>
    new Observable<NFlow>((subscriber) => {
      const m = new FlowMeter(meterConfig(o, dissector ? dissector() : null, false));
      let count = 0;
      const emit = () => {
        const flows = m.drain();
        for (let i = 0; i < flows.length && !subscriber.closed; i++) {
          subscriber.next(flows[i]!);
          // maxNflows: complete, which also unsubscribes from the packets
          if (++count === max) {
            m.cleanup();
            subscriber.complete();
          }
        }
      };
      return source.subscribe({
        next(batch) {
          try {
            for (let i = 0; i < batch.length; i++) m.process(batch.packets[i]!);
          } catch (err) {
            emit();
            subscriber.error(err);
            return;
          }
          emit();
        },
        error(err) {
          subscriber.error(err);
        },
        complete() {
          try {
            m.flush();
            emit();
            if (subscriber.closed) return;
            m.cleanup();
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.complete();
        },
      });
    });
}

/** nDPI for `nDissections > 0`; unlike NFStreamer's default, asking for it here means it must load. */
function dissectorFactory(nDissections: number): (() => FlowDissector) | null {
  if (nDissections === 0) return null;
  const loaded = extensions.loadDissector ? extensions.loadDissector(nDissections) : new Error('nDPI support is not available in this build');
  if (loaded instanceof Error) throw loaded;
  return loaded;
}
