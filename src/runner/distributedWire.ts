/**
 * What travels through Redis between the coordinator (`stress --queue`) and the workers: the
 * job payload (batch, validated engine scenario, shard index) and the shard's run records.
 *
 * JSON as is would lose what the store must keep bit for bit: NaN amplification, ±Infinity,
 * −0, and typed arrays (a path shock's prices, a run's five series, explicit position columns). Typed arrays go as
 * the base64 of their bytes, which is also three times smaller than their numbers as text;
 * numbers JSON cannot hold go as tagged strings. A distributed batch therefore stores exactly
 * the bytes a local one does.
 */
import type { EngineScenario } from "../engine/config.ts";
import type { RunRecord } from "./runRecord.ts";
import type { BatchInfo } from "./store.ts";

/** A BullMQ job's data: one shard of one batch. */
export interface ShardJobData {
  /** As registered in the coordinator's store; its `version` must match the worker's. */
  batch: BatchInfo;
  shardIndex: number;
  /**
   * The loaded scenario (data files already read, see `encodeScenario`), so a worker needs no
   * file of its own; identified by `batch.scenarioHash`.
   */
  scenario: string;
}

const numberTag = "$num";
/** Each typed-array kind a scenario or record holds, by its tag. */
const typedArrays = {
  $f64: Float64Array,
  $i32: Int32Array,
  $u16: Uint16Array,
  $i8: Int8Array,
  $u8: Uint8Array,
} as const;
type TypedTag = keyof typeof typedArrays;
const typedTags = Object.keys(typedArrays) as TypedTag[];

function replacer(_key: string, value: unknown): unknown {
  for (const tag of typedTags) {
    if (value instanceof typedArrays[tag]) {
      const array = value as ArrayBufferView;
      return {
        [tag]: Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString("base64"),
      };
    }
  }
  if (typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))) {
    return { [numberTag]: Object.is(value, -0) ? "-0" : String(value) };
  }
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const tagged: Record<string, unknown> = value as Record<string, unknown>;
  const tag = keys[0] as TypedTag;
  const encoded = tagged[tag];
  if (typedTags.includes(tag) && typeof encoded === "string") {
    // Copied into a fresh buffer: the decoded bytes need not sit at an 8-byte boundary.
    const bytes = Buffer.from(encoded, "base64");
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new typedArrays[tag](copy.buffer);
  }
  const number = tagged[numberTag];
  if (typeof number === "string") return number === "-0" ? -0 : Number(number);
  return value;
}

export function encodeScenario(scenario: EngineScenario): string {
  return JSON.stringify(scenario, replacer);
}

export function decodeScenario(text: string): EngineScenario {
  return JSON.parse(text, reviver) as EngineScenario;
}

export function encodeRecords(records: readonly RunRecord[]): string {
  return JSON.stringify(records, replacer);
}

export function decodeRecords(text: string): RunRecord[] {
  return JSON.parse(text, reviver) as RunRecord[];
}
