#!/usr/bin/env node
// Committed launcher: pnpm links this file as `flowstream` at install time, before dist/ exists.
import { prestartCliMeters } from '../dist/bundle/prestart-meters.js';

// parallel meters, the snapshot output and a pipe on stdin: their threads start first, so that their start-up overlaps loading the CLI;
// the meters' helper loads nothing else (a worker started 35 ms sooner is a dissection thread ready sooner), the others need the core
prestartCliMeters(process.argv.slice(2));
const [{ prestartCliSink }, { discardStdinPipe, prestartCliStdin }] = await Promise.all([
  import('../dist/bundle/prestart-sink.js'),
  import('../dist/bundle/prestart-stdin.js'),
]);
prestartCliSink(process.argv.slice(2));
prestartCliStdin(process.argv.slice(2));
const { main } = await import('../dist/bundle/cli.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`flowstream: ${err?.stack ?? err}\n`); process.exitCode = 1; },
).finally(discardStdinPipe);
