import type { AwsClientStub } from 'aws-sdk-client-mock';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * An in-memory S3 behind aws-sdk-client-mock: PutObject stores, GetObject returns the body (with the
 * SDK's transformToString) or fails with NoSuchKey like S3 does when the caller may list the prefix.
 */
export function memoryS3(s3: AwsClientStub<S3Client>): Map<string, string> {
  const objects = new Map<string, string>();
  s3.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string }) => {
    objects.set(`${input.Bucket}/${input.Key}`, String(input.Body));
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const body = objects.get(`${input.Bucket}/${input.Key}`);
    if (body === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return { Body: { transformToString: async () => body } };
  });
  return objects;
}
