/** Writes `<outdir>/rollcall.mjs` (default: dist/) and its source map; resolves to the bundle's path. */
export function buildCli(outdir?: string): Promise<string>;
