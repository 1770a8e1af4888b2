/** flowstream's version (kept in step with the packages' package.json). */
export const FLOWSTREAM_VERSION = '0.1.0';
