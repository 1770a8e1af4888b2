// `node --import <this file>`: installs fallback-hooks.mjs (see there).
import { register } from 'node:module';

register('./fallback-hooks.mjs', import.meta.url);
