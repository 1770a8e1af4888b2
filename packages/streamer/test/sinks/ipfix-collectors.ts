// Real IPFIX collectors for the tests: nfdump's nfcapd and pmacct's nfacctd, each started on a
// free loopback port with a temporary folder, and stopped by the test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A UDP port nobody listens on now (bound to 0, then released). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Waits until the collector has read every datagram queued on its UDP port (`rx_queue` of
 * /proc/net/udp is 0), then a little more for the last one to be processed: a collector stopped
 * earlier drops what is still queued.
 */
export async function drained(port: number, ms = 10_000): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const end = Date.now() + ms;
  for (;;) {
    const line = readFileSync('/proc/net/udp', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[1] === local);
    const queued = line === undefined ? 0 : parseInt(line.trim().split(/\s+/)[4]!.split(':')[1]!, 16);
    if (queued === 0 || Date.now() > end) break;
    await sleep(20);
  }
  await sleep(300);
}

/** Path of a collector binary: on PATH, or where Debian puts it (nfacctd is in /usr/sbin, not on every user's PATH). */
function bin(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status === 0) return r.stdout.trim();
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** True when the collector binaries are installed (Debian packages nfdump and pmacct). */
export function haveCollectors(): boolean {
  return ['nfcapd', 'nfdump', 'nfacctd'].every((b) => bin(b) !== null);
}

/** A running daemon and its output. */
class Daemon {
  log = '';
  private exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }
  async waitFor(text: string, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!this.log.includes(text)) {
      if (Date.now() > end || this.child.exitCode !== null) throw new Error(`daemon did not say "${text}":\n${this.log}`);
      await sleep(20);
    }
  }
  /** Stops the daemon (nfacctd's core process ends on SIGINT, not SIGTERM); SIGKILL after 10 s. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** One flow as nfdump stores it (from `nfdump -o json`). */
export interface NfdumpFlow {
  first: number;
  last: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  proto: number;
  inPackets: number;
  inBytes: number;
  outPackets: number;
  outBytes: number;
}

/**
 * nfcapd on `127.0.0.1:port` writing into `dir`; `flows()` stops it (it writes its file on exit)
 * and reads what it stored with nfdump.
 */
export class Nfcapd {
  private constructor(
    private readonly daemon: Daemon,
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(dir: string): Promise<Nfcapd> {
    const port = await freeUdpPort();
    // -B: a 4 MiB receive buffer, as nfcapd's manual advises, so a collector descheduled on a
    // loaded CI machine does not drop what the paced exporter sent meanwhile
    const d = new Daemon(spawn(bin('nfcapd') ?? 'nfcapd', ['-p', String(port), '-b', '127.0.0.1', '-w', dir, '-t', '3600', '-B', '4194304'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    await d.waitFor('Startup nfcapd.');
    return new Nfcapd(d, port, dir);
  }

  /** The collector's own count of sequence errors (lost messages), from its exit statistics. */
  sequenceErrors(): number {
    const m = /Sequence Errors: (\d+)/.exec(this.daemon.log);
    if (m === null) throw new Error(`no statistics in the nfcapd log:\n${this.daemon.log}`);
    return Number(m[1]);
  }

  async flows(): Promise<NfdumpFlow[]> {
    await drained(this.port);
    await this.daemon.stop();
    if (readdirSync(this.dir).length === 0) return [];
    const r = spawnSync(bin('nfdump') ?? 'nfdump', ['-R', this.dir, '-o', 'json'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`nfdump failed: ${r.stderr}`);
    const rows = JSON.parse(r.stdout) as Record<string, string | number>[];
    const ms = (t: unknown) => Date.parse(`${String(t)}Z`);
    return rows
      .filter((x) => x.type === 'FLOW')
      .map((x) => ({
        first: ms(x.first),
        last: ms(x.last),
        src: String(x.src4_addr ?? x.src6_addr),
        dst: String(x.dst4_addr ?? x.dst6_addr),
        // nfdump shows ICMP's destination port as type and code
        srcPort: Number(x.src_port ?? 0),
        dstPort: x.dst_port !== undefined ? Number(x.dst_port) : Number(x.icmp_type ?? 0) * 256 + Number(x.icmp_code ?? 0),
        proto: Number(x.proto),
        inPackets: Number(x.in_packets),
        inBytes: Number(x.in_bytes),
        outPackets: Number(x.out_packets ?? 0),
        outBytes: Number(x.out_bytes ?? 0),
      }));
  }
}

/**
 * nfacctd on `127.0.0.1:port` with a print plugin writing CSV into `dir` every second,
 * aggregating on `aggregate` (include `flow_id` so that no two flows are summed together).
 */
export class Nfacctd {
  private constructor(
    private readonly daemon: Daemon,
    readonly port: number,
    private readonly csv: string,
  ) {}

  static async start(dir: string, aggregate: readonly string[], primitivesFile: string): Promise<Nfacctd> {
    const port = await freeUdpPort();
    const csv = join(dir, 'flows.csv');
    const conf = join(dir, 'nfacctd.conf');
    writeFileSync(
      conf,
      [
        'daemonize: false',
        `nfacctd_ip: 127.0.0.1`,
        `nfacctd_port: ${port}`,
        'nfacctd_pipe_size: 4194304',
        // flow times from the records, not the arrival time
        'nfacctd_time_new: false',
        'timestamps_since_epoch: true',
        `aggregate_primitives: ${primitivesFile}`,
        'plugins: print[flows]',
        `aggregate[flows]: ${aggregate.join(', ')}`,
        'print_output[flows]: csv',
        'print_num_protos[flows]: true',
        `print_output_file[flows]: ${csv}`,
        'print_output_file_append[flows]: true',
        'print_refresh_time[flows]: 1',
        '',
      ].join('\n'),
    );
    const d = new Daemon(spawn(bin('nfacctd') ?? 'nfacctd', ['-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] }));
    await d.waitFor('waiting for NetFlow/IPFIX data');
    return new Nfacctd(d, port, csv);
  }

  /**
   * Waits until `expected` rows were printed (at most 3 s: the print plugin may hold a few rows
   * until it exits), stops the daemon (SIGINT: its plugins write what they hold), returns the rows
   * by header name.
   */
  async rows(expected: number): Promise<Record<string, string>[]> {
    const read = (): Record<string, string>[] => {
      if (!existsSync(this.csv)) return [];
      const lines = readFileSync(this.csv, 'utf8').split('\n').filter((l) => l.length > 0);
      // nfacctd creates the file before it writes the header
      if (lines.length === 0) return [];
      const header = lines[0]!.split(',');
      return lines.filter((l) => l !== lines[0]).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
    };
    const end = Date.now() + 3000;
    while (read().length < expected && Date.now() < end) await sleep(100);
    await drained(this.port);
    await this.daemon.stop('SIGINT');
    return read();
  }

  get log(): string {
    return this.daemon.log;
  }
}
