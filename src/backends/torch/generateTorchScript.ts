import type { IrGraph, IrNode } from '../../ir/ir.js';
import { featureEntries } from '../../ir/featureEntries.js';
import { neededNodes } from '../../tensor/neededNodes.js';
import { opExpression, py, torchOps } from './pythonOps.js';
import { pythonHelpers } from './pythonRuntime.js';
import { pythonTraining } from './pythonTraining.js';

/** What the script records about where it came from, and the settings it trains with. */
export interface TorchScriptOptions {
  /** The `.bird` file, as the user named it. */
  readonly source: string;
  readonly birdVersion: string;
  readonly epochs: number;
  readonly batch: number;
  readonly seed: number;
}

/** A parameter's key in the module: Bird's name with `/` as `__` (module keys may not hold `.`, and read better without `/`). */
export function parameterKey(name: string): string {
  return name.replaceAll('/', '__').replaceAll('.', '_');
}

/** The ops of a graph's forward pass and loss the generated module has no form for. */
export function unsupportedOps(graph: IrGraph): string[] {
  const roots = [...graph.outputs.map((o) => o.node), ...(graph.train?.loss != null ? [graph.train.loss] : [])];
  const entries = new Set(featureEntries(graph).values());
  const needed = neededNodes(graph.nodes, roots, (id) => entries.has(id));
  return [
    ...new Set(
      [...needed]
        .map((id) => graph.nodes[id]!)
        .filter((n) => !entries.has(n.id) && !torchOps.has(n.op))
        .map((n) => n.op),
    ),
  ].sort();
}

/** Tables only embedding lookups read: EmbeddingBag weights with sparse gradients, as Bird's own trainer keeps them. */
function sparseTables(graph: IrGraph): Set<number> {
  const readers = new Map<number, IrNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  const tables = new Set<number>();
  for (const n of graph.nodes) {
    if (n.op !== 'param' || (n.attrs['shape'] as number[]).length !== 2) continue;
    const r = readers.get(n.id) ?? [];
    if (r.length > 0 && r.every((c) => c.op === 'embedding_lookup' && c.inputs[1] === n.id)) tables.add(n.id);
  }
  return tables;
}

const comment = (n: IrNode): string => `  # ${n.op}${n.scope ? ` in ${n.scope}` : ''}${n.loc ? ` at ${n.loc}` : ''}`;

/**
 * The IR of a fitted, inlined model as one plain PyTorch file: an `nn.Module` whose
 * `forward(batch)` computes the model's outputs (and, asked for, the loss) node by node
 * as the IR says, fed at the same entries as Bird's backends (each feature after its
 * transforms, which Bird applies when it encodes the shards), and the training script
 * around it (see pythonRuntime.ts). Parameters keep Bird's names, so Bird's checkpoints
 * load into it and its checkpoints load into Bird.
 */
