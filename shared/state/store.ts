import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Clients } from '../aws/clients';
import { errorCode, errorMessage } from '../errors';
import type { PreviousState } from './diff';
import type { Snapshot } from './snapshot';
import { parseState } from './dir';

/** Where the previous runs' findings live: one object per stage and audit. */
export interface StateStore {
  /** Never throws: a failed or malformed read is `unreadable`, naming why. */
  read(stage: string, auditId: string): Promise<PreviousState>;
  write(snapshot: Snapshot): Promise<void>;
}

/** Codes meaning "no previous run" (NoSuchKey needs s3:ListBucket on the prefix, else S3 answers AccessDenied). */
const MISSING = new Set(['NoSuchKey', 'NotFound']);

/**
 * The state bucket created by the deploy. Keys are `<prefix>/<auditId>.json`; each function's role may only
 * read and write under its own prefix (its function key).
 */
export class S3StateStore implements StateStore {
  constructor(
    private readonly clients: Clients,
    readonly bucket: string,
    readonly prefix: string,
    private readonly region?: string,
  ) {}

  key(auditId: string): string {
    return `${this.prefix}/${auditId}.json`;
  }

  private s3(): S3Client {
    return this.clients.get(S3Client, 's3', this.region);
  }

  async read(stage: string, auditId: string): Promise<PreviousState> {
    const where = `s3://${this.bucket}/${this.key(auditId)}`;
    let text: string;
    try {
      const res = await this.s3().send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(auditId) }));
      text = (await res.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      const code = errorCode(error);
      if (MISSING.has(code)) return { auditId, kind: 'missing' };
      return { auditId, kind: 'unreadable', code, message: `${where}: ${errorMessage(error)}` };
    }
    return parseState(text, stage, auditId, where);
  }

  async write(snapshot: Snapshot): Promise<void> {
    await this.s3().send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.key(snapshot.auditId), Body: JSON.stringify(snapshot), ContentType: 'application/json' }),
    );
  }
}
