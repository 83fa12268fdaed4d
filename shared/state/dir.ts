import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, errorMessage } from '../errors';
import type { PreviousState } from './diff';
import { snapshotSchema, type Snapshot } from './snapshot';
import type { StateStore } from './store';

// No SDK here: the CLI's state store (and the parsing both stores share) never loads the S3 client.

/** A stored state's text as a PreviousState: `unreadable` (MalformedState) when it is not JSON or not this stage's and audit's. */
export function parseState(text: string, stage: string, auditId: string, where: string): PreviousState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { auditId, kind: 'unreadable', code: 'MalformedState', message: `${where} is not JSON` };
  }
  const snapshot = snapshotSchema.safeParse(parsed);
  if (!snapshot.success || snapshot.data.stage !== stage || snapshot.data.auditId !== auditId) {
    return { auditId, kind: 'unreadable', code: 'MalformedState', message: `${where} is not a state of ${auditId} in stage ${stage}` };
  }
  return { auditId, kind: 'found', snapshot: snapshot.data };
}

/** The CLI's state: one file per audit, `<dir>/<auditId>.json` (the same content as in the state bucket). */
export class DirStateStore implements StateStore {
  constructor(readonly dir: string) {}

  async read(stage: string, auditId: string): Promise<PreviousState> {
    const path = join(this.dir, `${auditId}.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { auditId, kind: 'missing' };
      return { auditId, kind: 'unreadable', code: errorCode(error), message: `${path}: ${errorMessage(error)}` };
    }
    return parseState(text, stage, auditId, path);
  }

  async write(snapshot: Snapshot): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, `${snapshot.auditId}.json`), JSON.stringify(snapshot));
  }
}
