/**
 * A validation thread of the dashboard (piscina): loads a requested scenario, as a run would,
 * and answers with what the form shows or the issues. Parsing and validating a 1 MB upload takes
 * about a second; here it does not hold up the server's other requests or its signals.
 */
import { ScenarioError, UsageError } from "../scenario/errors.ts";
import {
  loadedInfo,
  loadRequested,
  type ScenarioRequestSpec,
  type ValidationResult,
} from "./scenarioRequest.ts";

export default async function validate(spec: ScenarioRequestSpec): Promise<ValidationResult> {
  try {
    return { ok: true, info: loadedInfo(await loadRequested(spec)) };
  } catch (error) {
    if (error instanceof ScenarioError) {
      return { ok: false, issues: [...error.issues], omitted: error.omitted };
    }
    if (error instanceof UsageError) return { ok: false, usage: error.message };
    throw error;
  }
}
