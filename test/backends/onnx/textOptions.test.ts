import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { Dataset, dataSource } from '../../../src/data/dataset.js';
import { compileModel } from '../../../src/ir/compileModel.js';
import type { IrGraph } from '../../../src/ir/ir.js';
import { applyTransform } from '../../../src/data/applyTransform.js';
import { englishStopwords, tokenizeText, tokenizerOptions } from '../../../src/ops/textTokens.js';
import { checkFile, repoRoot } from '../../helpers/semanticCases.js';
import { clientFeeds } from './clientFeeds.js';
import { expectParity, firstRows, modelParity, writeCsv } from './modelParity.js';
import { checkModels, randomWeights, tolerance } from './onnxTestHelpers.js';

const caseDir = join(repoRoot, 'test', 'cases', 'onnx', 'text');

async function textModel(): Promise<IrGraph> {
  const path = join(caseDir, 'input.bird');
  const checked = checkFile(path, caseDir);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const graph = compileModel(checked.models[0]!).graph;
  return new Dataset(graph, dataSource(graph.train?.settings['data'], path)!).fit();
}

describe('tokenizer options through an export', () => {
  test('the manifest carries every option of `tokens`, the English stopwords written out as words', async () => {
    const graph = await textModel();
    const [serve] = exportSignatures(graph, randomWeights(graph, 2));
    const shapes = serve!.inputs.map((i) => `${i.name} ${i.dtype}[${i.shape.join(', ')}] ${i.encoding}`);
    // body: 12 unigrams + 11 bigrams; title: 4 tokens; tags: 3 + 2 + 1.
    expect(shapes).toEqual([
      'body int64[batch, 23] padded_ids',
      'title string[batch, 4] string',
      'title.hash int64[batch, 4] vocab_hash',
      'tags int64[batch, 6] padded_ids',
      'words string[batch, 10] string',
    ]);
    const body = serve!.inputs[0]!.outOfGraph[0]!;
    expect(body).toEqual({
      op: 'tokenize',
      args: { max: 12, lower: true, ngrams: 2, keep: 'sample', normalize: 'nfkc', strip_html: true, stopwords: englishStopwords },
    });
    expect(serve!.inputs[1]!.outOfGraph[0]!.args).toMatchObject({ keep: 'last', lower: false, stopwords: ['The', 'a'] });
    checkModels('text', [serve!]);
  });

  test('the ids a client computes from the manifest are the ids the training batches hold, on Unicode, markup, empty and missing text', async () => {
    const graph = await textModel();
    const rows = await firstRows(join(caseDir, 'rows.csv'), 100);
    expect(rows.filter((r) => r['body'] === '').length).toBeGreaterThan(0);
    const [serve] = exportSignatures(graph, randomWeights(graph, 2));
    const feeds = clientFeeds(serve!.inputs, rows);
    const dir = mkdtempSync(join(tmpdir(), 'bird-text-'));
    try {
      const path = join(dir, 'rows.csv');
      writeCsv(path, rows);
      const dataset = new Dataset(graph, { kind: 'file', path, split: { kind: 'none' } });
      const batch = (await dataset.batches('train', 1000).next()).value!;
      for (const [name, width] of [
        ['body', 23],
        ['tags', 6],
      ] as const) {
        // `term_weight` makes the training column a bag: each row's ids without padding, with their weights.
        const column = batch.columns.get(name)!;
        if (column.kind !== 'sparse') throw new Error(`${name} is not a bag`);
        const fed = Array.from(feeds[name]!.data as BigInt64Array, Number);
        expect(fed.length).toBe(rows.length * width);
        rows.forEach((_, i) => {
          const trained = Array.from(column.ids.slice(column.offsets[i]!, column.offsets[i + 1]!));
          expect(fed.slice(i * width, (i + 1) * width).filter((id) => id !== 0)).toEqual(trained);
        });
      }
      // body keeps a hashed sample: on some rows it is not the first 12 words.
      const args = serve!.inputs[0]!.outOfGraph[0]!.args;
      const sampled = rows.filter((r) => {
        const words = (k: string): string[] => tokenizeText(r['body'] ?? '', tokenizerOptions({ ...args, keep: k }));
        return words('sample').join('|') !== words('first').join('|');
      });
      expect(sampled.length).toBeGreaterThan(3);
      // Some rows fill the bigrams' part, some are empty.
      const body = Array.from(feeds['body']!.data as BigInt64Array, Number);
      expect(body.filter((id) => id !== 0).length).toBeGreaterThan(rows.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('term_weight("tfidf") fits idf on the training rows; "log" weighs a term ln(1 + c) in all', async () => {
    const graph = await textModel();
    const words = graph.features.find((f) => f.name === 'words')!;
    const vocabulary = words.transforms[1]!.args['vocabulary'] as string[];
    const fitted = words.transforms[2]!.args;
    // By hand: holdout(every: 4) trains on the rows whose index is not 3 mod 4.
    const rows = (await firstRows(join(caseDir, 'rows.csv'), 100)).filter((_, i) => i % 4 !== 3);
    const options = tokenizerOptions(words.transforms[0]!.args);
    const df = new Map<string, number>();
    for (const r of rows) for (const t of new Set(tokenizeText(r['words']!, options))) df.set(t, (df.get(t) ?? 0) + 1);
    const ids = fitted['idf_ids'] as number[];
    const idf = fitted['idf'] as number[];
    vocabulary.forEach((term, j) => {
      const at = ids.indexOf(2 + j);
      expect(idf[at]).toBeCloseTo(Math.log((1 + rows.length) / (1 + df.get(term)!)) + 1, 12);
    });
    expect(fitted['idf_default']).toBeCloseTo(Math.log(1 + rows.length) + 1, 12);
    // Out-of-vocabulary id 1 is a term too: its df counts the rows holding any unknown word.
    expect(ids[0]).toBe(1);
    const bag = applyTransform({ op: 'term_weight', args: { scheme: 'log' } }, { kind: 'ids', ids: [7, 3, 7, 7, 0, 0], values: null });
    expect(bag.kind === 'ids' && bag.ids).toEqual([7, 3, 7, 7]);
    const w = bag.kind === 'ids' ? bag.values! : [];
    expect(w[0]! + w[2]! + w[3]!).toBeCloseTo(Math.log(4), 12);
    expect(w[1]).toBeCloseTo(Math.log(2), 12);
  });

  test(`raw text through ONNX Runtime and through the data stage and TF.js agree within ${tolerance.abs} abs + ${tolerance.rel} rel`, async () => {
    const graph = await textModel();
    const rows = await firstRows(join(caseDir, 'rows.csv'), 100);
    expectParity(await modelParity(graph, rows, 13), `over ${rows.length} rows`);
  }, 60_000);
});
