/**
 * Where a file stops being UTF-8: scenario and data files are text, and a user with a stray
 * Latin-1 byte or a binary file needs the line and column, not a garbled parse error later.
 */
import { isUtf8 } from "node:buffer";

/** Offset of the first byte that does not start or continue a well-formed UTF-8 character, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1;
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index];
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      // RFC 3629 §4: no overlong forms (E0 80..9F) and no surrogates (ED A0..BF).
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      // No overlong forms (F0 80..8F) and nothing above U+10FFFF (F4 90..).
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return index;
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      if (byte === undefined) return index;
      const lowest = next === 1 ? low : 0x80;
      const highest = next === 1 ? high : 0xbf;
      if (byte < lowest || byte > highest) return index;
    }
    index += length;
  }
  return -1;
}

/** 1-based line and column (in characters) of a byte offset of well-formed text before it. */
export function positionOfOffset(
  bytes: Uint8Array,
  offset: number,
): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let index = 0; index < offset; index++) {
    const byte = bytes[index];
    if (byte === 0x0a) {
      line++;
      column = 1;
    } else if ((byte & 0xc0) !== 0x80) {
      column++;
    }
  }
  return { line, column };
}
