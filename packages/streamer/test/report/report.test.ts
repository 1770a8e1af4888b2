import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NFStreamer, reportFromFlowFiles, type ReportData } from '@flowstream/streamer';
import { ReportSink } from '../../src/report/report-sink.js';
import { ipv4Udp, pcap as pcapFile } from '../../../core/test/support/capture-builder.js';
import { chromiumPath, HeadlessChromium, type Page, type PageProblem } from '../support/headless-chromium.js';
import { CLI_NODE_ARGS, CLI_SHELL, REPO, runCli, shellQuote } from '../support/run-cli.js';

const SAMPLE = join(REPO, 'examples', 'sample.pcap');
const SCREENSHOT = join(REPO, 'test-output', 'report.png');
const chromium = chromiumPath();
const needChromium = chromium === null && process.env.CI !== 'true';

let dir: string;
let browser: HeadlessChromium | null = null;

/** The aggregates embedded in a report file. */
function embedded(html: string): ReportData {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (m === null) throw new Error('no report-data element');
  return JSON.parse(m[1]!) as ReportData;
}

/** Totals, talkers and flow sizes computed from the CSV by DuckDB (a reader that is not ours). */
async function fromCsv(path: string) {
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  try {
    const rows = async <T>(sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as T[];
    await conn.run(`CREATE TABLE f AS SELECT * FROM read_csv('${path}', header = true, quote = '"', escape = '\\')`);
    const [t] = await rows<{ flows: bigint; bytes: bigint; packets: bigint }>('SELECT count(*) AS flows, sum(bidirectional_bytes) AS bytes, sum(bidirectional_packets) AS packets FROM f');
    const talkers = await rows<{ key: string; bytes: bigint; flows: bigint }>(
      `SELECT ip AS key, sum(b) AS bytes, count(*) AS flows FROM (SELECT src_ip AS ip, bidirectional_bytes AS b FROM f UNION ALL SELECT dst_ip, bidirectional_bytes FROM f WHERE dst_ip <> src_ip) GROUP BY ip ORDER BY bytes DESC, flows DESC, key`,
    );
    const sizes = await rows<{ b: bigint }>('SELECT bidirectional_bytes AS b FROM f ORDER BY b DESC');
    const ja4 = await rows<{ key: string; flows: bigint }>(`SELECT "udps.ja4" AS key, count(*) AS flows FROM f WHERE coalesce("udps.ja4", '') <> '' GROUP BY key ORDER BY flows DESC, key`);
    return {
      flows: Number(t!.flows),
      bytes: Number(t!.bytes),
      packets: Number(t!.packets),
      talkers: talkers.map((r) => ({ key: r.key, bytes: Number(r.bytes), flows: Number(r.flows) })),
      sizes: sizes.map((r) => Number(r.b)),
      ja4: ja4.map((r) => ({ key: r.key, flows: Number(r.flows) })),
    };
  } finally {
    conn.closeSync();
  }
}

async function openPage(file: string): Promise<{ page: Page; problems: PageProblem[]; loadMs: number }> {
  return browser!.open(pathToFileURL(file).href);
}

/** Per chart figure: its id and how many data marks (paths of Vega's `role-mark` groups) it drew. */
async function chartMarks(page: Page): Promise<{ id: string; marks: number }[]> {
  return page.evaluate(`Array.from(document.querySelectorAll('figure.chart')).map(f => ({ id: f.id, marks: f.querySelectorAll('svg g.role-mark > path, svg g.role-mark > g > path').length }))`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowstream-report-'));
  if (chromium !== null) browser = await HeadlessChromium.launch(chromium);
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('flowstream report', () => {
  it.skipIf(needChromium)('writes a self-contained page whose numbers equal the CSV of the same run; charts have marks; the table sorts and filters', async () => {
    const html = join(dir, 'sample.html');
    const csv = join(dir, 'sample.csv');
    const summaryFile = join(dir, 'summary.json');
    const r = runCli(['report', SAMPLE, '-o', html, '--summary', summaryFile, '--plugin', 'ja4', '-q']);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    expect(runCli([SAMPLE, '-o', csv, '--plugin', 'ja4', '-q']).status).toBe(0);

    const text = readFileSync(html, 'utf8');
    // self-contained: nothing to fetch (no src/href to a URL, no stylesheet links)
    expect(text).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(text).not.toMatch(/<link\b/i);
    const data = embedded(text);
    const expected = await fromCsv(csv);
    expect(data.totals).toMatchObject({ flows: expected.flows, bytes: expected.bytes, packets: expected.packets });
    expect(data.talkers.byBytes.map((t) => ({ key: t.key, bytes: t.bytes, flows: t.flows }))).toEqual(expected.talkers.slice(0, 20));
    expect(data.talkers.exact).toBe(true);
    expect(data.largestFlows.rows.map((row) => row[data.largestFlows.columns.indexOf('bidirectional_bytes')])).toEqual(expected.sizes.slice(0, 500));
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { packets: { read: number; ignoredByReason: Record<string, number> } };
    expect(data.summary!.packets.ignoredByReason).toEqual(summary.packets.ignoredByReason);
    expect(Object.keys(summary.packets.ignoredByReason).length).toBeGreaterThan(0);
    expect(data.summary!.packets.read).toBe(summary.packets.read);
    expect(data.applications!.byBytes.length).toBeGreaterThan(0);
    expect(data.serverNames!.byFlows.length).toBeGreaterThan(0);
    expect(data.ja4!.byFlows.map((j) => ({ key: j.key, flows: j.flows }))).toEqual(expected.ja4);
    expect(expected.ja4.length).toBeGreaterThan(0);

    const { page, problems, loadMs } = await openPage(html);
    expect(problems).toEqual([]);
    expect(loadMs).toBeLessThan(10_000);
    const marks = await chartMarks(page);
    expect(marks.map((m) => m.id)).toEqual(expect.arrayContaining(['chart-traffic-bytes', 'chart-talkers-bytes', 'chart-conversations-flows', 'chart-applications-bytes', 'chart-ports-flows', 'chart-server-names-bytes', 'chart-ja4-flows', 'chart-dist-duration', 'chart-dist-bytes', 'chart-dist-packets']));
    for (const m of marks) expect(m, m.id).toMatchObject({ marks: expect.any(Number) as number });
    expect(marks.filter((m) => m.marks === 0)).toEqual([]);
    // the page shows the same ignore reasons and read count as the run's summary
    const shown = await page.evaluate<{ read: string; reasons: string[] }>(
      `({ read: document.querySelector('#packet-accounting [data-k=read]').textContent, reasons: Array.from(document.querySelectorAll('#ignore-reasons td.reason')).map(td => td.textContent) })`,
    );
    expect(Number(shown.read.replace(/,/g, ''))).toBe(summary.packets.read);
    const source = await page.evaluate<string[]>(`Array.from(document.querySelectorAll('#sources tbody tr:first-child td')).map(td => td.textContent)`);
    expect(source[0]).toBe(SAMPLE);
    expect(Number(source[3]!.replace(/,/g, ''))).toBe(summary.packets.read);
    expect(shown.reasons.sort()).toEqual(Object.keys(summary.packets.ignoredByReason).sort());

    // sorting: click "bytes" twice (descending, then ascending); filtering by an address
    const col = data.largestFlows.columns.indexOf('bidirectional_bytes');
    const readCol = `Array.from(document.querySelectorAll('#largest-flows tbody tr')).filter(r => !r.hidden).map(r => Number(r.cells[${col}].dataset.v))`;
    await page.evaluate(`document.querySelector('#largest-flows th[data-col="${col}"]').click()`);
    const desc = await page.evaluate<number[]>(readCol);
    expect(desc).toEqual([...expected.sizes].sort((a, b) => b - a));
    await page.evaluate(`document.querySelector('#largest-flows th[data-col="${col}"]').click()`);
    expect(await page.evaluate<number[]>(readCol)).toEqual([...expected.sizes].sort((a, b) => a - b));
    const target = data.talkers.byFlows[0]!.key;
    await page.evaluate(`(() => { const f = document.getElementById('flow-filter'); f.value = ${JSON.stringify(target)}; f.dispatchEvent(new Event('input')); })()`);
    const visible = await page.evaluate<string[]>(`Array.from(document.querySelectorAll('#largest-flows tbody tr')).filter(r => !r.hidden).map(r => r.textContent)`);
    expect(visible.length).toBe(data.talkers.byFlows[0]!.flows);
    for (const v of visible) expect(v).toContain(target);
    expect(await page.evaluate<string>(`document.getElementById('flow-count').textContent`)).toBe(`${visible.length} of ${expected.flows} flows`);
    await page.evaluate(`(() => { const f = document.getElementById('flow-filter'); f.value = ''; f.dispatchEvent(new Event('input')); window.scrollTo(0, 0); })()`);

    mkdirSync(join(REPO, 'test-output'), { recursive: true });
    const png = await page.screenshot();
    writeFileSync(SCREENSHOT, png);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it.skipIf(needChromium)('a capture with a single one-packet flow gives a valid report', async () => {
    // Ethernet + IPv4 + UDP, 4 bytes of payload
    const frame = new Uint8Array(46);
    frame.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00], 0);
    frame.set([0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
    frame.set([0x30, 0x39, 0, 53, 0, 12, 0, 0, 1, 2, 3, 4], 34);
    const capture = join(dir, 'one.pcap');
    writeFileSync(capture, pcapFile({ linkType: 1 }, [{ tsSec: 1_700_000_000, tsFrac: 0, data: frame }]));
    const html = join(dir, 'one.html');
    const sink = new ReportSink(html);
    await new NFStreamer({ source: capture, nDissections: 0 }).writeTo(sink);
    const data = embedded(readFileSync(html, 'utf8'));
    expect(data.totals).toMatchObject({ flows: 1, packets: 1, bytes: 46 });
    expect(data.distributions.durationMs).toEqual({ bins: [], zero: 1 });
    expect(data.talkers.byBytes.map((t) => t.key)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(data.ports.byFlows[0]!.key).toBe('udp/53');
    expect(data.applications).toBeNull();
    const { page, problems } = await openPage(html);
    expect(problems).toEqual([]);
    const marks = await chartMarks(page);
    expect(marks.length).toBeGreaterThan(5);
    expect(marks.filter((m) => m.marks === 0)).toEqual([]);
    expect(await page.evaluate<number>(`document.querySelectorAll('#largest-flows tbody tr').length`)).toBe(1);
  });

  it('a capture before 1970: its flow files give the report of the capture (times read back as the meter holds them)', async () => {
    const records = Array.from({ length: 6 }, (_, k) => ({ tsSec: 2 ** 32 - 10 + k, tsFrac: 0, data: ipv4Udp(0x0a000001 + (k % 2), 0x0a000064, 1000 + (k % 2), 53) }));
    const capture = join(dir, 'before-1970.pcap');
    writeFileSync(capture, pcapFile({ linkType: 101 }, records));
    const streamer = new NFStreamer({ source: capture, nDissections: 0 });
    const direct = await streamer.report();
    const files = [join(dir, 'b1970.csv'), join(dir, 'b1970.arrow'), join(dir, 'b1970.parquet')];
    await streamer.toCsv(files[0]!);
    await streamer.toArrowFile(files[1]!);
    await streamer.toParquet(files[2]!);
    expect(readFileSync(files[0]!, 'utf8')).toContain('18446744073709541616');
    for (const file of files) {
      const data = await reportFromFlowFiles([file], `${file}.html`);
      expect(data.totals, file).toEqual(direct.totals);
      expect(data.largestFlows, file).toEqual(direct.largestFlows);
    }
  });

  it('reads flow files back (CSV, Arrow, Parquet) into the same numbers, and --anonymize hashes the addresses', async () => {
    const csv = join(dir, 'flows.csv');
    const arrow = join(dir, 'flows.arrow');
    const parquet = join(dir, 'flows.parquet');
    const arrows = join(dir, 'flows.arrows');
    const streamer = new NFStreamer({ source: SAMPLE });
    const direct = await streamer.report();
    await streamer.toCsv(csv);
    await streamer.toArrowFile(arrow);
    await streamer.toParquet(parquet);
    await streamer.toArrowStream(arrows);
    const pick = (d: ReportData) => ({ totals: d.totals, talkers: d.talkers, conversations: d.conversations, ports: d.ports, applications: d.applications, serverNames: d.serverNames, dur: d.distributions, largest: d.largestFlows.rows.length });
    for (const file of [csv, arrow, parquet, arrows]) {
      const out = `${file}.html`;
      let data: ReportData;
      if (file === parquet) {
        // one through the command line, end to end
        const r = runCli(['report', file, '-o', out, '-q']);
        expect(r.stderr.toString(), file).toBe('');
        expect(r.status).toBe(0);
        data = embedded(readFileSync(out, 'utf8'));
      } else {
        data = await reportFromFlowFiles([file], out);
        expect(embedded(readFileSync(out, 'utf8')), file).toEqual(data);
      }
      expect(pick(data), file).toEqual(pick(direct));
      if (file !== csv) expect(data.summary?.packets, file).toEqual(streamer.summary!.packets);
      // the run's manifest comes with the summary, from the file's footer or closing stream
      if (file !== csv) expect((data.summary?.manifest as { parameters?: unknown } | undefined)?.parameters, file).toEqual(streamer.summary!.manifest.parameters);
    }
    const anonymized = await new NFStreamer({ source: SAMPLE }).report({ columnsToAnonymize: ['src_ip', 'dst_ip'] });
    expect(anonymized.anonymized).toEqual(['src_ip', 'dst_ip']);
    for (const t of anonymized.talkers.byBytes) expect(t.key).toMatch(/^[0-9a-f]{128}$/);
    expect(anonymized.talkers.byBytes.map((t) => t.bytes)).toEqual(direct.talkers.byBytes.map((t) => t.bytes));
    expect(statSync(csv).size).toBeGreaterThan(0);
  });

  it('report - tells what standard input holds: flows piped or redirected in (every format), or a capture', async () => {
    const streamer = new NFStreamer({ source: SAMPLE });
    const direct = await streamer.report();
    const files = { csv: join(dir, 'in.csv'), arrow: join(dir, 'in.arrow'), parquet: join(dir, 'in.parquet'), arrows: join(dir, 'in.arrows') };
    await streamer.toCsv(files.csv);
    await streamer.toArrowFile(files.arrow);
    await streamer.toParquet(files.parquet);
    await streamer.toArrowStream(files.arrows);
    // the temporary copy of flows piped in goes where TMPDIR says, and is gone afterwards
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const env = { TMPDIR: tmp };
    const pick = (d: ReportData) => ({ totals: d.totals, talkers: d.talkers, ports: d.ports, applications: d.applications, largest: d.largestFlows.rows.length });
    // (tsx, which runs the sources, keeps its cache there too)
    const copies = () => readdirSync(tmp).filter((name) => name.startsWith('flowstream-'));
    for (const [format, file] of Object.entries(files)) {
      const out = join(dir, `in-${format}.html`);
      const piped = runCli(['report', '-', '-o', out, '-q'], { input: readFileSync(file), env });
      expect(piped.stderr.toString(), format).toBe('');
      expect(piped.status, format).toBe(0);
      const data = embedded(readFileSync(out, 'utf8'));
      expect(pick(data), format).toEqual(pick(direct));
      if (format !== 'csv') expect(data.summary?.packets, format).toEqual(streamer.summary!.packets);
      expect(copies(), format).toEqual([]);
      // redirected from the file: read in place
      const redirected = spawnSync('/bin/sh', ['-c', `${CLI_SHELL} report - -o ${shellQuote(`${out}.2.html`)} -q < ${shellQuote(file)}`], { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      expect(redirected.stderr.toString(), format).toBe('');
      expect(pick(embedded(readFileSync(`${out}.2.html`, 'utf8'))), format).toEqual(pick(direct));
    }
    // a capture piped in: its first bytes, read to tell, are metered with the rest
    const capture = runCli(['report', '-', '-o', join(dir, 'in-pcap.html'), '-q'], { input: readFileSync(SAMPLE), env });
    expect(capture.status).toBe(0);
    expect(pick(embedded(readFileSync(join(dir, 'in-pcap.html'), 'utf8')))).toEqual(pick(direct));
    // flows cut short on the way in are named as standard input's
    const cut = runCli(['report', '-', '-o', join(dir, 'in-cut.html')], { input: readFileSync(files.arrows).subarray(0, 3000), env });
    expect(cut.status).toBe(1);
    expect(cut.stderr.toString()).toMatch(/^flowstream: error: stdin: not a readable Arrow IPC stream \(it does not end with the end-of-stream marker: cut short, or still being written\)\n$/);
    expect(copies()).toEqual([]);
    // neither flows nor a capture
    const noise = runCli(['report', '-', '-o', join(dir, 'in-noise.html')], { input: Buffer.from('hello,world\n'), env });
    expect(noise.status).toBe(1);
    expect(noise.stderr.toString()).toContain('not a pcap or pcapng file: stdin');
  });

  it('report - with flows piped in: a first SIGINT lets the report be written once they end, also before the first byte; a second exits with none and no copy left', async () => {
    const streamer = new NFStreamer({ source: SAMPLE });
    const direct = await streamer.report();
    const arrows = join(dir, 'signal.arrows');
    await streamer.toArrowStream(arrows);
    const bytes = readFileSync(arrows);
    const tmp = mkdtempSync(join(dir, 'tmp-signal-'));
    const copies = () => readdirSync(tmp).filter((name) => name.startsWith('flowstream-'));
    /** Whether a thread of `pid` waits in a read of its standard input (a socket pair, as Node makes a child's stdio). */
    const readingInput = (pid: number) =>
      readdirSync(`/proc/${pid}/task`).some((t) => {
        try {
          return /pipe_read|unix_stream_read/.test(readFileSync(`/proc/${pid}/task/${t}/wchan`, 'utf8'));
        } catch {
          return false;
        }
      });
    /**
     * Starts `report -`, writes the first `first` bytes of the flows, waits until it reads (for the
     * copy, or in a read of the empty input), sends `signals` SIGINTs, then writes the rest.
     */
    const interrupted = async (out: string, first: number, signals: number) => {
      const child = spawn(process.execPath, [...CLI_NODE_ARGS, 'report', '-', '-o', out], { env: { ...process.env, NODE_NO_WARNINGS: '1', TMPDIR: tmp }, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // the rest may meet a reader that has exited (two signals)
      child.stdin.on('error', () => {});
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      if (first > 0) child.stdin.write(bytes.subarray(0, first));
      const ready = () => (first > 0 ? copies().length === 1 : readingInput(child.pid!));
      for (const deadline = Date.now() + 30_000; !ready() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      expect(ready(), `ready with ${first} bytes written`).toBe(true);
      for (let i = 0; i < signals; i++) {
        child.kill('SIGINT');
        await new Promise((r) => setTimeout(r, 200));
      }
      child.stdin.end(bytes.subarray(first));
      return { code: await exited, stderr };
    };
    for (const first of [bytes.length >> 1, 0]) {
      const out = join(dir, `signal-once-${first}.html`);
      const once = await interrupted(out, first, 1);
      expect(once.stderr, `${first}`).toContain('flowstream: SIGINT: the report is written once standard input ends');
      expect(once.code, `${first}`).toBe(0);
      expect(embedded(readFileSync(out, 'utf8')).totals, `${first}`).toEqual(direct.totals);
    }
    const twice = await interrupted(join(dir, 'signal-twice.html'), bytes.length >> 1, 2);
    expect(twice.stderr).toContain('flowstream: SIGINT again: exiting now; no report is written');
    expect(twice.code).toBe(130);
    expect(readdirSync(dir)).not.toContain('signal-twice.html');
    expect(copies()).toEqual([]);
  });

  it('a folder stands for the flow files in it (chunks, a collected dataset); hidden files and subfolders are passed over', async () => {
    const sub = join(dir, 'lake');
    mkdirSync(join(sub, '_runs'), { recursive: true });
    const streamer = new NFStreamer({ source: SAMPLE });
    const direct = await streamer.report();
    await streamer.export('parquet', join(sub, 'flows.parquet'), { flowsPerFile: 4 });
    writeFileSync(join(sub, '_runs', 'run.json'), '{}');
    writeFileSync(join(sub, '.flows.9.parquet.partial'), 'PAR1 unfinished');
    writeFileSync(join(sub, 'README.txt'), 'not flows');
    const out = join(dir, 'lake.html');
    const r = runCli(['report', sub, '-o', out, '-q']);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    const data = embedded(readFileSync(out, 'utf8'));
    expect(data.totals).toEqual(direct.totals);
    expect(data.talkers).toEqual(direct.talkers);
    // a folder without flow files, and a folder beside a capture
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const none = runCli(['report', empty, '-o', join(dir, 'empty.html')]);
    expect(none.status).toBe(1);
    expect(none.stderr.toString()).toContain(`report: ${empty}: a folder without flow files`);
    expect(runCli(['report', SAMPLE, sub, '-o', join(dir, 'mixed.html')]).status).toBe(2);
  });

  it('a damaged flow file ends the report with an error naming it and what is wrong; a text holding a line break is no damage', async () => {
    const streamer = new NFStreamer({ source: SAMPLE });
    const whole = { csv: join(dir, 'whole.csv'), arrow: join(dir, 'whole.arrow'), parquet: join(dir, 'whole.parquet') };
    await streamer.toCsv(whole.csv);
    await streamer.toArrowFile(whole.arrow);
    await streamer.toParquet(whole.parquet);
    const cut = (from: string, to: string, bytes: number) => writeFileSync(to, readFileSync(from).subarray(0, bytes));
    const lines = readFileSync(whole.csv, 'utf8').split('\n');
    const header = lines[0]!.split(',').length;
    // the third line ends after its first five cells (id, expiration_id and three quoted texts)
    writeFileSync(join(dir, 'cut.csv'), `${lines[0]}\n${lines[1]}\n${lines[2]!.split(',').slice(0, 5).join(',')}\n`);
    cut(whole.arrow, join(dir, 'cut.arrow'), 3000);
    cut(whole.parquet, join(dir, 'cut.parquet'), 3000);
    await streamer.toArrowStream(join(dir, 'whole.arrows'));
    cut(join(dir, 'whole.arrows'), join(dir, 'cut.arrows'), 3000);
    const expected: Record<string, RegExp> = {
      'cut.csv': new RegExp(`cut\\.csv: not a readable flow CSV file \\(line 3 has 5 fields where the header has ${header}: damaged, or cut short\\)`),
      'cut.arrow': /cut\.arrow: not a readable Arrow IPC file \(it does not end with the footer and "ARROW1": cut short, or still being written\)/,
      'cut.parquet': /cut\.parquet: not a readable Parquet file \(it does not end with the footer and "PAR1": cut short, or still being written\)/,
      'cut.arrows': /cut\.arrows: not a readable Arrow IPC stream \(it does not end with the end-of-stream marker: cut short, or still being written\)/,
    };
    for (const [name, message] of Object.entries(expected)) {
      await expect(reportFromFlowFiles([join(dir, name)], join(dir, `${name}.html`)), name).rejects.toThrow(message);
      // beside whole files too (no summary is read then), through the command line
      const r = runCli(['report', whole.csv, join(dir, name), '-o', join(dir, `${name}.2.html`)]);
      expect(r.status, name).toBe(1);
      expect(r.stderr.toString(), name).toMatch(message);
    }
    // named as a flow file, but none by its first bytes: not taken for a capture
    writeFileSync(join(dir, 'noise.parquet'), 'PAQ1 not parquet at all');
    const noise = runCli(['report', join(dir, 'noise.parquet'), '-o', join(dir, 'noise.html')]);
    expect(noise.status).toBe(1);
    expect(noise.stderr.toString()).toMatch(/noise\.parquet: not a flow file flowstream reads/);
    // NFStream writes a line break inside a text as it is: the row goes on on the next line
    const broken = join(dir, 'broken-text.csv');
    writeFileSync(broken, 'id,src_ip,dst_ip,bidirectional_bytes,requested_server_name\n0,"10.0.0.1","10.0.0.2",100,"a\nb, \\"c\\""\n1,"10.0.0.1","10.0.0.3",50,""\n');
    const data = await reportFromFlowFiles([broken], `${broken}.html`);
    expect(data.totals.flows).toBe(2);
    expect(data.totals.bytes).toBe(150);
    const open = join(dir, 'open-text.csv');
    writeFileSync(open, 'id,src_ip,dst_ip,bidirectional_bytes\n0,"10.0.0.1","10.0.0.2",100\n1,"10.0.0.1\n');
    await expect(reportFromFlowFiles([open], `${open}.html`)).rejects.toThrow('open-text.csv: not a readable flow CSV file (the text begun on line 3 does not end: cut short)');
  });

  it('refuses a report without -o or of captures mixed with flow files (usage errors), and into a missing folder (exit 1, as flows)', () => {
    expect(runCli(['report', SAMPLE]).status).toBe(2);
    const noFolder = runCli(['report', SAMPLE, '-o', join(dir, 'missing', 'r.html')]);
    expect(noFolder.status).toBe(1);
    expect(noFolder.stderr.toString()).toMatch(/^flowstream: error: report: .*missing\/r\.html: folder .*missing does not exist\n$/);
    expect(runCli([SAMPLE, '-o', join(dir, 'missing', 'f.csv')]).status).toBe(1);
    const csv = join(dir, 'mix.csv');
    writeFileSync(csv, 'id,src_ip,dst_ip\n0,"a","b"\n');
    const r = runCli(['report', SAMPLE, csv, '-o', join(dir, 'mix.html')]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toContain('not both');
  });
});
