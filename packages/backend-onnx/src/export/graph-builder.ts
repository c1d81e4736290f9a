import { onnx, type OnnxTypes } from './onnx-proto.js';

/** ONNX Runtime's operator domain for its contributed (fused) kernels, version 1. */
export const RUNTIME_DOMAIN = 'com.microsoft';

/** A dimension of an input or output: a fixed size, or a named dynamic axis. */
export type Dim = number | string;

/** A float attribute (plain numbers are integer attributes): `{ alpha: floatAttribute(0.5) }`. */
export interface FloatAttribute {
  readonly kind: 'float';
  readonly value: number;
}

/** Marks a number as a float attribute. */
export function floatAttribute(value: number): FloatAttribute {
  return { kind: 'float', value };
}

/**
 * Node attributes: an integer, a list of integers, a float ({@link floatAttribute}), a string (ScatterND's
 * `reduction`) or a tensor (ConstantOfShape's `value`).
 */
export type Attributes = Readonly<
  Record<string, number | readonly number[] | string | FloatAttribute | OnnxTypes.ITensorProto>
>;

/** A large float initializer whose data is attached when the model is serialised (inline or external). */
export interface WeightSlot {
  name: string;
  shape: number[];
}

/**
 * Builds an ONNX graph node by node. Values are named strings; small constants are stored inline; weights are only
 * declared here (name and shape) so that the serialiser can place their data inline or in an external file.
 */
export class GraphBuilder {
  readonly nodes: OnnxTypes.INodeProto[] = [];
  readonly constants: OnnxTypes.ITensorProto[] = [];
  readonly weights: WeightSlot[] = [];
  readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  /** Names handed out by `fresh` and not yet given to a node. */
  private readonly reserved = new Set<string>();
  private readonly cached = new Map<string, string>();
  private readonly suffixes = new Map<string, number>();

  /** A value name not used yet, from a readable hint. */
  fresh(hint: string): string {
    // Counting on from the hint's last suffix keeps this linear in a graph of thousands of nodes (training graphs).
    let i = this.suffixes.get(hint) ?? 0;
    let name = i === 0 ? hint : `${hint}_${i}`;
    while (this.used.has(name)) name = `${hint}_${++i}`;
    this.suffixes.set(hint, i + 1);
    this.used.add(name);
    this.reserved.add(name);
    return name;
  }

