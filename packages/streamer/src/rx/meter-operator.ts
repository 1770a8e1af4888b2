import { Observable, type OperatorFunction } from 'rxjs';
import { FlowMeter, meterConfig, resolveMeteringOptions, type MeteringOptions, type NFlow } from '@flowstream/core';
import type { PacketBatch } from './packet-batch.js';

/**
 * The flow table as an RxJS operator: meters batches of decoded packets (from {@link packets} or
 * your own operators) into flows, emitted as they expire; the rest are flushed when the source
 * completes. Ids count from 0 per subscription. nDPI fields are not computed here (use
 * `NFStreamer` for them); plugins (`udps`) are supported.
 *
 * @example
 * ```ts
 * packets('a.pcap').pipe(
 *   map((b) => b),                       // your per-batch operators
 *   meter({ idleTimeout: 30, statisticalAnalysis: true }),
 *   filter((f) => f.protocol === 6),
 * ).subscribe(console.log);
 * ```
 */
export function meter(options: Omit<MeteringOptions, 'nDissections'> = {}): OperatorFunction<PacketBatch, NFlow> {
  const o = resolveMeteringOptions({ ...options, nDissections: 0 });
  return (source) =>
    new Observable<NFlow>((subscriber) => {
      const m = new FlowMeter(meterConfig(o, null, false));
      const emit = () => {
        const flows = m.drain();
        for (let i = 0; i < flows.length && !subscriber.closed; i++) subscriber.next(flows[i]!);
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
