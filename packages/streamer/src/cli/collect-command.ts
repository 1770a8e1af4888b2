import { parseArgs } from 'node:util';
import { UsageError } from './cli-options.js';
import { plural } from './closing-line.js';

export const COLLECT_HELP = `Usage: flowstream collect nats://HOST:PORT/STREAM --durable NAME --format parquet -o DIR [options]

Consumes a flow stream written by "flowstream … --format nats" with a durable pull consumer and
writes the flows of every sensor as a Parquet dataset (columns sensor, run_id, then the flow
columns), readable as one table with DuckDB: SELECT * FROM read_parquet('DIR/**/*.parquet').
Several collectors with the same --durable share the work; a restarted collector resumes. Files
appear complete (temporary name, then rename) and messages are acknowledged only after their
file is in place: a collector killed at any moment loses nothing and stores nothing twice.

Options:
      --durable NAME           durable consumer name (created when missing)
  -f, --format parquet         the dataset format (parquet only)
  -o, --output DIR             dataset folder (created when missing)
      --idle-exit S            finish after S seconds without a new message, once none is awaiting
                               delivery or acknowledgement (default 0: run until SIGINT/SIGTERM)
      --roll-bytes N           close a file when its messages reach N bytes (default 67108864)
      --roll-seconds S         close a file when it is S seconds old (default 60)
      --ack-wait S             ack_wait of a consumer created here (default 2 × roll-seconds + 30,
                               at least 60): messages of a collector that died come back after it
      --nats-creds FILE        NATS credentials file (JWT + NKey seed)
      --nats-tls-ca FILE       CA certificates (PEM) of the server's certificate (implies TLS)
  -q, --quiet                  no final summary line
  -h, --help                   this help
`;

/** Parsed `flowstream collect` command line. */
export interface CollectCli {
  source: string;
  durable: string;
  output: string;
  idleExit: number;
  rollBytes: number;
  rollSeconds: number;
  ackWait: number | undefined;
  creds: string | null;
  tlsCa: string | null;
  quiet: boolean;
  help: boolean;
}

function count(option: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new UsageError(`--${option}: expected an integer ≥ ${min}, got "${text}"`);
  return Number(text);
}

/** Parses the arguments after `collect`. Throws {@link UsageError}. */
export function parseCollectCli(argv: string[]): CollectCli {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        durable: { type: 'string' },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'idle-exit': { type: 'string' },
        'roll-bytes': { type: 'string' },
        'roll-seconds': { type: 'string' },
        'ack-wait': { type: 'string' },
        'nats-creds': { type: 'string' },
        'nats-tls-ca': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`collect: ${(err as Error).message.replace(/\. To specify.*$/s, '')}`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const help = v.help === true;
  if (help) return { source: '', durable: '', output: '', idleExit: 0, rollBytes: 0, rollSeconds: 0, ackWait: undefined, creds: null, tlsCa: null, quiet: false, help };
  if (parsed.positionals.length !== 1) throw new UsageError(`collect: expected one SOURCE nats://HOST:PORT/STREAM, got ${parsed.positionals.length}`);
  const format = (v.format as string | undefined) ?? 'parquet';
  if (format !== 'parquet') throw new UsageError(`collect: --format: expected one of parquet, got "${format}"`);
  if (typeof v.durable !== 'string' || !/^[A-Za-z0-9_-]+$/.test(v.durable)) throw new UsageError(`collect: --durable: expected a consumer name (letters, digits, '_', '-'), got ${JSON.stringify(v.durable ?? null)}`);
  if (typeof v.output !== 'string' || v.output === '-') throw new UsageError('collect: -o: expected a dataset folder');
  return {
    source: parsed.positionals[0]!,
    durable: v.durable,
    output: v.output,
    idleExit: count('idle-exit', v['idle-exit'] as string | undefined, 0, 0),
    rollBytes: count('roll-bytes', v['roll-bytes'] as string | undefined, 64 * 1024 * 1024, 1),
    rollSeconds: count('roll-seconds', v['roll-seconds'] as string | undefined, 60, 1),
    ackWait: v['ack-wait'] === undefined ? undefined : count('ack-wait', v['ack-wait'] as string, 0, 1),
    creds: (v['nats-creds'] as string | undefined) ?? null,
    tlsCa: (v['nats-tls-ca'] as string | undefined) ?? null,
    quiet: v.quiet === true,
    help,
  };
}

/**
 * `flowstream collect …`: returns the exit code (0 ok, 1 runtime error, 2 usage error).
 *
 * @example await collectMain(['nats://127.0.0.1:4222/FLOWS', '--durable', 'lake', '-o', 'flows/', '--idle-exit', '10'])
 */
export async function collectMain(argv: string[]): Promise<number> {
  let cli: CollectCli;
  let source: import('../sinks/nats/nats-target.js').NatsTarget;
  const { parseNatsTarget } = await import('../sinks/nats/nats-target.js');
  try {
    cli = parseCollectCli(argv);
    if (cli.help) {
      process.stdout.write(COLLECT_HELP);
      return 0;
    }
    source = parseNatsTarget(cli.source, 'SOURCE');
    if (!/^[A-Za-z0-9_-]+$/.test(source.path)) throw new UsageError(`collect: SOURCE: expected nats://HOST:PORT/STREAM with a stream name, got ${JSON.stringify(source.display)}`);
  } catch (err) {
    process.stderr.write(`flowstream: ${(err as Error).message}\nTry 'flowstream collect --help'.\n`);
    return 2;
  }
  const { collectFlows } = await import('../sinks/nats/collect/dataset-collector.js');
  const stop = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = performance.now();
  try {
    const r = await collectFlows({ source, durable: cli.durable, dir: cli.output, idleExit: cli.idleExit, rollBytes: cli.rollBytes, rollSeconds: cli.rollSeconds, ackWait: cli.ackWait, creds: cli.creds, tlsCa: cli.tlsCa, signal: stop.signal });
    if (!cli.quiet) {
      const secs = ((performance.now() - started) / 1000).toFixed(2);
      process.stderr.write(`flowstream collect: ${plural(r.flows, 'flow')} in ${plural(r.files.length, 'file')}${r.skipped ? ` (${r.skipped} messages already in the dataset skipped)` : ''} in ${secs} s\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`flowstream collect: error: ${(err as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
