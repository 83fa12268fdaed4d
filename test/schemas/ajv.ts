import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SCHEMA_DIR = join(__dirname, '../../schemas');

/** A strict draft 2020-12 validator for a schema of the repo's schemas/ folder or one given inline. */
export function validator(schema: string | object): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(typeof schema === 'string' ? JSON.parse(readFileSync(join(SCHEMA_DIR, schema), 'utf8')) : schema);
}

/** The validator's errors, one line each, for a readable failure. */
export function problems(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
