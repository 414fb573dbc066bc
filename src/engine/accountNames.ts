/** Names of explicit accounts, decoded only when an output prints them. */
import type { ExplicitPositions } from "./config.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function accountName(positions: ExplicitPositions, account: number): string {
  const { bytes, offsets } = positions.accountNames;
  return decoder.decode(bytes.subarray(offsets[account], offsets[account + 1]));
}

/** Packs names in account order. */
export function packAccountNames(names: readonly string[]): ExplicitPositions["accountNames"] {
  const encoded = names.map((name) => encoder.encode(name));
  const offsets = new Int32Array(names.length + 1);
  for (let account = 0; account < names.length; account++) {
    offsets[account + 1] = offsets[account] + encoded[account].length;
  }
  const bytes = new Uint8Array(offsets[names.length]);
  for (let account = 0; account < names.length; account++)
    bytes.set(encoded[account], offsets[account]);
  return { bytes, offsets };
}
