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
