import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ObjectStoreError, type ListedObject, type ObjectStore } from '@redstep/core';
import type { AwsConfig } from '@redstep/store';
import type { EgressGuard } from './egress-guard.js';

/**
 * The Distributed Map's S3 access (ItemReader, ResultWriter) through @aws-sdk/client-s3, with the
 * SDK integrations' settings and egress guard: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else the SDK's default
 * endpoint when credentials are configured. A configured endpoint is addressed path-style, as
 * S3-compatible stores (MinIO, LocalStack) expect. Undefined when none is configured: the Map
 * then fails at once.
 */
export function s3ObjectStore(config: AwsConfig, timeoutMs: number, guard: EgressGuard): ObjectStore | undefined {
  const endpoint = config.endpoints.S3 ?? config.endpoint;
  if (!endpoint && !config.credentials) return undefined;
  const client = new S3Client({
    region: config.region,
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, ...guard.nodeAgents() },
    ...(endpoint && { endpoint, forcePathStyle: true }),
  });
  return new SdkObjectStore(client);
}

export class SdkObjectStore implements ObjectStore {
  constructor(private readonly client: S3Client) {}

  async getObject(request: { Bucket: string; Key: string; VersionId?: string }): Promise<Uint8Array> {
    return call(async () => {
      const out = await this.client.send(new GetObjectCommand(request));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
    });
  }

  async listObjects(request: { Bucket: string; Prefix?: string }): Promise<ListedObject[]> {
    return call(async () => {
      const objects: ListedObject[] = [];
      let token: string | undefined;
      do {
        const out = await this.client.send(new ListObjectsV2Command({ ...request, ...(token && { ContinuationToken: token }) }));
        for (const o of out.Contents ?? []) {
          objects.push({ key: o.Key ?? '', etag: o.ETag ?? '', lastModified: o.LastModified?.getTime() ?? 0, size: o.Size ?? 0, storageClass: o.StorageClass ?? 'STANDARD' });
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return objects;
    });
  }

  async putObject(request: { Bucket: string; Key: string; Body: string }): Promise<void> {
    await call(() => this.client.send(new PutObjectCommand({ ...request, ContentType: 'application/json' })));
  }
}

/** Every failure as an ObjectStoreError: S3's answer with its code and status, or the transport's. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof S3ServiceException) {
      throw new ObjectStoreError(e.name, e.message || e.name, e.$metadata.httpStatusCode, e.$metadata.requestId);
    }
    const err = e as Error & { cause?: Error };
    throw new ObjectStoreError('SdkClientException', `Unable to execute HTTP request: ${err.cause?.message ?? err.message ?? String(e)}`);
  }
}
