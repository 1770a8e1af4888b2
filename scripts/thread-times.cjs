// Per-thread CPU of a flowstream run: preload it (`node -r ./scripts/thread-times.cjs
// packages/streamer/bin/flowstream.js F …`) and, at exit, it prints on stderr the process's wall
// time and, for each thread still alive, its CPU time and its time waiting for a core (ms, from
// /proc/self/task/*/schedstat). Threads that ended before the exit (a pipe reader, meter workers)
// are not listed; `perf record` sees them. Linux only; CommonJS so that `-r` loads it before the
// CLI's modules.
'use strict';
const { readdirSync, readFileSync, writeSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  process.on('exit', () => {
    const rows = [];
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
        const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
        if (run > 1e6) rows.push(`${name}[${tid}] cpu ${(run / 1e6).toFixed(0)} wait ${(wait / 1e6).toFixed(0)}`);
      } catch {
        // the thread ended meanwhile
      }
    }
    writeSync(2, `thread-times: ${(process.uptime() * 1000).toFixed(0)} ms since the process started | ${rows.join(' | ')}\n`);
  });
}
