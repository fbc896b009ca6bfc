// Where a research dataset goes: a directory (npm run research:export -- --out DIR, and the local runtime), or
// the research bucket in AWS (S3, KMS-encrypted by the bucket's default key). Files are written to a directory
// first either way, so a page of rows is on disk before the next is read and memory stays flat.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { config } from '#shared/config';

export interface DatasetFile {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface DatasetSink {
  open(name: string): DatasetFile;
  /** Seals the dataset; returns where it is. */
  finish(): Promise<string>;
}

function fileAt(filePath: string): DatasetFile {
  const stream: WriteStream = createWriteStream(filePath, { encoding: 'utf8', mode: 0o600 });
  return {
    write: (text) =>
      new Promise<void>((resolve, reject) => {
        // Back-pressure: wait for the buffer to drain before the next page is read.
        if (stream.write(text)) return resolve();
        const done = (error?: Error) => {
          stream.off('drain', done).off('error', done);
          if (error) reject(error);
          else resolve();
        };
        stream.on('drain', done).on('error', done);
      }),
    close: () => new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve()))),
  };
}

export class DirectorySink implements DatasetSink {
  private made: Promise<unknown> | undefined;
  constructor(readonly dir: string) {}

  open(name: string): DatasetFile {
    let file: DatasetFile | undefined;
    const ready = async () => {
      this.made ??= mkdir(this.dir, { recursive: true, mode: 0o700 });
      await this.made;
      return (file ??= fileAt(path.join(this.dir, name)));
    };
    return {
      write: async (text) => (await ready()).write(text),
      close: async () => (await ready()).close(),
    };
  }

  async finish(): Promise<string> {
    return this.dir;
  }
}

/** Writes to a private temporary directory, then uploads each file under `prefix` and removes the directory. */
export class S3Sink implements DatasetSink {
  private readonly local: Promise<DirectorySink>;
  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly client: S3Client = new S3Client({}),
  ) {
    this.local = mkdtemp(path.join(tmpdir(), 'research-')).then((dir) => new DirectorySink(dir));
  }

  open(name: string): DatasetFile {
    const file = this.local.then((sink) => sink.open(name));
    return { write: async (text) => (await file).write(text), close: async () => (await file).close() };
  }

  async finish(): Promise<string> {
    const { dir } = await this.local;
    try {
      for (const name of await readdir(dir)) {
        const filePath = path.join(dir, name);
        const { size } = await stat(filePath);
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: `${this.prefix}${name}`,
            Body: createReadStream(filePath),
            ContentLength: size,
            ContentType: name.endsWith('.json') ? 'application/json' : name.endsWith('.md') ? 'text/markdown' : 'text/csv',
            ServerSideEncryption: 'aws:kms',
          }),
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return `s3://${this.bucket}/${this.prefix}`;
  }
}

/** The schedule's sink: the research bucket in AWS (RESEARCH_BUCKET), else a directory under RESEARCH_DIR. */
export function researchSink(now: Date): DatasetSink {
  // The month and a random suffix: two exports of one month never overwrite each other.
  const name = `${now.toISOString().slice(0, 7)}-${randomBytes(4).toString('hex')}`;
  const { RESEARCH_BUCKET, RESEARCH_DIR } = config();
  return RESEARCH_BUCKET ? new S3Sink(RESEARCH_BUCKET, `exports/${name}/`) : new DirectorySink(path.join(RESEARCH_DIR, name));
}
