/**
 * The two limits a scenario is held to before anything is read or allocated: the size of a data
 * file and the memory its run may need. Defaults suit one machine; environment variables change
 * them for every command (and the workers and servers they start):
 *
 * - `DELEVERAGE_MAX_FILE_BYTES`: largest data file a scenario may name (default 256 MiB);
 * - `DELEVERAGE_MEMORY_LIMIT`: the work budget, estimated memory of a run or batch (default half
 *   of this machine's memory, or of the container's limit when it has one).
 *
 * Values are bytes, with an optional unit: 500000000, 512MiB, 2GB, 1.5GiB.
 */
import { totalmem } from "node:os";
import { UsageError } from "./errors.ts";

/** A scenario file is YAML read into a node tree of ~50x its size: a few megabytes at most. */
export const maxScenarioFileBytes = 8 * 1024 * 1024;

const defaultMaxFileBytes = 256 * 1024 * 1024;

const units: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** `2GiB` → 2147483648; undefined for anything that is not a positive size. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (match === null) return undefined;
  const unit = units[match[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

function fromEnvironment(name: string, fallback: () => number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback();
  const bytes = parseByteSize(text);
  if (bytes === undefined) {
    throw new UsageError(
      `${name}: ${JSON.stringify(text)} is not allowed; expected a size in bytes such as 500000000, 512MiB or 2GB`,
    );
  }
  return bytes;
}

export function maxDataFileBytes(): number {
  return fromEnvironment("DELEVERAGE_MAX_FILE_BYTES", () => defaultMaxFileBytes);
}

/** This machine's memory, or the container's limit when that is lower. */
export function machineMemoryBytes(): number {
  const constrained = process.constrainedMemory?.();
  const total = totalmem();
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}

export function memoryLimitBytes(): number {
  return fromEnvironment("DELEVERAGE_MEMORY_LIMIT", () => Math.floor(machineMemoryBytes() / 2));
}

/** `1.5 GB`, `512 MB`, `3.1 KB`: sizes for messages, in decimal units. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e12) return `${(bytes / 1e12).toPrecision(3)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toPrecision(3)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toPrecision(3)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toPrecision(3)} KB`;
  return `${Math.round(bytes)} bytes`;
}
