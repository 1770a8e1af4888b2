#!/usr/bin/env node
// Committed launcher: pnpm links this file as `flowstream` at install time, before dist/ exists.
import { prestartCliMeters } from '../dist/bundle/prestart-meters.js';
import { prestartCliSink } from '../dist/bundle/prestart-sink.js';
import { discardStdinPipe, prestartCliStdin } from '../dist/bundle/prestart-stdin.js';

// parallel meters, the snapshot output and a pipe on stdin: their threads start first, so that their start-up overlaps loading the CLI
prestartCliMeters(process.argv.slice(2));
prestartCliSink(process.argv.slice(2));
prestartCliStdin(process.argv.slice(2));
const { main } = await import('../dist/bundle/cli.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`flowstream: ${err?.stack ?? err}\n`); process.exitCode = 1; },
).finally(discardStdinPipe);
