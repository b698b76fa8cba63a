import type { IntrinsicDefinition } from './signature.js';
import { array } from './functions/array.js';
import { arrayContains } from './functions/array-contains.js';
import { arrayGetItem } from './functions/array-get-item.js';
import { arrayLength } from './functions/array-length.js';
import { arrayPartition } from './functions/array-partition.js';
import { arrayRange } from './functions/array-range.js';
import { arrayUnique } from './functions/array-unique.js';
import { base64Decode } from './functions/base64-decode.js';
import { base64Encode } from './functions/base64-encode.js';
import { format } from './functions/format.js';
import { hash } from './functions/hash.js';
import { jsonMerge } from './functions/json-merge.js';
import { jsonToString } from './functions/json-to-string.js';
import { mathAdd } from './functions/math-add.js';
import { mathRandom } from './functions/math-random.js';
import { stringSplit } from './functions/string-split.js';
import { stringToJson } from './functions/string-to-json.js';
import { uuid } from './functions/uuid.js';

const ALL: readonly IntrinsicDefinition[] = [
  format,
  stringToJson,
  jsonToString,
  array,
  arrayPartition,
  arrayContains,
  arrayRange,
  arrayGetItem,
  arrayLength,
  arrayUnique,
  base64Encode,
  base64Decode,
  hash,
  jsonMerge,
  mathRandom,
  mathAdd,
  stringSplit,
  uuid,
];

export const INTRINSICS: ReadonlyMap<string, IntrinsicDefinition> = new Map(ALL.map((def) => [def.name, def]));
