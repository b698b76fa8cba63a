import type { MapState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import { evaluatePath } from '../../jsonpath/index.js';
import { jsonata } from '../dataflow.js';
import type { StateContext } from '../states/state-context.js';
import { CSV_DELIMITERS, csvItems, parseCsv } from './csv.js';
import { decompressed } from './decompress.js';
import { athenaManifest, inventoryManifest, type DataFile } from './manifest.js';
import { ObjectStoreError, type ListedObject, type ObjectStore } from './object-store.js';
import { parquetItems } from './parquet.js';
import { s3Request } from './request.js';

/**
 * A Distributed Map's ItemReader: `s3:getObject` reads one JSON, JSON Lines, delimited text or
 * Parquet object, or follows a manifest (an S3 Inventory manifest.json, or an Athena data
 * manifest) to the data files it lists; `s3:listObjectsV2` lists a prefix (each object's metadata
 * is an item, or with LOAD_AND_FLATTEN each object's contents are read). Text objects compressed
 * with gzip or zstd are read decompressed (see decompress.ts). MaxItems counts items across every
 * file read. Every failure is States.ItemReaderFailed.
 */

const FAILED = 'States.ItemReaderFailed';
/** The longest header row AWS reads from a CSV object (10 KB). */
export const CSV_HEADER_MAX_BYTES = 10 * 1024;

/** AWS stops reading after this many items; MaxItems 0 means this bound. */
export const MAX_ITEMS_LIMIT = 100_000_000;
const RESOURCE_PREFIX = 'arn:aws:states:::s3:';

export interface ReaderConfig {
  InputType?: string;
  Transformation?: string;
  CSVHeaderLocation?: string;
  CSVHeaders?: string[];
  CSVDelimiter?: string;
  ManifestType?: string;
  ItemsPointer?: string;
  MaxItems?: number | string;
  MaxItemsPath?: string;
}

export interface ItemReaderSpec {
  Resource: string;
  Parameters?: unknown;
  Arguments?: unknown;
  ReaderConfig?: ReaderConfig;
}

/** The items the reader yields, capped by MaxItems. `input` is the Map's effective input. */
export async function readerItems(state: MapState, sc: StateContext, input: unknown): Promise<unknown[]> {
  const reader = state.ItemReader as ItemReaderSpec;
  const config = reader.ReaderConfig ?? {};
  const store = sc.options.objectStore;
  if (!store) throw new StatesError(FAILED, `The ItemReader could not read items from ${String(reader.Resource)}: no S3-compatible endpoint is configured.`);
  const request = await s3Request(reader, sc, input, FAILED, 'ItemReader');
  const maxItems = await maxItemsOf(config, sc, input);
  const action = String(reader.Resource).startsWith(RESOURCE_PREFIX) ? String(reader.Resource).slice(RESOURCE_PREFIX.length) : '';
  try {
    if (action === 'getObject') {
      const key = stringField(request, 'Key');
      const get = { Bucket: stringField(request, 'Bucket'), Key: key, ...(typeof request.VersionId === 'string' && { VersionId: request.VersionId }) };
      const manifest = manifestTypeOf(config);
      if (manifest !== undefined) return await manifestItems(store, get, manifest, config, maxItems);
      return await parseItems(await store.getObject(get), config, key, maxItems);
    }
    if (action === 'listObjectsV2') return await listedItems(store, request, config, maxItems);
  } catch (e) {
    if (e instanceof ObjectStoreError) throw new StatesError(FAILED, e.describe());
    if (e instanceof StatesError || !(e instanceof Error)) throw e;
    // Anything else the store throws (a refused connection) is still the reader's or writer's failure.
    throw new StatesError(FAILED, e.message);
  }
  throw new StatesError(FAILED, `The ItemReader resource '${String(reader.Resource)}' is not supported.`);
}


function stringField(request: Record<string, unknown>, field: string): string {
  const value = request[field];
  if (typeof value !== 'string' || value === '') throw new StatesError(FAILED, `The ItemReader parameters must have a string field '${field}'.`);
  return value;
}

/** MaxItems (a literal, or JSONata), or MaxItemsPath over the input; 0 or absent reads up to AWS's bound. */
export async function maxItemsOf(config: ReaderConfig, sc: StateContext, input: unknown): Promise<number> {
  let value: unknown = config.MaxItems;
  if (config.MaxItemsPath !== undefined) {
    value = evaluatePath(config.MaxItemsPath, input, sc.paths());
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new StatesError(FAILED, `The MaxItemsPath field refers to value '${typeof value === 'string' ? value : JSON.stringify(value)}' which is not a valid integer: ${config.MaxItemsPath}`);
    }
  } else if (sc.language === 'JSONata' && typeof value === 'string') {
    value = await jsonata(sc, value, 'MaxItems');
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new StatesError(FAILED, `The MaxItems field must be an integer, but was: ${JSON.stringify(value)}`);
  }
  if (value === undefined) return MAX_ITEMS_LIMIT;
  const n = value as number;
  if (n < 0) throw new StatesError(FAILED, 'field MaxItems must be positive');
  return n === 0 ? MAX_ITEMS_LIMIT : Math.min(n, MAX_ITEMS_LIMIT);
}

