/**
 * S3 as the interpreter sees it: the worker injects an implementation through StepOptions, so
 * the interpreter stays free of the AWS SDK. Reads are idempotent and writes go to keys the
 * caller derives deterministically, so a step replayed after a crash produces the same result.
 */
export interface ObjectStore {
  /** The object's body, as stored (the reader decodes text and decompresses). */
  getObject(request: { Bucket: string; Key: string; VersionId?: string }): Promise<Uint8Array>;
  /** Every object under the prefix, across all pages, in key order. */
  listObjects(request: { Bucket: string; Prefix?: string }): Promise<ListedObject[]>;
  putObject(request: { Bucket: string; Key: string; Body: string }): Promise<void>;
}

export interface ListedObject {
  key: string;
  etag: string;
  /** Epoch milliseconds. */
  lastModified: number;
  size: number;
  storageClass: string;
}

/** A failed S3 call, named as S3 names its errors (`NoSuchKey`, `NoSuchBucket`, `AccessDenied`). */
export class ObjectStoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode?: number,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ObjectStoreError';
  }

  /** The cause Step Functions reports: the service's message with its status and request id. */
  describe(): string {
    if (this.statusCode === undefined) return this.message;
    return `${this.message} (Service: S3, Status Code: ${this.statusCode}, Request ID: ${this.requestId ?? 'null'})`;
  }
}
