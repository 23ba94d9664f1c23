/** `npm run schema`: regenerates schema/rollcall.config.schema.json from the config's zod schema. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { configJsonSchema } from '../../functions/config/json-schema.ts';

const target = resolve(import.meta.dirname, '../../schema/rollcall.config.schema.json');
await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
