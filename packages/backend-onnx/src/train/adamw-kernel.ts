/**
 * The AdamW update of one tensor as a WebAssembly SIMD loop: four float32 lanes per instruction and float32
 * arithmetic as the hardware does it, so no Math.fround after every operation as a JavaScript loop needs to round
 * like float32 — measured 2–2.5× faster than that loop over the same Float32Arrays, with bit-identical results
 * (grouped-adamw.test.ts checks). The module is a few hundred bytes, encoded here; the tensors are streamed through
 * a small scratch memory in chunks, so any tensor size works and nothing is copied for longer than one chunk.
 */

/** Scalars of one tensor's update, each already rounded to float32. */
export interface AdamWScalars {
  /** Multiplies the gradient first: 1/tokens times the clip factor. */
  scale: number;
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** Bias corrections 1 − β^t of this tensor's update count t. */
  correction1: number;
  correction2: number;
  epsilon: number;
  learningRate: number;
  /** 0 runs the update without the decay term (as the tfjs engine does), not with a zero decay. */
  weightDecay: number;
}

/** Scratch memory: four arrays (weights, m, v, gradient) of CHUNK float32 values each. */
const PAGES = 4;
const CHUNK = (PAGES * 65536) / 16;

type Kernel = (w: number, m: number, v: number, g: number, bytes: number, ...scalars: number[]) => void;

let instance: { plain: Kernel; decay: Kernel; memory: Float32Array } | undefined;

/**
 * w ← w − lr·(m̂/(√v̂+ε) + wd·w) with m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², g = scale·gradient, m̂ = m/c1,
 * v̂ = v/c2; every operation rounded to float32, in the order the tfjs engine's GroupedAdamW runs them.
 */
export function adamwUpdate(
  w: Float32Array,
  m: Float32Array,
  v: Float32Array,
  gradient: Float32Array,
  s: AdamWScalars,
): void {
  const k = (instance ??= instantiate());
  const kernel = s.weightDecay > 0 ? k.decay : k.plain;
  const W = k.memory.subarray(0, CHUNK);
  const M = k.memory.subarray(CHUNK, 2 * CHUNK);
  const V = k.memory.subarray(2 * CHUNK, 3 * CHUNK);
  const G = k.memory.subarray(3 * CHUNK, 4 * CHUNK);
  const scalars = [
    s.scale,
    s.beta1,
    s.oneMinusBeta1,
    s.beta2,
    s.oneMinusBeta2,
    s.correction1,
    s.correction2,
    s.epsilon,
    s.learningRate,
    s.weightDecay,
  ];
  for (let start = 0; start < w.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, w.length);
    const length = end - start;
    W.set(w.subarray(start, end));
    M.set(m.subarray(start, end));
    V.set(v.subarray(start, end));
    G.set(gradient.subarray(start, end));
    // The last group of four lanes may run past `length` on stale scratch values; they are not copied back.
    kernel(0, CHUNK * 4, CHUNK * 8, CHUNK * 12, Math.ceil(length / 4) * 16, ...scalars);
    w.set(W.subarray(0, length), start);
    m.set(M.subarray(0, length), start);
    v.set(V.subarray(0, length), start);
  }
}

/** The part of the WebAssembly JavaScript API used here: the project's TypeScript lib (ES2023, Node) does not declare it. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { plain: Kernel; decay: Kernel; memory: { buffer: ArrayBuffer } } };
}

function instantiate(): { plain: Kernel; decay: Kernel; memory: Float32Array } {
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const { exports } = new api.Instance(new api.Module(encodeModule()));
  return { plain: exports.plain, decay: exports.decay, memory: new Float32Array(exports.memory.buffer) };
}

// ---- WebAssembly binary encoding (https://webassembly.github.io/spec/core/binary/) ----

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

const simd = (op: number) => [0xfd, ...uleb(op)];
/** v128.load / v128.store with 16-byte alignment, offset 0. */
const LOAD = [...simd(0x00), 4, 0];
const STORE = [...simd(0x0b), 4, 0];
const SPLAT = simd(0x13);
const SQRT = simd(0xe3);
const ADD = simd(0xe4);
const SUB = simd(0xe5);
const MUL = simd(0xe6);
const DIV = simd(0xe7);
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];

/** Parameters: pointers to w, m, v, g and the byte length (i32), then the ten scalars (f32) in AdamWScalars order. */
const PARAMS = [I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32, F32, F32];
const [PW, PM, PV, PG, BYTES] = [0, 1, 2, 3, 4];
const FIRST_SCALAR = 5;
/** Locals: the byte offset, the ten scalars splatted to four lanes, then g, m, v, the step and w of four values. */
const I = 15;
const [S, B1, OB1, B2, OB2, C1, C2, EPS, LR, WD] = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25];
const [G, M, V, STEP, W] = [26, 27, 28, 29, 30];

function functionBody(decay: boolean): number[] {
  const at = (pointer: number) => [...get(pointer), ...get(I), 0x6a]; // pointer + i
  const code: number[] = [];
  for (let k = 0; k < 10; k++) code.push(...get(FIRST_SCALAR + k), ...SPLAT, ...set(S + k));
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(I), ...get(BYTES), 0x4f, 0x0d, 1); // i >= bytes (unsigned): leave the block
  code.push(...at(PG), ...LOAD, ...get(S), ...MUL, ...set(G));
  code.push(...at(PM), ...LOAD, ...get(B1), ...MUL, ...get(G), ...get(OB1), ...MUL, ...ADD, ...set(M));
  code.push(...at(PM), ...get(M), ...STORE);
  code.push(
    ...at(PV),
    ...LOAD,
    ...get(B2),
    ...MUL,
    ...get(G),
    ...get(G),
    ...MUL,
    ...get(OB2),
    ...MUL,
    ...ADD,
    ...set(V),
  );
  code.push(...at(PV), ...get(V), ...STORE);
  code.push(
    ...get(M),
    ...get(C1),
    ...DIV,
    ...get(V),
    ...get(C2),
    ...DIV,
    ...SQRT,
    ...get(EPS),
    ...ADD,
    ...DIV,
    ...set(STEP),
  );
  code.push(...at(PW), ...at(PW), ...LOAD, ...tee(W), ...get(STEP));
  if (decay) code.push(...get(W), ...get(WD), ...MUL, ...ADD);
  code.push(...get(LR), ...MUL, ...SUB, ...STORE);
  code.push(...get(I), 0x41, ...uleb(16), 0x6a, ...set(I), 0x0c, 0, 0x0b, 0x0b, 0x0b); // i += 16; continue; end, end, end
  const body = [
    ...vec([
      [1, I32],
      [15, V128],
    ]),
    ...code,
  ];
  return [...uleb(body.length), ...body];
}

function encodeModule(): Uint8Array {
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(PARAMS.map((t) => [t])), 0]])), // one function type, no results
    ...section(3, vec([[0], [0]])), // two functions of that type
    ...section(5, vec([[0x00, ...uleb(PAGES)]])), // memory of PAGES pages
    ...section(
      7,
      vec([
        [...name('plain'), 0x00, 0],
        [...name('decay'), 0x00, 1],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vec([functionBody(false), functionBody(true)])),
  ]);
}
