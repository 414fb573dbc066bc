/** A number turned NaN, infinite or (for a price) non-positive: the run stops and says where. */
export class EngineNumericError extends Error {
  constructor(
    readonly step: number,
    readonly subject: string,
    readonly field: string,
    readonly value: number,
  ) {
    super(
      `step ${step}: ${subject}: ${field} became ${value}; the run was stopped, nothing was written`,
    );
    this.name = "EngineNumericError";
  }
}

/**
 * A run that cannot go on for a reason the scenario can fix, found only when the step comes
 * (TFG: no clearing price inside tfg.priceBracket). It names the step and the field to change;
 * the command line answers it as invalid input (exit 2), with nothing written.
 */
export class EngineInputError extends Error {
  constructor(
    readonly step: number,
    readonly field: string,
    reason: string,
  ) {
    super(`step ${step}: ${field}: ${reason}; the run was stopped, nothing was written`);
    this.name = "EngineInputError";
  }
}
