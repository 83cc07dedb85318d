/**
 * An in-memory biometric gallery, the way an ABIS matcher holds one: every enrolled template's vector in a single
 * contiguous block of float32 rows (row i = slot i), ids beside it, exact search by scanning all rows. Vectors are
 * stored L2-normalised, so the score of a pair is their dot product (cosine similarity). Generic over the dimension:
 * faces use 128, other modalities whatever fixed-length vector they produce (rows are padded with zeros to a multiple
 * of 16 floats). The rows live in WebAssembly memory and the scan runs a SIMD kernel (gallery-simd.ts) block by block;
 * where WebAssembly SIMD is missing the same scan runs in plain JavaScript.
 */
import { createSimdKernel, type SimdKernel } from './gallery-simd';

export interface GalleryHit {
  id: string;
  score: number;
}

export interface GalleryOptions {
  dimension: number;
  /** Rows reserved up front (grows by doubling). */
  initialCapacity?: number;
  /** Normalise vectors on the way in (default true); turn off only when they already are unit length. */
  normalize?: boolean;
}

export class Gallery {
  readonly dimension: number;
  /** Floats per stored row: the dimension rounded up to a multiple of 16. */
  readonly stride: number;
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: SimdKernel | null;
  private data!: Float32Array;
  private query!: Float32Array;
  private out!: Float32Array;
  private capacity: number;
  private readonly ids: string[] = [];
  private readonly slots = new Map<string, number>();
  private readonly normalize: boolean;

  constructor(opts: GalleryOptions) {
    if (!Number.isInteger(opts.dimension) || opts.dimension < 1) throw new RangeError('dimension must be a positive integer');
    this.dimension = opts.dimension;
    this.stride = Math.ceil(opts.dimension / 16) * 16;
    this.capacity = Math.max(1, opts.initialCapacity ?? 1024);
    this.normalize = opts.normalize ?? true;
    this.memory = new WebAssembly.Memory({ initial: pagesFor(this.rowsOffset + this.capacity * this.stride * 4) });
    this.kernel = createSimdKernel(this.memory);
    this.views();
  }

  /** Byte layout of the memory: the query row, the block of scores, then the rows. */
  private get outOffset(): number {
    return this.stride * 4;
  }

  private get rowsOffset(): number {
    return this.outOffset + BLOCK * 4;
  }

  private views(): void {
    const buf = this.memory.buffer;
    this.query = new Float32Array(buf, 0, this.stride);
    this.out = new Float32Array(buf, this.outOffset, BLOCK);
    this.data = new Float32Array(buf, this.rowsOffset, this.capacity * this.stride);
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** Adds a template; an id already present is refused (use `replace` or `upsert`). */
  add(id: string, vector: ArrayLike<number>): void {
    if (this.slots.has(id)) throw new Error(`gallery already holds ${id}`);
    this.check(vector);
    if (this.ids.length === this.capacity) this.grow(this.capacity * 2);
    const slot = this.ids.length;
    this.write(slot, vector);
    this.ids.push(id);
    this.slots.set(id, slot);
  }

  /** Replaces the template of an id that is present. */
  replace(id: string, vector: ArrayLike<number>): void {
    const slot = this.slots.get(id);
    if (slot === undefined) throw new Error(`gallery does not hold ${id}`);
    this.check(vector);
    this.write(slot, vector);
  }

  upsert(id: string, vector: ArrayLike<number>): void {
    if (this.slots.has(id)) this.replace(id, vector);
    else this.add(id, vector);
  }

  /** Removes (erases) a template: the last row moves into its slot and the vacated row is zeroed. */
  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    const last = this.ids.length - 1;
    const d = this.stride;
    if (slot !== last) {
      this.data.copyWithin(slot * d, last * d, (last + 1) * d);
      const moved = this.ids[last]!;
      this.ids[slot] = moved;
      this.slots.set(moved, slot);
    }
    this.data.fill(0, last * d, (last + 1) * d);
    this.ids.pop();
    this.slots.delete(id);
    return true;
  }