  /** Adds a node with one output and returns the output's name (`output` names it exactly). */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, output?: string): string {
    const name = output ?? this.fresh(opType.toLowerCase());
    if (!this.reserved.delete(name)) this.claim(name);
    this.push(opType, inputs, [name], attributes);
    return name;
  }

  /** Adds a node with several outputs. */
  ops(opType: string, inputs: readonly string[], count: number, attributes: Attributes = {}): string[] {
    const names = Array.from({ length: count }, () => this.fresh(opType.toLowerCase()));
    for (const name of names) this.reserved.delete(name);
    this.push(opType, inputs, names, attributes);
    return names;
  }

  /**
   * Adds a node of ONNX Runtime's `com.microsoft` domain (its fused kernels, {@link RUNTIME_DOMAIN}) with `count`
   * outputs, named as `outputs` says where it does; an empty string in `inputs` or `outputs` leaves an optional
   * input or output out.
   */
  runtimeOp(
    opType: string,
    inputs: readonly string[],
    count: number,
    attributes: Attributes = {},
    outputs?: readonly (string | undefined)[],
  ): string[] {
    const names = Array.from({ length: count }, (_, i) => outputs?.[i] ?? this.fresh(opType.toLowerCase()));
    for (const name of names) if (name !== '' && !this.reserved.delete(name)) this.claim(name);
    this.push(opType, inputs, names, attributes, RUNTIME_DOMAIN);
    return names;
  }

  /** A graph input. */
  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares an existing value a graph output. */
  output(name: string, elemType: number, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Declares a weight initializer (data attached at serialisation). */
  weight(name: string, shape: readonly number[]): string {
    this.claim(name);
    this.weights.push({ name, shape: [...shape] });
    return name;
  }

  /** An int64 constant (deduplicated). */
  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(`i64:${dims.join('x')}:${values.join(',')}`, 'const_i64', (name) =>
      onnx.TensorProto.create({
        name,
        dims: [...dims],
        dataType: onnx.TensorProto.DataType.INT64,
        int64Data: [...values],
      }),
    );
  }

  /** A float32 scalar constant (deduplicated); `elemType` DOUBLE makes a float64 one (for float64 test graphs). */
  scalar(value: number, elemType: number = onnx.TensorProto.DataType.FLOAT): string {
    if (elemType === onnx.TensorProto.DataType.DOUBLE) {
      return this.constant(`f64:${value}`, 'const_f64', (name) =>
        onnx.TensorProto.create({ name, dims: [], dataType: elemType, doubleData: [value] }),
      );
    }
    if (elemType !== onnx.TensorProto.DataType.FLOAT)
      throw new Error(`scalar constants are float32 or float64, not ONNX type ${elemType}`);
    return this.constant(`f32:${Math.fround(value)}`, 'const_f32', (name) =>
      onnx.TensorProto.create({ name, dims: [], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [value] }),
    );
  }

  /**
   * Renames values everywhere in the graph (node inputs and outputs, graph outputs), old name → new name, in one
   * pass. Used to give computed values fixed output names without Identity copies.
   */
  rename(renames: ReadonlyMap<string, string>): void {
    for (const to of renames.values()) this.claim(to);
    const swap = (n: string) => renames.get(n) ?? n;
    for (const node of this.nodes) {
      node.input = node.input!.map(swap);
      node.output = node.output!.map(swap);
    }
    for (const info of this.outputs) info.name = swap(info.name!);
  }

  /** A float32 constant tensor stored inline (for tables derived from the architecture, not weights). */
  floats(hint: string, values: Float32Array, dims: readonly number[]): string {
    const name = this.fresh(hint);
    this.reserved.delete(name);
    this.constants.push(
      onnx.TensorProto.create({
        name,
        dims: [...dims],
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: littleEndianBytes(values),
      }),
    );
    return name;
  }

  /** `Transpose(value)` computed once per value and permutation. */
  transposed(value: string, perm: readonly number[]): string {
    const key = `T:${value}:${perm.join(',')}`;
    const known = this.cached.get(key);
    if (known) return known;
    const name = this.op('Transpose', [value], { perm });
    this.cached.set(key, name);
    return name;
  }

  /**
   * Removes nodes none of whose outputs is used by another node or is a graph output (dead code left behind by a
   * rewrite); a removed node's inputs may make more nodes dead, so this walks back from the end once.
   */
  prune(): void {
    const live = new Set(this.outputs.map((o) => o.name!));
    const kept: OnnxTypes.INodeProto[] = [];
    for (let n = this.nodes.length - 1; n >= 0; n--) {
      const node = this.nodes[n]!;
      if (!node.output!.some((o) => live.has(o))) continue;
      kept.push(node);
      for (const i of node.input!) live.add(i);
    }
    this.nodes.splice(0, this.nodes.length, ...kept.reverse());
  }

  private constant(key: string, hint: string, make: (name: string) => OnnxTypes.ITensorProto): string {
    const known = this.cached.get(key);
    if (known) return known;
    const name = this.fresh(hint);
    this.reserved.delete(name);
    this.constants.push(make(name));
    this.cached.set(key, name);
    return name;
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`graph value ${name} is defined twice`);
    this.used.add(name);
  }

  private push(
    opType: string,
    inputs: readonly string[],
    outputs: string[],
    attributes: Attributes,
    domain?: string,
  ): void {
    this.nodes.push(
      onnx.NodeProto.create({
        name: `${opType}_${this.nodes.length}`,
        opType,
        ...(domain ? { domain } : {}),
        input: [...inputs],
        output: outputs,
        attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      }),
    );
  }
}

function attribute(name: string, value: Attributes[string]): OnnxTypes.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'number') return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value });
  if (typeof value === 'string')
    return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value))
    return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...(value as readonly number[])] });
  if ((value as FloatAttribute).kind === 'float')
    return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: (value as FloatAttribute).value });
  return onnx.AttributeProto.create({ name, type: AttributeType.TENSOR, t: value as OnnxTypes.ITensorProto });
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): OnnxTypes.IValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/** The bytes of a float32 array in ONNX's byte order (little-endian, which is every platform Node runs on). */
export function littleEndianBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