const utf8 = new TextDecoder('utf-8');

/** One object's contents as items, by InputType (JSON when none is given); gzip and zstd objects are read decompressed. */
export async function parseItems(body: Uint8Array | string, config: ReaderConfig, key: string, maxItems = MAX_ITEMS_LIMIT): Promise<unknown[]> {
  const type = config.InputType ?? 'JSON';
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : decompressed(body, key, FAILED);
  switch (type) {
    case 'JSON':
      return jsonItems(utf8.decode(bytes), config.ItemsPointer, key).slice(0, maxItems);
    case 'JSONL':
      return jsonLines(utf8.decode(bytes), key, maxItems);
    case 'CSV':
      return delimitedItems(utf8.decode(bytes), config, maxItems);
    case 'PARQUET':
      return parquetItems(bytes, key, maxItems, FAILED);
    default:
      throw new StatesError(FAILED, `The ItemReader InputType '${type}' is not supported for the object '${key}'.`);
  }
}

type ManifestType = 'S3_INVENTORY' | 'ATHENA_DATA';

/** The manifest the reader follows: ManifestType when given, S3_INVENTORY for InputType MANIFEST alone. */
function manifestTypeOf(config: ReaderConfig): ManifestType | undefined {
  const type = config.ManifestType ?? (config.InputType === 'MANIFEST' ? 'S3_INVENTORY' : undefined);
  if (type === undefined) return undefined;
  // An inventory's own manifest says how its files are written: InputType may be MANIFEST, or left out.
  if (type === 'S3_INVENTORY' && config.InputType !== undefined && config.InputType !== 'MANIFEST') {
    throw new StatesError(FAILED, `The ManifestType 'S3_INVENTORY' needs the InputType 'MANIFEST' (or none), not '${config.InputType}'.`);
  }
  if (type === 'ATHENA_DATA' && !['CSV', 'JSONL', 'PARQUET'].includes(config.InputType ?? '')) {
    throw new StatesError(FAILED, `The ManifestType 'ATHENA_DATA' needs the InputType of its data files: 'CSV', 'JSONL' or 'PARQUET', not '${config.InputType ?? 'JSON'}'.`);
  }
  if (type !== 'S3_INVENTORY' && type !== 'ATHENA_DATA') throw new StatesError(FAILED, `The ManifestType '${type}' is not supported.`);
  return type;
}

/** Every data file a manifest lists, read in the manifest's order until MaxItems. */
async function manifestItems(store: ObjectStore, get: { Bucket: string; Key: string; VersionId?: string }, type: ManifestType, config: ReaderConfig, maxItems: number): Promise<unknown[]> {
  const text = utf8.decode(decompressed(await store.getObject(get), get.Key, FAILED));
  let files: DataFile[];
  let fileConfig: ReaderConfig;
  if (type === 'ATHENA_DATA') {
    files = athenaManifest(text, get.Key, FAILED);
    fileConfig = config;
  } else {
    const manifest = inventoryManifest(text, get.Key, get.Bucket, FAILED);
    files = manifest.files;
    const format = manifest.format.toUpperCase();
    if (format === 'CSV') fileConfig = { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: manifest.columns };
    else if (format === 'PARQUET') fileConfig = { InputType: 'PARQUET' };
    else throw new StatesError(FAILED, `The S3 Inventory manifest '${get.Key}' lists ${manifest.format} files; only CSV and Parquet inventories can be read.`);
  }
  const items: unknown[] = [];
  for (const f of files) {
    if (items.length >= maxItems) break;
    const body = await store.getObject({ Bucket: f.bucket, Key: f.key });
    for (const item of await parseItems(body, fileConfig, f.key, maxItems - items.length)) items.push(item);
  }
  return items;
}

