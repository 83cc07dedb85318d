import type { Clock } from '../../platform/clock';
import type { IdGenerator } from '../../platform/ids';

/**
 * A small seeded random source (sfc32, 128 bits of state): the same seed gives the same world on every machine and
 * Node version, which Math.random cannot promise. Streams are forked by label so that adding draws to one part of
 * the generator does not shift every other part.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const h = hash32(String(seed));
    this.a = h ^ 0x9e3779b9;
    this.b = hash32(`${seed}:b`);
    this.c = hash32(`${seed}:c`);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform number in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** A 32-bit unsigned integer. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** An independent stream for one part of the world (e.g. `fork('names')`). */
  fork(label: string): Random {
    return new Random(`${this.uint32()}:${label}`);
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('pick from an empty list');
    return list[Math.floor(this.next() * list.length)]!;
  }

  /** Picks by weight; `weights` parallel to `list`. */
  weighted<T>(list: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < list.length; i++) {
      r -= weights[i]!;
      if (r < 0) return list[i]!;
    }
    return list[list.length - 1]!;
  }

  /** Approximately normal (sum of uniforms), clamped to [min, max]. */
  normal(mean: number, sd: number, min = -Infinity, max = Infinity): number {
    const z = this.next() + this.next() + this.next() + this.next() - 2;
    return Math.min(max, Math.max(min, mean + z * sd * 1.732));
  }

  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  }
}

export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * UUIDv7 ids from the (fake) clock and a seeded random source: real, time-ordered UUIDv7s, but the same seed and
 * the same clock give the same ids, hence the same ledger hashes.
 */
export function seededIds(clock: Clock, seed: number | string): IdGenerator {
  const random = new Random(`ids:${seed}`);
  let lastMs = -1;
  let counter = 0;
  return {
    next(): string {
      const ms = clock.now().getTime();
      // A 12-bit counter in rand_a keeps ids of one millisecond in order (RFC 9562 method 1).
      counter = ms === lastMs ? (counter + 1) & 0xfff : random.int(0, 0x7ff);
      lastMs = ms;
      const t = hex(ms, 12);
      const variant = (0x8 | (random.uint32() & 0x3)).toString(16);
      return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${hex(counter, 3)}-${variant}${hex(random.uint32() & 0xfff, 3)}-${hex(random.uint32() & 0xffff, 4)}${hex(random.uint32(), 8)}`;
    },
  };
}
