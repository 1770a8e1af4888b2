/**
 * How long a report takes to open in headless Chromium (navigation to the load event, networking
 * off), and whether it drew its charts. Used by the `report` row of scripts/bench.mjs.
 *
 * usage: node --import tsx scripts/report-open-time.ts REPORT.html [RUNS]   → one JSON line
 */
import { pathToFileURL } from 'node:url';
import { chromiumPath, HeadlessChromium } from '../packages/streamer/test/support/headless-chromium.js';

const [file, runsText] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: report-open-time.ts REPORT.html [RUNS]');
const binary = chromiumPath();
if (binary === null) throw new Error('chromium is not installed (apt-get install chromium)');
const browser = await HeadlessChromium.launch(binary);
try {
  const loads: number[] = [];
  let charts = 0;
  let problems = 0;
  for (let i = 0; i < Number(runsText ?? 3); i++) {
    const opened = await browser.open(pathToFileURL(file).href);
    loads.push(opened.loadMs);
    problems = opened.problems.length;
    // rendering counts too: wait for a frame after load, then count charts with marks
    charts = await opened.page.evaluate<number>(
      `new Promise(r => requestAnimationFrame(() => r(Array.from(document.querySelectorAll('figure.chart')).filter(f => f.querySelector('svg g.role-mark path')).length)))`,
    );
  }
  process.stdout.write(`${JSON.stringify({ loadMs: loads, charts, problems })}\n`);
} finally {
  await browser.close();
}
