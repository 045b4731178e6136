// Import rewrites that need operand shapes (old-opset forms whose meaning depends on ranks): nodes are visited
// in topological order while shape inference runs alongside, so each deferred rewrite sees its inputs' shapes;
// a rewrite may insert helper nodes before its node. A rewrite that cannot decide refuses the node.
import type { AttrValue, Graph, Node } from '../ir/graph.js';
import type { TensorValue } from '../ir/tensor.js';
import { inferNode } from '../shape/infer.js';

export interface ShapedContext {
  /** Inferred shape of a value (null = rank unknown). */
  shape(name: string): number[] | null;
  constant(name: string): TensorValue | undefined;
  addConstant(hint: string, t: TensorValue): string;
  /** Adds a one-output node before the node being rewritten; returns its output's (fresh) name. */
  insert(spec: { opType: string; inputs: string[]; attrs?: Record<string, AttrValue>; hint: string }): string;
  /** Records why the node cannot be imported; returns undefined so rules can `return s.refuse(...)`. */
  refuse(reason: string): undefined;
}

/** After the rewrite, output 0 must have the shape of `sameShapeAs` (the old op's result shape), when known. */
export type ShapedRewrite = (node: Node, ctx: ShapedContext) => { sameShapeAs?: string } | undefined;

export interface ShapedRewriteHooks {
  addConstant(hint: string, t: TensorValue): string;
  freshValue(hint: string): string;
  freshNode(hint: string): string;
  refuse(node: Node, reason: string): void;
}

const known = (s: number[] | null | undefined): s is number[] => !!s && s.every((d) => d >= 0);

/** Runs the deferred rewrites; fills graph.values for the nodes visited (inferShapes later redoes it all). */
export function applyShapedRewrites(graph: Graph, pending: Map<Node, ShapedRewrite>, hooks: ShapedRewriteHooks): void {
  if (pending.size === 0) return;
  for (const i of graph.inputs) graph.values.set(i.name, { dtype: i.dtype, shape: [...i.shape] });
  for (const [name, t] of graph.constants) graph.values.set(name, { dtype: t.dtype, shape: [...t.dims] });
  const out: Node[] = [];
  let refused = false; // after a refusal the import fails: later nodes are only copied
  for (const node of graph.nodes) {
    const rewrite = refused ? undefined : pending.get(node);
    let check: { sameShapeAs?: string } | undefined;
    if (rewrite) {
      const ctx: ShapedContext = {
        shape: (name) => (name ? (graph.values.get(name)?.shape ?? null) : null),
        constant: (name) => (name ? graph.constants.get(name) : undefined),
        addConstant(hint, t) {
          const name = hooks.addConstant(hint, t);
          graph.values.set(name, { dtype: t.dtype, shape: [...t.dims] });
          return name;
        },
        insert({ opType, inputs, attrs, hint }) {
          const output = hooks.freshValue(hint);
          const helper: Node = {
            name: hooks.freshNode(`${node.name}_${opType}`),
            opType,
            domain: '',
            inputs,
            outputs: [output],
            attrs: attrs ?? {},
          };
          inferNode(graph, helper);
          out.push(helper);
          return output;
        },
        refuse(reason) {
          refused = true;
          hooks.refuse(node, reason);
          return undefined;
        },
      };
      check = rewrite(node, ctx);
    }
    out.push(node);
    if (refused) continue;
    inferNode(graph, node);
    if (check?.sameShapeAs) {
      const want = graph.values.get(check.sameShapeAs)?.shape;
      const got = graph.values.get(node.outputs[0])?.shape;
      if (known(want) && known(got) && (want.length !== got.length || want.some((d, k) => d !== got[k]))) {
        refused = true;
        hooks.refuse(
          node,
          `the legacy (opset < 7) result has the first input's shape [${want}], but broadcasting the operands gives [${got}]`,
        );
      }
    }
  }
  graph.nodes = out;
}
