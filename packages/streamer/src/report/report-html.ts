import { FLOWSTREAM_VERSION } from '../version.js';
import { protocolName, type ReportData, type TopList } from './report-aggregator.js';
import type { ReportChart } from './report-charts.js';

/** HTML-escapes a text. */
function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a `<script>` element (no `</script>`, no `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * A byte count in decimal units, as network tools count.
 *
 * @example bytesText(1234567) === '1.23 MB'
 */
export function bytesText(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[u]}`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function utc(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace('T', ' ').replace('Z', ' UTC');
}

function spanText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(s < 10 ? 3 : 1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

function card(label: string, value: string, title = ''): string {
  return `<div class="card"${title ? ` title="${esc(title)}"` : ''}><div class="v">${esc(value)}</div><div class="l">${esc(label)}</div></div>`;
}

function figure(chart: ReportChart | undefined): string {
  if (chart === undefined) return '';
  return `<figure class="chart" id="chart-${esc(chart.id)}"><figcaption>${esc(chart.title)}</figcaption>${chart.svg}</figure>`;
}

function topTable(list: TopList, keyTitle: string): string {
  const rows = list.byBytes
    .map((r, i) => `<tr><td class="n">${i + 1}</td><td class="key">${esc(r.key)}</td><td class="n" title="${r.bytes}">${esc(bytesText(r.bytes))}</td><td class="n">${count(r.flows)}</td><td class="n">${count(r.packets)}</td></tr>`)
    .join('');
  const note = list.exact ? '' : '<p class="note">Approximate: too many distinct keys to count them all in bounded memory; values are lower bounds.</p>';
  return `<details><summary>Table (top ${list.byBytes.length} by bytes)</summary><table class="top"><thead><tr><th>#</th><th>${esc(keyTitle)}</th><th>bytes</th><th>flows</th><th>packets</th></tr></thead><tbody>${rows}</tbody></table>${note}</details>`;
}

function topSection(id: string, title: string, list: TopList | null, keyTitle: string, charts: Map<string, ReportChart>, absent: string): string {
  if (list === null) return `<section id="${id}"><h2>${esc(title)}</h2><p class="note">${esc(absent)}</p></section>`;
  if (list.byBytes.length === 0) return `<section id="${id}"><h2>${esc(title)}</h2><p class="note">No values in these flows.</p></section>`;
  return `<section id="${id}"><h2>${esc(title)}</h2><div class="row">${figure(charts.get(`${id}-bytes`))}${figure(charts.get(`${id}-flows`))}</div>${topTable(list, keyTitle)}</section>`;
}

function summarySection(data: ReportData): string {
  const t = data.totals;
  const span = t.firstSeenMs !== null && t.lastSeenMs !== null ? t.lastSeenMs - t.firstSeenMs : null;
  const cards = [
    card('flows', count(t.flows)),
    card('bytes', bytesText(t.bytes), `${t.bytes} bytes`),
    card('packets in flows', count(t.packets)),
    card('time span', span === null ? '–' : spanText(span), `${utc(t.firstSeenMs)} – ${utc(t.lastSeenMs)}`),
  ];
  const s = data.summary;
  let accounting = '';
  if (s !== null) {
    const p = s.packets;
    cards.splice(2, 0, card('packets read', count(p.read)));
    const reasons = Object.entries(p.ignoredByReason)
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => `<tr><td class="reason">${esc(r)}</td><td class="n">${count(n)}</td></tr>`)
      .join('');
    accounting = `<table class="kv" id="packet-accounting"><tbody>
<tr><th>read</th><td class="n" data-k="read">${count(p.read)}</td></tr>
<tr><th>processed</th><td class="n" data-k="processed">${count(p.processed)}</td></tr>
<tr><th>ignored</th><td class="n" data-k="ignored">${count(p.ignored)}</td></tr>
<tr><th>filtered (BPF)</th><td class="n" data-k="filtered">${count(p.filtered)}</td></tr>
<tr><th>flows</th><td class="n" data-k="flows">${count(s.flows)}</td></tr>
</tbody></table>${reasons ? `<table class="kv" id="ignore-reasons"><thead><tr><th>ignored, by reason</th><th>packets</th></tr></thead><tbody>${reasons}</tbody></table>` : ''}`;
  }
  const sources = s?.sources?.length
    ? `<table class="kv" id="sources"><thead><tr><th>source</th><th>format</th><th>link type</th><th>packets</th><th>size</th><th>note</th></tr></thead><tbody>${s.sources
        .map((src) => {
          const note = src.error ?? (src.truncatedAt !== undefined ? `truncated last record at byte ${src.truncatedAt} dropped` : '');
          return `<tr><td class="key">${esc(src.path)}</td><td>${esc(src.format ?? '')}</td><td class="n">${esc(src.linkType ?? '')}</td><td class="n">${count(src.packetsRead ?? 0)}</td><td class="n">${src.size !== undefined ? esc(bytesText(src.size)) : ''}</td><td>${esc(note)}</td></tr>`;
        })
        .join('')}</tbody></table>`
    : `<ul class="inputs">${data.inputs.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
  const manifest = s?.manifest !== undefined ? `<details><summary>Manifest</summary><pre>${esc(JSON.stringify(s.manifest, null, 2))}</pre></details>` : '';
  const anon = data.anonymized.length > 0 ? `<p class="note">Anonymised columns (keyed hashes): ${esc(data.anonymized.join(', '))}.</p>` : '';
  const protos = data.protocols.byBytes.map((r) => `${esc(r.key)} ${esc(bytesText(r.bytes))} (${count(r.flows)} flows)`).join(' · ');
  return `<section id="summary"><h2>Run summary</h2><div class="cards">${cards.join('')}</div>
<p class="span">${esc(utc(t.firstSeenMs))} → ${esc(utc(t.lastSeenMs))}</p>
<p class="protos">${protos}</p>
<div class="row">${accounting}${sources}</div>${anon}${manifest}</section>`;
}

function largestSection(data: ReportData): string {
  const { columns, rows } = data.largestFlows;
  if (rows.length === 0) return '<section id="largest"><h2>Largest flows</h2><p class="note">No flows.</p></section>';
  const head = columns.map((c, i) => `<th data-col="${i}" tabindex="0" aria-sort="none">${esc(c.replace(/^bidirectional_/, ''))}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r
          .map((v, i) => {
            const c = columns[i]!;
            if (v === null) return '<td></td>';
            if (typeof v !== 'number') return `<td class="key" title="${esc(v)}">${esc(v)}</td>`;
            const shown = c === 'bidirectional_first_seen_ms' ? utc(v) : c === 'protocol' ? protocolName(v) : c === 'bidirectional_bytes' ? bytesText(v) : count(v);
            return `<td class="n" data-v="${v}">${esc(shown)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<section id="largest"><h2>Largest flows</h2>
<p><input id="flow-filter" type="search" placeholder="filter: address, port, application …" aria-label="filter the table"> <span id="flow-count">${rows.length} of ${rows.length} flows</span> <span class="note">(the ${rows.length} largest by bytes; click a column to sort)</span></p>
<div class="scroll"><table id="largest-flows" class="flows"><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div></section>`;
}

const STYLE = `
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f7f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg);margin:0}
header{background:#1d2330;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}header p{margin:2px 0 0;color:#c8cdd8;font-size:12px;word-break:break-all}
main{padding:8px 24px 40px;max-width:1280px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:14px 0}
h2{font-size:16px;margin:0 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:130px}
.card .v{font-size:20px;font-weight:600}.card .l{color:var(--muted);font-size:12px}
.row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure{margin:0}figcaption{font-weight:600;font-size:13px;margin:4px 0}
table{border-collapse:collapse;font-size:12px}th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.key{word-break:break-all;max-width:420px}
.note{color:var(--muted);font-size:12px}details{margin-top:8px}summary{cursor:pointer;color:#335;font-size:13px}
pre{font-size:11px;background:var(--bg);padding:8px;overflow:auto;max-height:320px}
.scroll{max-height:560px;overflow:auto;border:1px solid var(--line)}
table.flows td{white-space:nowrap}table.flows td.key{max-width:300px;overflow:hidden;text-overflow:ellipsis;word-break:normal}
table.flows thead th{position:sticky;top:0;background:#fff;cursor:pointer;user-select:none;white-space:nowrap}
table.flows th[aria-sort=ascending]::after{content:" ▲"}table.flows th[aria-sort=descending]::after{content:" ▼"}
#flow-filter{width:320px;padding:4px 8px;font:inherit}
@media print{body{background:#fff}.scroll{max-height:none;overflow:visible}details{display:block}#flow-filter{display:none}}
`;

// Sorting and filtering of the largest-flows table: the only script of the page (charts are SVG).
const SCRIPT = `(function(){
var t=document.getElementById('largest-flows');if(!t)return;
var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows),f=document.getElementById('flow-filter'),n=document.getElementById('flow-count');
function val(r,i){var c=r.cells[i];var v=c.getAttribute('data-v');return v===null?c.textContent:Number(v);}
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){
function sort(){var dir=th.getAttribute('aria-sort')==='descending'?1:-1;
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(o){o.setAttribute('aria-sort','none');});
th.setAttribute('aria-sort',dir>0?'ascending':'descending');
rows.sort(function(a,b){var x=val(a,i),y=val(b,i);return (x<y?-1:x>y?1:0)*dir;});
rows.forEach(function(r){body.appendChild(r);});}
th.addEventListener('click',sort);th.addEventListener('keydown',function(e){if(e.key==='Enter')sort();});});
f.addEventListener('input',function(){var q=f.value.trim().toLowerCase(),k=0;
rows.forEach(function(r){var show=q===''||r.textContent.toLowerCase().indexOf(q)>=0;r.hidden=!show;if(show)k++;});
n.textContent=k+' of '+rows.length+' flows';});
})();`;

/**
 * The report as one self-contained HTML page: styles, the SVG charts, the tables, the aggregates
 * as JSON (`<script type="application/json" id="report-data">`) and a small inline script that
 * sorts and filters the largest-flows table. Nothing is loaded from the network.
 *
 * @example
 * ```ts
 * const html = reportHtml(data, await renderCharts(data));
 * writeFileSync('report.html', html);
 * ```
 */
export function reportHtml(data: ReportData, charts: readonly ReportChart[], generatedAt = new Date()): string {
  const byId = new Map(charts.map((c) => [c.id, c]));
  const title = data.inputs.length > 0 ? data.inputs.map((p) => p.split('/').pop()).join(', ') : 'flows';
  const traffic =
    data.totals.flows === 0
      ? '<section id="traffic"><h2>Traffic over time</h2><p class="note">No flows.</p></section>'
      : `<section id="traffic"><h2>Traffic over time</h2>${figure(byId.get('traffic-bytes'))}${figure(byId.get('traffic-flows'))}</section>`;
  const d = data.distributions;
  const zeroNote = d.durationMs.zero > 0 ? `<p class="note">${count(d.durationMs.zero)} flows last 0 ms (not on the log axis).</p>` : '';
  const dists =
    data.totals.flows === 0
      ? ''
      : `<section id="distributions"><h2>Distributions</h2><div class="row">${figure(byId.get('dist-duration'))}${figure(byId.get('dist-bytes'))}${figure(byId.get('dist-packets'))}</div>${zeroNote}</section>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>flowstream report: ${esc(title)}</title><style>${STYLE}</style></head>
<body><header><h1>flowstream report</h1><p>${esc(data.inputs.join(' · '))} — generated ${esc(utc(generatedAt.getTime()))} by flowstream ${esc(FLOWSTREAM_VERSION)}</p></header>
<main>
${summarySection(data)}
${traffic}
${topSection('talkers', 'Top talkers', data.talkers, 'address', byId, '')}
${topSection('conversations', 'Top conversations', data.conversations, 'address pair', byId, '')}
${topSection('applications', 'Top applications (nDPI)', data.applications, 'application_name', byId, 'No application_name column (nDPI off: --n-dissections 0, or the column was not kept).')}
${topSection('ports', 'Top ports (protocol/destination port)', data.ports, 'port', byId, '')}
${topSection('server-names', 'TLS server names (requested_server_name)', data.serverNames, 'server name', byId, 'No requested_server_name column (nDPI off).')}
${topSection('ja4', 'JA4 fingerprints (udps.ja4)', data.ja4, 'JA4', byId, 'No udps.ja4 column (add --plugin ja4).')}
${dists}
${largestSection(data)}
</main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
