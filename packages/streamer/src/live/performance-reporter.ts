/** Counters of one meter, as the performance report reads them (spec §12). */
export interface MeterPerformance {
  packetsProcessed: number;
  packetsIgnored: number;
  /** libpcap's kernel drop counter for this meter's capture (0 when unknown). */
  packetsDropped: number;
}

/** What the counters provider returns. */
export interface PerformanceCounters {
  /** Flows yielded so far. */
  flowsExpired: number;
  meters: readonly MeterPerformance[];
}

/** The JSON object NFStream prints, keys in NFStream's order. */
export interface PerformanceReport {
  flows_expired: number;
  packets_processed: number;
  packets_ignored: number;
  packets_dropped_filtered_by_kernel: number;
  meters_packets_processing_balance: number[];
}

/**
 * Aggregates meters as NFStream does (spec §12): processed is summed; ignored and drops are summed
 * on Linux (each meter sees its own fanout share) and the maximum elsewhere (every meter sees all).
 *
 * @example
 * ```ts
 * aggregatePerformance({ flowsExpired: 3, meters: [m0, m1] }, true).packets_processed;
 * ```
 */
export function aggregatePerformance(counters: PerformanceCounters, isLinux: boolean): PerformanceReport {
  let drops = 0;
  let ignored = 0;
  let processed = 0;
  const balance: number[] = [];
  for (const m of counters.meters) {
    if (isLinux) {
      drops += m.packetsDropped;
      ignored += m.packetsIgnored;
    } else {
      drops = Math.max(drops, m.packetsDropped);
      ignored = Math.max(ignored, m.packetsIgnored);
    }
    processed += m.packetsProcessed;
    balance.push(m.packetsProcessed);
  }
  return {
    flows_expired: counters.flowsExpired,
    packets_processed: processed,
    packets_ignored: ignored,
    packets_dropped_filtered_by_kernel: drops,
    meters_packets_processing_balance: balance,
  };
}

/**
 * The report line exactly as Python's `json.dumps` prints it (`", "` and `": "` separators).
 *
 * @example
 * ```ts
 * formatPerformanceReport(report);
 * // {"flows_expired": 3, "packets_processed": 10, ..., "meters_packets_processing_balance": [10]}
 * ```
 */
export function formatPerformanceReport(report: PerformanceReport): string {
  return (
    `{"flows_expired": ${report.flows_expired}, "packets_processed": ${report.packets_processed}, ` +
    `"packets_ignored": ${report.packets_ignored}, ` +
    `"packets_dropped_filtered_by_kernel": ${report.packets_dropped_filtered_by_kernel}, ` +
    `"meters_packets_processing_balance": [${report.meters_packets_processing_balance.join(', ')}]}`
  );
}

/** Options of a {@link PerformanceReporter}. */
export interface PerformanceReporterOptions {
  /** Receives each line (default: printed to stdout, like NFStream's `print`). */
  output?: (line: string, report: PerformanceReport) => void;
  /** Aggregation rule (default: `process.platform === 'linux'`). */
  isLinux?: boolean;
}

/**
 * Prints NFStream's performance report (spec §12) every `intervalSeconds` while started: the
 * first line after one interval, as NFStream's RepeatedTimer does. Live mode only; the caller
 * decides (`performance_report > 0` on an interface).
 *
 * @example
 * ```ts
 * const reporter = new PerformanceReporter(2, () => ({ flowsExpired, meters: [meter.counters] }));
 * reporter.start();
 * // on stop:
 * reporter.stop();
 * ```
 */
export class PerformanceReporter {
  private timer: NodeJS.Timeout | null = null;
  private readonly output: (line: string, report: PerformanceReport) => void;
  private readonly isLinux: boolean;

  constructor(
    readonly intervalSeconds: number,
    private readonly provider: () => PerformanceCounters,
    options: PerformanceReporterOptions = {},
  ) {
    if (!(intervalSeconds > 0)) throw new RangeError(`intervalSeconds must be positive (got ${intervalSeconds}).`);
    this.output = options.output ?? ((line) => process.stdout.write(`${line}\n`));
    this.isLinux = options.isLinux ?? process.platform === 'linux';
  }

  /** Starts reporting (idempotent). The timer does not keep the process alive. */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.report(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops reporting (idempotent). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Builds, outputs and returns one report line now. */
  report(): string {
    const report = aggregatePerformance(this.provider(), this.isLinux);
    const line = formatPerformanceReport(report);
    this.output(line, report);
    return line;
  }
}
