// Claim checks: an event payload too large for EventBridge (256 KB an entry) waits in a store while a
// pointer to it travels on the bus. The store is S3 in AWS (CLAIM_CHECK_BUCKET), a directory when
// CLAIM_CHECK_DIR is set, and process memory otherwise (npm start and tests, where the webhook and the
// worker share the process). The pointer names its store, so a consumer loads it with `loadClaimCheck`
// whichever store wrote it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { config } from '#shared/config';

export interface ClaimCheckStore {
  /** Stores the body under `key` (overwriting: keys are derived from the event, so a retry reuses one). */
  put(key: string, body: string): Promise<string>;
  /** The body a pointer from `put` names. */
  get(pointer: string): Promise<string>;
}

export class ClaimCheckNotFound extends Error {
  constructor(pointer: string) {
    super(`claim check ${pointer} does not exist`);
    this.name = 'ClaimCheckNotFound';
  }
}

/** Keys are [a-z0-9/._-] only: they come from our own code, and a path in them must not escape a directory. */
function checkKey(key: string): string {
  if (!/^[a-z0-9][a-z0-9/._-]{0,500}$/i.test(key) || key.includes('..')) throw new Error(`invalid claim check key: ${key}`);
  return key;
}

let s3: S3Client | undefined;
const s3Client = () => (s3 ??= new S3Client({}));

export class S3ClaimCheckStore implements ClaimCheckStore {
  constructor(
    private readonly bucket: string,
    private readonly client: () => S3Client = s3Client,
  ) {}

  async put(key: string, body: string): Promise<string> {
    await this.client().send(
      // Under the bucket's customer-managed KMS key (its default encryption, lib/aws/claim-checks.ts).
      new PutObjectCommand({ Bucket: this.bucket, Key: checkKey(key), Body: body, ContentType: 'application/json', ServerSideEncryption: 'aws:kms' }),
    );
    return `s3://${this.bucket}/${key}`;
  }

  async get(pointer: string): Promise<string> {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(pointer);
    // Only our own bucket: a pointer is data, and must not make the worker read anything it can reach.
    if (!match || match[1] !== this.bucket) throw new Error(`claim check ${pointer} is not in bucket ${this.bucket}`);
    try {
      const out = await this.client().send(new GetObjectCommand({ Bucket: this.bucket, Key: checkKey(match[2]!) }));
      if (!out.Body) throw new ClaimCheckNotFound(pointer);
      return await out.Body.transformToString('utf8');
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') throw new ClaimCheckNotFound(pointer);
      throw error;
    }
  }
}

export class FileClaimCheckStore implements ClaimCheckStore {
  constructor(private readonly dir: string) {}

  async put(key: string, body: string): Promise<string> {
    const file = path.join(this.dir, checkKey(key));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body, 'utf8');
    return `file:${key}`;
  }

  async get(pointer: string): Promise<string> {
    if (!pointer.startsWith('file:')) throw new Error(`claim check ${pointer} is not a file claim check`);
    try {
      return await readFile(path.join(this.dir, checkKey(pointer.slice('file:'.length))), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ClaimCheckNotFound(pointer);
      throw error;
    }
  }
}

export class InMemoryClaimCheckStore implements ClaimCheckStore {
  readonly objects = new Map<string, string>();

  async put(key: string, body: string): Promise<string> {
    this.objects.set(checkKey(key), body);
    return `memory:${key}`;
  }

  async get(pointer: string): Promise<string> {
    const body = pointer.startsWith('memory:') ? this.objects.get(pointer.slice('memory:'.length)) : undefined;
    if (body === undefined) throw new ClaimCheckNotFound(pointer);
    return body;
  }
}

let shared: ClaimCheckStore | undefined;

/** The process-wide store chosen by configuration. */
export function claimCheckStore(): ClaimCheckStore {
  if (!shared) {
    const c = config();
    shared = c.CLAIM_CHECK_BUCKET
      ? new S3ClaimCheckStore(c.CLAIM_CHECK_BUCKET)
      : c.CLAIM_CHECK_DIR
        ? new FileClaimCheckStore(c.CLAIM_CHECK_DIR)
        : new InMemoryClaimCheckStore();
  }
  return shared;
}

export function setClaimCheckStore(store: ClaimCheckStore | undefined): void {
  shared = store;
}

/** Stores a JSON payload and returns its pointer. */
export async function storeClaimCheck(key: string, payload: unknown, store: ClaimCheckStore = claimCheckStore()): Promise<string> {
  return store.put(key, JSON.stringify(payload));
}

/** The payload a claim check points at, parsed. Throws ClaimCheckNotFound when it is gone (expired or never written). */
export async function loadClaimCheck(pointer: string, store: ClaimCheckStore = claimCheckStore()): Promise<unknown> {
  return JSON.parse(await store.get(pointer)) as unknown;
}
