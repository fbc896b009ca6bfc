// Claim checks: an S3 object (mocked) or a local one, behind a pointer that names its store.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ClaimCheckNotFound,
  FileClaimCheckStore,
  InMemoryClaimCheckStore,
  loadClaimCheck,
  S3ClaimCheckStore,
  storeClaimCheck,
} from '#shared/events/claim-check';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

describe('the S3 claim-check store', () => {
  const store = new S3ClaimCheckStore('claims-bucket');

  it('puts the payload encrypted in our bucket and reads it back through the pointer', async () => {
    s3.on(PutObjectCommand).resolves({});
    const pointer = await storeClaimCheck('activity-received/garmin/abc.json', { activityDetails: [{ summaryId: 's' }] }, store);
    expect(pointer).toBe('s3://claims-bucket/activity-received/garmin/abc.json');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'claims-bucket',
      Key: 'activity-received/garmin/abc.json',
      ServerSideEncryption: 'aws:kms',
    });

    // The SDK's streaming body, reduced to the one method the store calls.
    const body = { transformToString: async () => '{"activityDetails":[{"summaryId":"s"}]}' };
    s3.on(GetObjectCommand, { Bucket: 'claims-bucket', Key: 'activity-received/garmin/abc.json' }).resolves({ Body: body as never });
    expect(await loadClaimCheck(pointer, store)).toEqual({ activityDetails: [{ summaryId: 's' }] });
  });

  it('reads only from its own bucket, and says when the object is gone', async () => {
    await expect(loadClaimCheck('s3://someone-elses-bucket/x.json', store)).rejects.toThrow(/not in bucket/);
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('gone'), { name: 'NoSuchKey' }));
    await expect(loadClaimCheck('s3://claims-bucket/activity-received/x.json', store)).rejects.toBeInstanceOf(ClaimCheckNotFound);
  });

  it('refuses keys that could leave the prefix', async () => {
    await expect(store.put('../etc/passwd', '{}')).rejects.toThrow(/invalid claim check key/);
  });
});

describe('local claim-check stores', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a directory and process memory keep payloads the same way', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'claims-'));
    for (const store of [new FileClaimCheckStore(dir), new InMemoryClaimCheckStore()]) {
      const pointer = await storeClaimCheck('activity-received/apple/k.json', { workouts: [] }, store);
      expect(await loadClaimCheck(pointer, store)).toEqual({ workouts: [] });
      await expect(loadClaimCheck(pointer.replace('k.json', 'missing.json'), store)).rejects.toBeInstanceOf(ClaimCheckNotFound);
    }
  });
});