  /** A copy of the stored (normalised) vector. */
  get(id: string): Float32Array | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    return this.data.slice(slot * this.stride, slot * this.stride + this.dimension);
  }

  /** 1:1 verification: the score of `probe` against the template of `id`, or undefined when not enrolled. */
  verify(id: string, probe: ArrayLike<number>): number | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    const q = this.prepare(probe);
    return rowDot(this.data, slot * this.stride, q, this.dimension);
  }

  /**
   * 1:N identification: the `k` best-scoring templates (exact, by scanning every row), best first; `minScore` drops
   * weaker candidates.
   */
  search(probe: ArrayLike<number>, opts: { k?: number; minScore?: number } = {}): GalleryHit[] {
    const k = Math.max(0, Math.floor(opts.k ?? 10));
    const minScore = opts.minScore ?? -Infinity;
    const q = this.prepare(probe);
    const n = this.ids.length;
    if (k === 0 || n === 0) return [];
    const heap = new TopK(Math.min(k, n));
    let floor = minScore;
    const offer = (s: number, slot: number) => {
      if (s >= floor) {
        heap.push(s, slot);
        if (heap.full) floor = Math.max(minScore, heap.min);
      }
    };
    if (this.kernel) {
      this.query.fill(0);
      this.query.set(q);
      const rowBytes = this.stride * 4;
      const out = this.out;
      for (let start = 0; start < n; start += BLOCK) {
        const count = Math.min(BLOCK, n - start);
        this.kernel.scores(this.rowsOffset + start * rowBytes, count, this.stride / 16, 0, this.outOffset);
        for (let i = 0; i < count; i++) {
          const s = out[i]!;
          if (s >= floor) offer(s, start + i);
        }
      }
    } else {
      const d = this.stride;
      for (let slot = 0, off = 0; slot < n; slot++, off += d) offer(rowDot(this.data, off, q, this.dimension), slot);
    }
    return heap.sorted().map(({ score, slot }) => ({ id: this.ids[slot]!, score }));
  }

  /** Ids in slot order (for persistence checks and tests). */
  listIds(): string[] {
    return [...this.ids];
  }

  /** The raw rows in use, `stride` floats each, for benchmarks (a view, not a copy). */
  rows(): Float32Array {
    return this.data.subarray(0, this.ids.length * this.stride);
  }

  /** Whether the scan runs the WebAssembly SIMD kernel. */
  get simd(): boolean {
    return this.kernel !== null;
  }

  /**
   * For benchmarks: a plain pass that only sums every stored float, with the same machinery as the scan (the SIMD
   * kernel when present): the floor any exact search over these bytes has to pay.
   */
  plainPass(): number {
    const n = this.ids.length * this.stride;
    if (this.kernel) return this.kernel.sum(this.rowsOffset, n / 16);
    let s0 = 0;
    let s1 = 0;
    const d = this.data;
    for (let i = 0; i < n; i += 2) {
      s0 += d[i]!;
      s1 += d[i + 1]!;
    }
    return s0 + s1;
  }

  private check(v: ArrayLike<number>): void {
    if (v.length !== this.dimension) throw new RangeError(`expected ${this.dimension} values, got ${v.length}`);
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i] as number)) throw new RangeError('vector holds a non-finite value');
    }
  }

  private prepare(v: ArrayLike<number>): Float32Array {
    this.check(v);
    const q = Float32Array.from(v as ArrayLike<number>);
    if (this.normalize) normalizeInPlace(q);
    return q;
  }

  private write(slot: number, v: ArrayLike<number>): void {
    const off = slot * this.stride;
    for (let i = 0; i < this.dimension; i++) this.data[off + i] = v[i] as number;
    if (this.normalize) normalizeInPlace(this.data.subarray(off, off + this.dimension));
  }

  private grow(capacity: number): void {
    const needed = pagesFor(this.rowsOffset + capacity * this.stride * 4);
    const have = this.memory.buffer.byteLength / PAGE;
    if (needed > have) this.memory.grow(needed - have);
    this.capacity = capacity;
    this.views();
  }
}

/** Rows scored per kernel call; the JavaScript side then keeps the top k from that block. */
const BLOCK = 4096;
const PAGE = 65536;

function pagesFor(bytes: number): number {
  return Math.ceil(bytes / PAGE);
}

function normalizeInPlace(v: Float32Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s === 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
}

/** Dot product of row `data[off .. off+d)` with `q`; four accumulators let the CPU overlap the additions. */
export function rowDot(data: Float32Array, off: number, q: Float32Array, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < d; i += 4) {
    s0 += data[off + i]! * q[i]!;
    s1 += data[off + i + 1]! * q[i + 1]!;
    s2 += data[off + i + 2]! * q[i + 2]!;
    s3 += data[off + i + 3]! * q[i + 3]!;
  }
  for (; i < d; i++) s0 += data[off + i]! * q[i]!;
  return s0 + s1 + s2 + s3;
}

/** Fixed-size min-heap keeping the k largest scores seen. */
class TopK {
  private readonly scores: Float64Array;
  private readonly slots: Int32Array;
  private n = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.slots = new Int32Array(k);
  }

  get full(): boolean {
    return this.n === this.k;
  }

  get min(): number {
    return this.n === 0 ? -Infinity : this.scores[0]!;
  }

  push(score: number, slot: number): void {
    if (this.n < this.k) {
      let i = this.n++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (this.scores[p]! <= score) break;
        this.scores[i] = this.scores[p]!;
        this.slots[i] = this.slots[p]!;
        i = p;
      }
      this.scores[i] = score;
      this.slots[i] = slot;
      return;
    }
    if (score <= this.scores[0]!) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) break;
      const r = l + 1;
      const c = r < this.n && this.scores[r]! < this.scores[l]! ? r : l;
      if (this.scores[c]! >= score) break;
      this.scores[i] = this.scores[c]!;
      this.slots[i] = this.slots[c]!;
      i = c;
    }
    this.scores[i] = score;
    this.slots[i] = slot;
  }

  sorted(): { score: number; slot: number }[] {
    const out: { score: number; slot: number }[] = [];
    for (let i = 0; i < this.n; i++) out.push({ score: this.scores[i]!, slot: this.slots[i]! });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}
