/** Writes `<outdir>/rollcall.mjs` (default: dist/), its chunks and their source maps; resolves to the entry's path. */
export function buildCli(outdir?: string): Promise<string>;
