/**
 * What travels through Redis between the coordinator (`stress --queue`) and the workers: the
 * job payload (batch, validated engine scenario, shard index) and the shard's run records.
 *
 * JSON as is would lose what the store must keep bit for bit: NaN amplification, ±Infinity,
 * −0, and typed arrays (a path shock's prices, a run's five series, the columns of explicit
 * positions). Typed arrays go as the base64 of their bytes, tagged with their type, which is
 * also three times smaller than their numbers as text; numbers JSON cannot hold go as tagged
 * strings. A distributed batch therefore stores exactly the bytes a local one does.
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
/** Tag of each typed array kind that travels; `$f64` was the only one before, and stays as it was. */
const arrayTags = {
  $f64: Float64Array,
  $i32: Int32Array,
  $u16: Uint16Array,
  $i8: Int8Array,
  $u8: Uint8Array,
} as const;
type ArrayTag = keyof typeof arrayTags;
const arrayKinds = Object.entries(arrayTags) as [ArrayTag, (typeof arrayTags)[ArrayTag]][];

function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const kind = arrayKinds.find(([, type]) => value.constructor === type);
    if (kind === undefined) throw new TypeError(`cannot send a ${value.constructor.name}`);
    return {
      [kind[0]]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"),
    };
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
  const tag = keys[0];
  const encoded = tagged[tag];
  if (Object.hasOwn(arrayTags, tag) && typeof encoded === "string") {
    // Copied into a fresh buffer: the decoded bytes need not sit at an aligned offset.
    const bytes = Buffer.from(encoded, "base64");
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new arrayTags[tag as ArrayTag](copy.buffer);
  }
  const number = tagged[numberTag];
  if (typeof number === "string") return number === "-0" ? -0 : Number(number);
  return value;
}

export function encodeScenario(scenario: EngineScenario): string {
  return JSON.stringify(scenario, replacer);
}

/** The scenario as encoded, its positions' account names made again from their data. */
export function decodeScenario(text: string): EngineScenario {
  return JSON.parse(text, reviver) as EngineScenario;
}

export function encodeRecords(records: readonly RunRecord[]): string {
  return JSON.stringify(records, replacer);
}

export function decodeRecords(text: string): RunRecord[] {
  return JSON.parse(text, reviver) as RunRecord[];
}
