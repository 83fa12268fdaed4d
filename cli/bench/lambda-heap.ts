import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { lambdaSchema } from '../../shared/config/lambda';
import { DEFAULT_MEMORY_MB } from '../../shared/deploy/lambda';
import { CONFIG_DIR } from '../../shared/paths';

/**
 * The V8 heap limits the AWS Lambda Node.js runtime starts node with for a function of `memoryMb`: its
 * bootstrap, when NODE_OPTIONS sets neither flag, gives a tenth of the memory to the young generation
 * (V8's is three semi-spaces) and the rest to the old space. A deployed function therefore collects garbage
 * as its heap nears its memory, where a bare `node` here grows the heap towards its machine default first.
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 3)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

/** The memorySize of the sample stage's audit functions: its `lambda.memorySize`, else the deploy default. */
export function sampleAuditMemoryMb(): number {
  const sample = parse(readFileSync(join(CONFIG_DIR, 'sample.yml'), 'utf8')) as { lambda?: unknown } | null;
  return lambdaSchema.parse(sample?.lambda ?? {}).memorySize ?? DEFAULT_MEMORY_MB;
}

/** Set in the child of the unconstrained (reference) run: its figures are printed without targets. */
export const REFERENCE_ENV = 'OPSBOTS_BENCH_REFERENCE';
export const isReferenceRun = () => process.env[REFERENCE_ENV] === '1';
