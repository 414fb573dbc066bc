/**
 * Random variates beyond RandomStream's uniforms and normals: gamma, chi-squared and Student-t.
 * They exist to give the tail statistics known heavy-tailed inputs (Student-t has tail index ν
 * and excess kurtosis 6/(ν−4)), and for models that want heavy-tailed noise. Each sampler fixes
 * its parameter once and keeps the derived constants, because a test or a model draws from the
 * same distribution millions of times.
 */
import type { RandomStream } from "../random.ts";

/**
 * Gamma(shape, scale 1) by Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM Transactions on Mathematical Software 26(3):363-372. For shape ≥ 1 it accepts
 * about 95-99 % of normal draws; for shape < 1 it uses their boost Gamma(shape) =
 * Gamma(shape + 1)·U^(1/shape) (section 6), because the squeeze is only valid for shape ≥ 1.
 */
export class GammaSampler {
  /** Marsaglia–Tsang's d: the effective shape (≥ 1) minus one third. */
  private readonly scaledShape: number;
  /** Marsaglia–Tsang's c = 1/sqrt(9d). */
  private readonly coefficient: number;
  /** 1/shape when the boost applies, NaN when shape ≥ 1. */
  private readonly boostExponent: number;

  constructor(readonly shape: number) {
    if (!(shape > 0) || !Number.isFinite(shape)) {
      throw new RangeError(`gamma shape must be a finite number > 0, got ${shape}`);
    }
    const effectiveShape = shape < 1 ? shape + 1 : shape;
    this.scaledShape = effectiveShape - 1 / 3;
    this.coefficient = 1 / Math.sqrt(9 * this.scaledShape);
    this.boostExponent = shape < 1 ? 1 / shape : Number.NaN;
  }

  sample(stream: RandomStream): number {
    const value = this.sampleAtLeastOne(stream);
    return Number.isNaN(this.boostExponent)
      ? value
      : value * stream.uniformOpen() ** this.boostExponent;
  }

  private sampleAtLeastOne(stream: RandomStream): number {
    for (;;) {
      let normal: number;
      let cubeRoot: number;
      do {
        normal = stream.normal();
        cubeRoot = 1 + this.coefficient * normal;
      } while (cubeRoot <= 0);
      const cube = cubeRoot * cubeRoot * cubeRoot;
      const uniform = stream.uniformOpen();
      const normalSquared = normal * normal;
      // The squeeze accepts most draws without a logarithm.
      if (uniform < 1 - 0.0331 * normalSquared * normalSquared) return this.scaledShape * cube;
      if (
        Math.log(uniform) <
        0.5 * normalSquared + this.scaledShape * (1 - cube + Math.log(cube))
      ) {
        return this.scaledShape * cube;
      }
    }
  }
}

/** Chi-squared with `degreesOfFreedom` = 2·Gamma(degreesOfFreedom/2). */
export class ChiSquaredSampler {
  private readonly gamma: GammaSampler;

  constructor(readonly degreesOfFreedom: number) {
    this.gamma = new GammaSampler(degreesOfFreedom / 2);
  }

  sample(stream: RandomStream): number {
    return 2 * this.gamma.sample(stream);
  }
}

/** Student-t with ν degrees of freedom: Z / sqrt(χ²_ν / ν), Z standard normal independent of χ². */
export class StudentTSampler {
  private readonly chiSquared: ChiSquaredSampler;

  constructor(readonly degreesOfFreedom: number) {
    this.chiSquared = new ChiSquaredSampler(degreesOfFreedom);
  }

  sample(stream: RandomStream): number {
    const normal = stream.normal();
    return normal / Math.sqrt(this.chiSquared.sample(stream) / this.degreesOfFreedom);
  }
}