export function generateTorchScript(graph: IrGraph, options: TorchScriptOptions): string {
  if (graph.functions.length > 0) throw new Error('the PyTorch module needs the IR after inlining');
  const entries = featureEntries(graph);
  const entryNames = new Map([...entries].map(([key, node]) => [node, key.slice(key.indexOf(':') + 1)]));
  const tables = sparseTables(graph);
  const outputRoots = graph.outputs.map((o) => o.node);
  const lossRoot = graph.train?.loss ?? null;
  const stop = (id: number): boolean => entryNames.has(id);
  const forOutputs = neededNodes(graph.nodes, outputRoots, stop);
  const forLoss = lossRoot === null ? new Set<number>() : neededNodes(graph.nodes, [lossRoot], stop);
  const v = (id: number): string => `x${id}`;

  const init: string[] = [];
  const params: string[] = [];
  for (const n of graph.nodes) {
    if (!forOutputs.has(n.id) && !forLoss.has(n.id)) continue;
    if (n.op === 'param') {
      const name = String(n.attrs['name']);
      const key = parameterKey(name);
      const shape = n.attrs['shape'] as number[];
      if (tables.has(n.id)) {
        init.push(`        self.tables[${py(key)}] = nn.EmbeddingBag(${shape[0]}, ${shape[1]}, mode="sum", sparse=sparse)  # ${name}`);
        params.push(`    ${py(name)}: ("table", ${py(key)}),`);
      } else {
        init.push(`        self.p[${py(key)}] = nn.Parameter(torch.zeros(${shape.join(', ')}))  # ${name}`);
        params.push(`    ${py(name)}: ("dense", ${py(key)}),`);
      }
    } else if (n.op === 'const' && !entryNames.has(n.id)) {
      const dtype =
        n.type.kind === 'tensor' && n.type.dtype !== 'f32' ? (n.type.dtype === 'bool' ? 'torch.bool' : 'torch.int64') : 'torch.float32';
      const shape = n.type.kind === 'tensor' ? (n.type.shape as number[]) : [];
      const value = n.attrs['value'] as number | number[];
      init.push(`        self.register_buffer("c${n.id}", torch.tensor(${py(value as number[])}, dtype=${dtype}).reshape(${py(shape)}))`);
    }
  }

  const line = (n: IrNode): string => {
    const name = entryNames.get(n.id);
    if (name !== undefined)
      return `        ${v(n.id)} = batch[${py(name)}]  # ${n.type.kind === 'sparse' ? 'ragged ids' : 'input'} \`${name}\``;
    switch (n.op) {
      case 'param': {
        const key = parameterKey(String(n.attrs['name']));
        return `        ${v(n.id)} = ${tables.has(n.id) ? `self.tables[${py(key)}].weight` : `self.p[${py(key)}]`}`;
      }
      case 'const':
        return `        ${v(n.id)} = self.c${n.id}`;
      case 'embedding_lookup': {
        const table = graph.nodes[n.inputs[1]!]!;
        return `        ${v(n.id)} = lookup(${v(table.id)}, ${v(n.inputs[0]!)}, ${py(n.attrs['combiner'])}, ${tables.has(table.id) ? 'self.sparse' : 'False'})${comment(n)}`;
      }
    }
    const expr = opExpression(n, n.inputs.map(v));
    if (expr === undefined) throw new Error(`the PyTorch backend has no form for op \`${n.op}\``);
    return `        ${v(n.id)} = ${expr}${comment(n)}`;
  };

  const outputLines = graph.nodes.filter((n) => forOutputs.has(n.id)).map(line);
  const lossLines = graph.nodes.filter((n) => forLoss.has(n.id) && !forOutputs.has(n.id)).map(line);
  const settings = graph.train?.settings ?? {};
  const optimizer = (settings['optimizer'] as { fn?: string; args?: Record<string, unknown> } | undefined) ?? { fn: 'adam', args: {} };
  const className = graph.model.replace(/[^A-Za-z0-9_]/g, '_');

  return `#!/usr/bin/env python3
"""${graph.model}: a PyTorch module and training script generated by Bird ${options.birdVersion}
from ${options.source}. Plain PyTorch (1.13 or later) and numpy; Bird is not needed to run it.

The module computes what Bird's IR computes, node by node (each line names the IR op and
where it came from in the .bird source). It is fed the batches Bird's \`bird encode\`
writes: each feature after its transforms (ids, z-scores, ...), so the transforms stay
Bird's and the exported artifact stays the same.

One process per rank, configured by the environment as torchrun does (RANK, WORLD_SIZE,
LOCAL_RANK, MASTER_ADDR, MASTER_PORT; gloo on CPUs, NCCL on GPUs):
  python3 this.py train --shards SHARDS --init RUN/torch/init --out RUN
"""
import argparse
import json
import math
import os
import re
import shutil
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

MODEL_NAME = ${py(graph.model)}

# The train section's settings this script honours.
SETTINGS = {
    "optimizer": ${JSON.stringify({ fn: optimizer.fn ?? 'adam', args: optimizer.args ?? {} })},
    "epochs": ${options.epochs},
    "batch": ${options.batch},
    "seed": ${options.seed},
    "shuffle": ${Number(settings['shuffle'] ?? 0)},
    "clip_norm": ${Number(settings['clip_norm'] ?? 0)},
    "weight_decay": ${Number(settings['weight_decay'] ?? 0)},
    "checkpoint_every": ${Number(settings['checkpoint_every'] ?? 0)},
    "keep_checkpoints": ${Number(settings['keep_checkpoints'] ?? 3)},
}

# Bird's parameter names and where each lives in the module.
PARAMS = {
${params.join('\n')}
}

${pythonHelpers.trim()}


${pythonTraining.trim()}


class ${className}(nn.Module):
    """The forward pass of ${graph.model}; \`batch\` maps feature and label names to tensors."""

    def __init__(self, sparse=True):
        super().__init__()
        self.sparse = sparse
        self.p = nn.ParameterDict()
        self.tables = nn.ModuleDict()
${init.join('\n')}

    def forward(self, batch, with_loss=False):
${outputLines.join('\n')}
        outputs = {${graph.outputs.map((o) => `${py(o.name)}: ${v(o.node)}`).join(', ')}}
        if not with_loss:
            return outputs
${lossLines.join('\n') || '        pass'}
        return outputs, ${lossRoot === null ? 'None' : v(lossRoot)}


MODEL_CLASS = ${className}

if __name__ == "__main__":
    main()
`;
}
