import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { printOnnx } from '../../../src/backends/onnx/printOnnx.js';
import { Dataset, dataSource } from '../../../src/data/dataset.js';
import { compileModel } from '../../../src/ir/compileModel.js';
import type { IrGraph } from '../../../src/ir/ir.js';
import { expectGolden } from '../../helpers/golden.js';
import { checkFile, repoRoot } from '../../helpers/semanticCases.js';
import { expectParity, firstRows, modelParity } from './modelParity.js';
import { checkModels, randomWeights, tolerance } from './onnxTestHelpers.js';

const caseDir = join(repoRoot, 'test', 'cases', 'onnx', 'kinds');

async function kindsModel(): Promise<IrGraph> {
  const path = join(caseDir, 'input.bird');
  const checked = checkFile(path, caseDir);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const graph = compileModel(checked.models[0]!).graph;
  return new Dataset(graph, dataSource(graph.train?.settings['data'], path)!).fit();
}

describe('every feature kind and transform through a signature', () => {
  test('inputs: encodings, dtypes, shapes and the steps left to the client', async () => {
    const graph = await kindsModel();
    const [serve, lite] = exportSignatures(graph, randomWeights(graph, 2));
    const table = serve!.inputs.map((i) =>
      `${i.name} ${i.dtype}[${i.shape.join(', ')}] ${i.encoding} default=${JSON.stringify(i.default)} ${i.outOfGraph.map((s) => `${s.op}${JSON.stringify(s.args)}`).join(' ')}`.trim(),
    );
    expect(table).toEqual([
      'likes float32[batch] dense default=0',
      'hour float32[batch] dense default=0',
      'lang string[batch] string default="en"',
      'city string[batch] string default="qq"',
      'city.hash int64[batch] vocab_hash default="qq" hash_bucket{"bits":30}',
      'src int64[batch] dense default="" hash_bucket{"bits":8}',
      'n int64[batch] dense default=2',
      'tags int64[batch, tags.length] padded_ids default=null hash_bucket{"bits":10}',
      'scores int64[batch, scores.length] padded_ids default=null hash_bucket{"bits":10}',
      'scores.weights float32[batch, scores.length] padded_ids default=null',
      'words string[batch, 4] string default=null',
      'words.hash int64[batch, 4] vocab_hash default=null hash_bucket{"bits":30}',
      'emb float32[batch, 3] dense default=0',
      'title int64[batch, 5] padded_ids default="" tokenize{"max":5,"lower":true,"ngrams":1,"keep":"first","normalize":"none","strip_html":false,"stopwords":null} hash_bucket{"bits":12}',
    ]);
    // The second signature's output needs one feature, so it takes one input.
    expect(lite!.inputs.map((i) => i.name)).toEqual(['likes']);
    expect(lite!.outputs).toEqual([{ name: 'likes_only', output: 'likes_only', dtype: 'float32', shape: ['batch', 2] }]);
    expect(serve!.version).toBe('2.1.0');
    for (const sig of [serve!, lite!]) expectGolden(join(caseDir, `${sig.name}.txt`), printOnnx(sig.onnx));
    checkModels('kinds', [serve!, lite!]);
  });

  test(`raw rows (missing, unknown, cut and padded values) agree with the data stage and TF.js within ${tolerance.abs} abs + ${tolerance.rel} rel`, async () => {
    const graph = await kindsModel();
    const rows = await firstRows(join(caseDir, 'rows.csv'), 100);
    const parity = await modelParity(graph, rows, 5);
    if (process.env['BIRD_REPORT_DIFFS'] === '1') console.log(`kinds: max abs diff ${parity.maxAbs}`, parity.tf);
    expect(parity.onnx).toHaveLength(rows.length);
    expectParity(parity, `over ${rows.length} rows`);
  }, 60_000);
});
