import type { VjpRule } from '../vjp.js';
import { ELEMENTWISE_RULES } from './elementwise.js';
import { GATHER_RULES } from './gather.js';
import { MATMUL_RULES } from './matmul.js';
import { REDUCE_RULES } from './reduce.js';
import { SHAPE_RULES } from './shape.js';

/** Every vector-Jacobian rule, by ONNX op type (default domain). */
export const VJP_RULES: ReadonlyMap<string, VjpRule> = new Map(
  Object.entries({ ...ELEMENTWISE_RULES, ...REDUCE_RULES, ...MATMUL_RULES, ...SHAPE_RULES, ...GATHER_RULES }),
);
