#!/usr/bin/env node
// Committed launcher: pnpm links this file as `flowstream` at install time, before dist/ exists.
// parallel meters, the snapshot output and a pipe on stdin: their threads start first, so that their start-up overlaps loading the CLI.
// The three helpers load together (module files are read asynchronously); the meters' helper, which loads nothing else, starts its
// workers as soon as it is in (a dissection thread ready 25 ms sooner), the others need the core
const meters = import('../dist/bundle/prestart-meters.js');
const others = Promise.all([import('../dist/bundle/prestart-sink.js'), import('../dist/bundle/prestart-stdin.js')]);
(await meters).prestartCliMeters(process.argv.slice(2));
const [{ prestartCliSink }, { discardStdinPipe, prestartCliStdin }] = await others;
prestartCliSink(process.argv.slice(2));
prestartCliStdin(process.argv.slice(2));
const { main } = await import('../dist/bundle/cli.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`flowstream: ${err?.stack ?? err}\n`); process.exitCode = 1; },
).finally(discardStdinPipe);
