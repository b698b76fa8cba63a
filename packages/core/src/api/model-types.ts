/** The compact shape table written by scripts/gen-api-model.mjs (see model.generated.ts). */
export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'blob';

export interface ModelShape {
  readonly type: ShapeType;
  /** Member name -> target shape name, in model order (AWS validates in this order). */
  readonly members?: Readonly<Record<string, string>>;
  readonly required?: readonly string[];
  /** Length for strings and lists, value range for numbers. */
  readonly min?: number;
  readonly max?: number;
  /** Java-flavoured regex as written in the model; see java-regex.ts. */
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly member?: string;
  readonly key?: string;
  readonly value?: string;
  /** AWS leaves the value out of validation messages for sensitive shapes. */
  readonly sensitive?: true;
}
