#!/usr/bin/env node
// Committed launcher: pnpm links this file as `flowstream` at install time, before dist/ exists.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`flowstream: ${err?.stack ?? err}\n`); process.exitCode = 1; },
);
