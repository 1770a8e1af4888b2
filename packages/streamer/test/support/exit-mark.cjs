// Preloaded by tests (`node --require`): writes a mark on stdout when the process exits, so that
// what V8's traces printed before the exit can be told from what Node's own ending printed.
'use strict';
process.on('exit', () => require('node:fs').writeSync(1, '\nflowstream-test: exit\n'));
