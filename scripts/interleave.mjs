#!/usr/bin/env node
// Interleaved wall-clock medians of shell commands: each round runs every command once, in order,
// so a change in the machine's load hits all of them alike. For A/B comparisons of two builds (a
// git worktree of the previous commit beside this one) and of options, where `pnpm bench` times
// only the current build's fixed rows. Plain Node, no build step.
//
// usage: node scripts/interleave.mjs ROUNDS LABEL 'COMMAND' [LABEL 'COMMAND' ...]
//   node scripts/interleave.mjs 9 before '../base/packages/streamer/bin/flowstream.js F --format none' \
//                                 after 'packages/streamer/bin/flowstream.js F --format none'
// Prints, per command: median and minimum in ms, and minor page faults of the last round.
// As `pnpm bench` does, the commands run without the variables of lib/startup-variables.mjs
// (NODE_EXTRA_CA_CERTS: 30-100 ms a Node start on the benchmark VM, which would flatten every ratio).
import { spawnSync } from 'node:child_process';
import { withoutStartupVariables } from './lib/startup-variables.mjs';

const [rounds, ...pairs] = process.argv.slice(2);
const n = Number(rounds);
if (!Number.isInteger(n) || n < 1 || pairs.length === 0 || pairs.length % 2 !== 0) {
  process.stderr.write("usage: node scripts/interleave.mjs ROUNDS LABEL 'COMMAND' [LABEL 'COMMAND' ...]\n");
  process.exit(2);
}
const env = withoutStartupVariables(process.env);
const commands = [];
for (let i = 0; i < pairs.length; i += 2) commands.push({ label: pairs[i], command: pairs[i + 1], ms: [], faults: 0 });

for (let r = 0; r < n; r++) {
  for (const c of commands) {
    const start = process.hrtime.bigint();
    // /usr/bin/time's %R: minor faults of the command (first-touch pages cost a fault each)
    const run = spawnSync('/usr/bin/time', ['-f', '%R', '/bin/sh', '-c', c.command], { stdio: ['ignore', 'ignore', 'pipe'], env });
    c.ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (run.status !== 0) {
      process.stderr.write(`${c.label}: exit ${run.status}\n${run.stderr}`);
      process.exit(1);
    }
    c.faults = Number(run.stderr.toString().trim().split('\n').at(-1));
  }
}
for (const c of commands) {
  const v = [...c.ms].sort((a, b) => a - b);
  process.stdout.write(`${c.label.padEnd(12)} median ${v[v.length >> 1].toFixed(1).padStart(8)} ms  min ${v[0].toFixed(1).padStart(8)} ms  minor faults ${c.faults}\n`);
}
