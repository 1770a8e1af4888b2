// Runs the CLI from its TypeScript sources (tests): `node --conditions=source --import tsx cli-entry.ts ARGS`,
// started as the committed launcher (bin/flowstream.js) starts it.
import { prestartCliMeters } from '../../src/cli/prestart-meters.js';
import { prestartCliSink } from '../../src/cli/prestart-sink.js';
import { discardStdinPipe, prestartCliStdin } from '../../src/cli/prestart-stdin.js';

prestartCliMeters(process.argv.slice(2));
prestartCliSink(process.argv.slice(2));
prestartCliStdin(process.argv.slice(2));
const { main } = await import('../../src/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`flowstream: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
).finally(discardStdinPipe);
