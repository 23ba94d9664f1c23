import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

describe('the audit core and the providers', () => {
  it('audit, diff and reports import nothing from providers (the Lambda shell alone passes the registry in)', async () => {
    const files = [
      ...(await sources('functions/audit')),
      ...(await sources('functions/diff')),
      ...(await sources('functions/reports')),
    ].filter((file) => file !== join('functions', 'audit', 'handler.ts'));
    expect(files.length).toBeGreaterThan(20);
    const offending: string[] = [];
    for (const file of files) {
      const text = await readFile(join(root, file), 'utf8');
      if (/from '[^']*\/providers\//.test(text)) offending.push(file);
    }
    expect(offending).toEqual([]);
  });
});
