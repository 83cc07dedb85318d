/**
 * The gallery's scan kernel in WebAssembly SIMD (128-bit, f32x4), assembled here from opcodes so that no build step or
 * binary file is needed. Two functions over a memory the caller owns:
 *
 *   scores(rows, n, chunks, query, out): for each of n rows (each `chunks` x 16 floats), out[r] = row . query
 *   sum(ptr, chunks): the sum of `chunks` x 16 floats (the benchmark's plain pass over the same bytes)
 *
 * Both walk 64 bytes per step with four independent accumulators, so the scan is limited by memory rather than by
 * the latency of one chain of additions.
 */

const SIMD = 0xfd;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  f32Add: 0x92,
  f32Store: 0x38,
  void: 0x40,
  i32: 0x7f,
  f32: 0x7d,
  v128: 0x7b,
} as const;
const simd = {
  load: [SIMD, 0x00, 4, 0] as number[], // v128.load align=16 offset=0
  loadAt: (offset: number) => [SIMD, 0x00, 4, ...uleb(offset)],
  zero: [SIMD, 0x0c, ...new Array<number>(16).fill(0)], // v128.const 0
  lane: (i: number) => [SIMD, 0x1f, i], // f32x4.extract_lane
  add: [SIMD, ...uleb(228)], // f32x4.add
  mul: [SIMD, ...uleb(230)], // f32x4.mul
};

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const str = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const get = (i: number) => [op.localGet, i];
const set = (i: number) => [op.localSet, i];
const addConst = (local: number, k: number) => [...get(local), op.i32Const, ...sleb(k), op.i32Add, ...set(local)];

/** Horizontal sum of four f32x4 accumulators in locals a..a+3, leaving one f32 on the stack. */
function horizontalSum(a: number): number[] {
  const code: number[] = [...get(a), ...get(a + 1), ...simd.add, ...get(a + 2), ...simd.add, ...get(a + 3), ...simd.add];
  const t = a; // reuse the first accumulator as the total
  code.push(...set(t), ...get(t), ...simd.lane(0));
  for (let i = 1; i < 4; i++) code.push(...get(t), ...simd.lane(i), op.f32Add);
  return code;
}

function scoresBody(): number[] {
  // params: 0 rows, 1 n, 2 chunks (16 floats each), 3 query, 4 out; locals: 5 j, 6 qp, 7..10 accumulators
  const ROWS = 0,
    N = 1,
    CHUNKS = 2,
    Q = 3,
    OUT = 4,
    J = 5,
    QP = 6,
    ACC = 7;
  const inner: number[] = [];
  for (let k = 0; k < 4; k++) {
    inner.push(...get(ACC + k), ...get(ROWS), ...simd.loadAt(16 * k), ...get(QP), ...simd.loadAt(16 * k), ...simd.mul, ...simd.add, ...set(ACC + k));
  }
  const code = [
    op.block,
    op.void,
    ...get(N),
    op.i32Eqz,
    op.brIf,
    0,
    op.loop,
    op.void,
    ...simd.zero,
    ...set(ACC),
    ...simd.zero,
    ...set(ACC + 1),
    ...simd.zero,
    ...set(ACC + 2),
    ...simd.zero,
    ...set(ACC + 3),
    ...get(Q),
    ...set(QP),
    ...get(CHUNKS),
    ...set(J),
    op.loop,
    op.void,
    ...inner,
    ...addConst(ROWS, 64),
    ...addConst(QP, 64),
    ...get(J),
    op.i32Const,
    1,
    op.i32Sub,
    op.localTee,
    J,
    op.brIf,
    0,
    op.end,
    ...get(OUT),
    ...horizontalSum(ACC),
    op.f32Store,
    2,
    0,
    ...addConst(OUT, 4),
    ...get(N),
    op.i32Const,
    1,
    op.i32Sub,
    op.localTee,
    N,
    op.brIf,
    0,
    op.end,
    op.end,
    op.end,
  ];
  const locals = vec([
    [2, op.i32],
    [4, op.v128],
  ]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function sumBody(): number[] {
  // params: 0 ptr, 1 chunks; locals: 2..5 accumulators; result f32
  const PTR = 0,
    CHUNKS = 1,
    ACC = 2;
  const inner: number[] = [];
  for (let k = 0; k < 4; k++) inner.push(...get(ACC + k), ...get(PTR), ...simd.loadAt(16 * k), ...simd.add, ...set(ACC + k));
  const code = [
    ...simd.zero,
    ...set(ACC),
    ...simd.zero,
    ...set(ACC + 1),
    ...simd.zero,
    ...set(ACC + 2),
    ...simd.zero,
    ...set(ACC + 3),
    op.block,
    op.void,
    ...get(CHUNKS),
    op.i32Eqz,
    op.brIf,
    0,
    op.loop,
    op.void,
    ...inner,
    ...addConst(PTR, 64),
    ...get(CHUNKS),
    op.i32Const,
    1,
    op.i32Sub,
    op.localTee,
    CHUNKS,
    op.brIf,
    0,
    op.end,
    op.end,
    ...horizontalSum(ACC),
    op.end,
  ];
  const body = [...vec([[4, op.v128]]), ...code];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const types = vec([
    [0x60, ...vec([[op.i32], [op.i32], [op.i32], [op.i32], [op.i32]]), ...vec([])],
    [0x60, ...vec([[op.i32], [op.i32]]), ...vec([[op.f32]])],
  ]);
  const imports = vec([[...str('env'), ...str('mem'), 0x02, 0x00, ...uleb(1)]]);
  const funcs = vec([[0], [1]]);
  const exports = vec([
    [...str('scores'), 0x00, 0],
    [...str('sum'), 0x00, 1],
  ]);
  const code = vec([scoresBody(), sumBody()]);
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

export interface SimdKernel {
  /** out[r] = dot(row r, query) for n rows of `chunks` x 16 floats starting at byte `rows`. */
  scores(rows: number, n: number, chunks: number, query: number, out: number): void;
  /** Sum of `chunks` x 16 floats from byte `ptr`. */
  sum(ptr: number, chunks: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** Instantiates the kernel over `memory`, or returns null where WebAssembly SIMD is not available. */
export function createSimdKernel(memory: WebAssembly.Memory): SimdKernel | null {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  if (!compiled) return null;
  const instance = new WebAssembly.Instance(compiled, { env: { mem: memory } });
  return instance.exports as unknown as SimdKernel;
}
