/**
 * Writes a run's files so that a folder never holds half a result: everything goes to a temporary
 * sibling folder first and is renamed into place only once every file is complete. A file may be
 * given whole; as a function that writes it in pieces (events.csv of a million rows), which goes
 * to disk as it is made instead of being held as one string; or as a file already written beside
 * the folder (`preparedOutput`, for writers that need a path, such as DuckDB's Parquet export).
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** Writes a file's content by calling `write` with each piece in order. */
export type StreamedFile = (write: (piece: string) => void) => void;

/** A file written in advance at `path` (see preparedOutput); moved into the folder with the rest. */
export interface PreparedFile {
  prepared: string;
}

export type OutputFile = string | Uint8Array | StreamedFile | PreparedFile;

function stagingFolder(outDirectory: string): { target: string; staging: string } {
  const target = resolve(outDirectory);
  return { target, staging: join(dirname(target), `.${basename(target)}.tmp-${process.pid}`) };
}

/**
 * A path for a file that writeOutputs(outDirectory, …) will then move into place: beside the
 * staging folder, so the move is a rename on the same file system. Remove it if writeOutputs is
 * never called.
 */
export function preparedOutput(outDirectory: string, name: string): PreparedFile {
  const { staging } = stagingFolder(outDirectory);
  mkdirSync(dirname(staging), { recursive: true });
  return { prepared: `${staging}-${name}` };
}

export function writeOutputs(outDirectory: string, files: Record<string, OutputFile>): void {
  const { target, staging } = stagingFolder(outDirectory);
  mkdirSync(dirname(target), { recursive: true });
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    for (const [name, content] of Object.entries(files)) {
      const file = join(staging, name);
      if (typeof content === "function") {
        const descriptor = openSync(file, "w");
        try {
          content((piece) => {
            writeSync(descriptor, piece);
          });
        } finally {
          closeSync(descriptor);
        }
      } else if (typeof content === "string" || content instanceof Uint8Array) {
        writeFileSync(file, content);
      } else {
        renameSync(content.prepared, file);
      }
    }
    mkdirSync(target, { recursive: true });
    for (const name of Object.keys(files)) renameSync(join(staging, name), join(target, name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
    for (const content of Object.values(files)) {
      if (typeof content === "object" && "prepared" in content) {
        rmSync(content.prepared, { force: true });
      }
    }
  }
}
