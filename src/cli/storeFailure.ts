import { StoreError } from "../runner/store.ts";
import { OutputWriteError } from "./outputs.ts";

/**
 * A store or output that cannot be written (full disk, unwritable folder, another process holding
 * the store) is an environment problem with a precise message, not a bug: it gets that message
 * and exit code 1 without a stack trace. Everything else goes on to the common handler
 * (failure.ts).
 */
export async function reportStoreFailure(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof StoreError) {
      process.stderr.write(`deleverage: results store: ${error.message}\n`);
    } else if (error instanceof OutputWriteError) {
      process.stderr.write(`deleverage: ${error.message}\n`);
    } else {
      throw error;
    }
    process.exitCode = 1;
  }
}
