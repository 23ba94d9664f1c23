import * as z from 'zod';
import { configSchema } from './schema.ts';

/** The JSON Schema of rollcall.config.json, for editor completion; generated from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'rollcall configuration',
  };
}
