/** Growing and trimming the typed columns that hold the engine's data. */

export type Column = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Float64Array;

/** A column of the same type and `length` elements, starting with `column`'s values. */
export function grown<T extends Column>(column: T, length: number): T {
  const next = new (column.constructor as new (length: number) => T)(length);
  next.set(column);
  return next;
}

/**
 * The first `length` elements of `column`, copied only when it is longer: a view would keep the
 * rest alive and travel with it to worker threads.
 */
export function exactLength<T extends Column>(column: T, length: number): T {
  return column.length === length ? column : (column.slice(0, length) as T);
}
