// Module resolve hook for the examples tests: when a bare import from examples/ (rxjs,
// @duckdb/node-api, nodejs-polars) is not resolvable from the repository root, resolve it as
// @flowstream/streamer would (they are its dependencies/devDependencies). Remove once the root
// package.json lists them (see examples.test.ts, "dependencies resolve from examples/").
const STREAMER = new URL('../../../package.json', import.meta.url).href;
const EXAMPLES = new URL('../../../../../examples/', import.meta.url).href;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const bare = !/^(?:[./]|[a-z]+:)/i.test(specifier);
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !bare || !context.parentURL?.startsWith(EXAMPLES)) throw err;
    return next(specifier, { ...context, parentURL: STREAMER });
  }
}
