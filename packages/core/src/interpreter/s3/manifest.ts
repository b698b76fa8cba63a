import { StatesError } from '../../errors.js';

/**
 * The two manifests an ItemReader follows to its data files (ReaderConfig.ManifestType):
 *
 * - S3_INVENTORY (InputType MANIFEST): an S3 Inventory `manifest.json`. Its `files` are the
 *   inventory's data files in the `destinationBucket` (an S3 bucket ARN); `fileFormat` says how
 *   they are written (CSV, gzip-compressed and without a header row, its columns named by the
 *   comma-separated `fileSchema`; or Parquet, its columns named by the file itself).
 * - ATHENA_DATA (InputType CSV, JSONL or PARQUET: the data files' format): the data manifest an
 *   Athena UNLOAD writes, one `s3://bucket/key` URI of a data file per line.
 */

export interface DataFile {
  bucket: string;
  key: string;
}

export interface InventoryManifest {
  files: DataFile[];
  /** `CSV`, `Parquet` or `ORC`, as S3 Inventory writes it. */
  format: string;
  /** The CSV columns in order (empty for a Parquet inventory, whose columns are in the files). */
  columns: string[];
}

const BUCKET_ARN = /^arn:[a-z-]+:s3:::(.+)$/;

/** The inventory manifest `text` (object `key` of bucket `bucket`); bad content fails with `error`. */
export function inventoryManifest(text: string, key: string, bucket: string, error: string): InventoryManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new StatesError(error, `The manifest '${key}' is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new StatesError(error, `The manifest '${key}' is not an S3 Inventory manifest: it is not a JSON object.`);
  const m = doc as Record<string, unknown>;
  const files = m.files;
  if (!Array.isArray(files)) throw new StatesError(error, `The manifest '${key}' is not an S3 Inventory manifest: it has no 'files' array.`);
  const destination = typeof m.destinationBucket === 'string' ? m.destinationBucket : undefined;
  const dataBucket = destination === undefined ? bucket : (BUCKET_ARN.exec(destination)?.[1] ?? destination);
  const format = typeof m.fileFormat === 'string' ? m.fileFormat : 'CSV';
  const schema = typeof m.fileSchema === 'string' ? m.fileSchema : '';
  const columns = format.toUpperCase() === 'CSV' ? schema.split(',').map((c) => c.trim()).filter((c) => c !== '') : [];
  if (format.toUpperCase() === 'CSV' && columns.length === 0) throw new StatesError(error, `The manifest '${key}' has no 'fileSchema' naming the inventory's columns.`);
  return {
    format,
    columns,
    files: files.map((f, i) => {
      const fileKey = typeof f === 'object' && f !== null ? (f as Record<string, unknown>).key : undefined;
      if (typeof fileKey !== 'string' || fileKey === '') throw new StatesError(error, `The manifest '${key}' lists a file without a 'key' (files[${i}]).`);
      return { bucket: dataBucket, key: fileKey };
    }),
  };
}

/** The data files an Athena data manifest lists (`s3://bucket/key`, one a line; blank lines skipped). */
export function athenaManifest(text: string, key: string, error: string): DataFile[] {
  const files: DataFile[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(line);
    if (!m) throw new StatesError(error, `The Athena manifest '${key}' has a line that is not an S3 URI (line ${i + 1}): ${line.slice(0, 200)}`);
    files.push({ bucket: m[1]!, key: m[2]! });
  }
  return files;
}