function parseJson(text: string, key: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StatesError(FAILED, `The object '${key}' is not valid JSON${where}: ${(e as Error).message}`);
  }
}

function jsonItems(body: string, pointer: string | undefined, key: string): unknown[] {
  let node = parseJson(body, key, '');
  if (pointer !== undefined) node = resolvePointer(node, pointer);
  if (!Array.isArray(node)) throw new StatesError(FAILED, 'Attempting to map over non-iterable node.');
  return node;
}

/** An RFC 6901 JSON Pointer (`/inventory/products/0`) into `doc`. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  if (!pointer.startsWith('/')) throw new StatesError(FAILED, `The ItemsPointer '${pointer}' is not a valid JSON Pointer.`);
  let node = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(token) && Number(token) < node.length) node = node[Number(token)];
    else if (typeof node === 'object' && node !== null && !Array.isArray(node) && Object.hasOwn(node, token)) node = (node as Record<string, unknown>)[token];
    else throw new StatesError(FAILED, `The ItemsPointer '${pointer}' does not point to a node of the JSON object.`);
  }
  return node;
}

function jsonLines(body: string, key: string, maxItems: number): unknown[] {
  const items: unknown[] = [];
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length && items.length < maxItems; i++) {
    if (lines[i]!.trim() === '') continue;
    items.push(parseJson(lines[i]!, key, ` at line ${i + 1}`));
  }
  return items;
}

function delimitedItems(body: string, config: ReaderConfig, maxItems: number): Record<string, string>[] {
  const delimiter = CSV_DELIMITERS[config.CSVDelimiter ?? 'COMMA'];
  if (delimiter === undefined) throw new StatesError(FAILED, `The CSVDelimiter '${config.CSVDelimiter}' is not supported.`);
  const rows = parseCsv(body, delimiter);
  let headers: string[];
  if (config.CSVHeaderLocation === 'GIVEN') {
    headers = config.CSVHeaders ?? [];
  } else {
    headers = rows.shift() ?? [];
    const size = Buffer.byteLength(headers.join(delimiter));
    if (size > CSV_HEADER_MAX_BYTES) throw new StatesError(FAILED, `The CSV header row is ${size} bytes; Step Functions reads headers of up to 10 KB.`);
  }
  if (new Set(headers).size < headers.length) throw new StatesError(FAILED, 'CSV headers cannot contain duplicates.');
  return csvItems(rows.slice(0, maxItems), headers);
}

/** listObjectsV2: each object's metadata as Step Functions passes it (LastModified in epoch seconds). */
export function listedItem(o: ListedObject): Record<string, unknown> {
  return { Etag: o.etag, Key: o.key, LastModified: Math.floor(o.lastModified / 1000), Size: o.size, StorageClass: o.storageClass };
}

async function listedItems(store: ObjectStore, request: Record<string, unknown>, config: ReaderConfig, maxItems: number): Promise<unknown[]> {
  const bucket = stringField(request, 'Bucket');
  const list = { Bucket: bucket, ...(typeof request.Prefix === 'string' && { Prefix: request.Prefix }) };
  const objects = await store.listObjects(list);
  if (config.Transformation !== 'LOAD_AND_FLATTEN') return objects.slice(0, maxItems).map(listedItem);
  // Each listed object's contents, read in key order, until MaxItems.
  const items: unknown[] = [];
  for (const o of objects) {
    if (items.length >= maxItems) break;
    if (o.key.endsWith('/') && o.size === 0) continue; // a console-made folder holds no data
    for (const item of await parseItems(await store.getObject({ Bucket: bucket, Key: o.key }), config, o.key, maxItems - items.length)) items.push(item);
  }
  return items;
}
