/**
 * The only source of randomness in the engine. DESIGN.md: master seed → per-run stream derived
 * from (seed, runIndex), so run i replays alone → per-component streams split off with
 * xoroshiro128+'s jump(), so adding draws to one component never shifts another.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

type Generator = ReturnType<typeof xoroshiro128plus>;

/** Components that draw randomness; their order fixes which jump each one gets. */
export const streamComponents = [
  "population",
  "shock",
  "tfg",
  "stopLoss",
  "lending",
  "markets",
] as const;
export type StreamComponent = (typeof streamComponents)[number];

export class RandomStream {
  private spareNormal = Number.NaN;

  constructor(private readonly generator: Generator) {}

  /**
   * `count` independent streams split off this one by jump(): stream k is this stream's state
   * jumped k + 1 times, so adding a market never shifts the draws of the markets before it.
   */
  split(count: number): RandomStream[] {
    const base = this.generator.clone();
    const streams: RandomStream[] = [];
    for (let index = 0; index < count; index++) {
      base.jump();
      streams.push(new RandomStream(base.clone()));
    }
    return streams;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform in (0, 1): safe to take the logarithm of. */
  uniformOpen(): number {
    let value = uniformFloat64(this.generator);
    while (value === 0) value = uniformFloat64(this.generator);
    return value;
  }

  /** Standard normal by the Box-Muller transform, caching the second draw of each pair. */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = Number.NaN;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniformOpen()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

/**
 * SplitMix32-style finaliser: spreads (seed, runIndex) over 32 bits so neighbouring seeds and
 * run indexes give unrelated generator states.
 */
function mix32(value: number): number {
  let mixed = value | 0;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) | 0;
}

export function runSeed(seed: number, runIndex: number): number {
  const low = seed % 0x100000000;
  const high = Math.floor(seed / 0x100000000);
  return mix32(mix32(mix32(low) ^ high) + Math.imul(runIndex + 1, 0x9e3779b9));
}

/** One stream per component for run `runIndex` of master seed `seed`. */
export function runStreams(seed: number, runIndex: number): Record<StreamComponent, RandomStream> {
  const base = xoroshiro128plus(runSeed(seed, runIndex));
  const streams = {} as Record<StreamComponent, RandomStream>;
  for (const component of streamComponents) {
    streams[component] = new RandomStream(base.clone());
    base.jump();
  }
  return streams;
}
