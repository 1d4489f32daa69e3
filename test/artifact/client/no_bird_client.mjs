// A serving client of a Bird artifact written WITHOUT Bird: node builtins and
// onnxruntime-node only, from docs/artifacts.md and docs/data.md alone. It proves the
// artifact is language-agnostic: what a serving team needs is in the folder.
//
//   node no_bird_client.mjs ARTIFACT_DIR [--rows SIGNATURE=ROWS.csv[.gz]]...
//
// 1. Ports the feature hash (murmur3_x86_32, the manifest's seed and bucket rule) and
//    checks it against the manifest's hash vectors, byte for byte.
// 2. Feeds every signature the golden inputs of vectors.json and checks every output
//    within vectors.json's tolerance.
// 3. With --rows: reads raw CSV rows (the rows the golden inputs of SIGNATURE were made
//    from), encodes them itself as each input's `encoding` and `outOfGraph` steps say,
//    checks that this gives exactly the golden input tensors, then runs them and checks
//    the outputs. This is the path a real client takes, hash included.
//
// It does not check the files' sha256: it tests the values, so that a changed value is
// caught by the check that compares it. Exit 0 when everything matches, 1 with one line
// per mismatch, 2 on a usage error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';

const failures = [];
const fail = (message) => failures.push(message);

// ---------------------------------------------------------------- the feature hash

/** MurmurHash3_x86_32 (SMHasher) of bytes, as an unsigned 32-bit number. */
function murmur3x86_32(bytes, seed) {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const rotl = (x, r) => (x << r) | (x >>> (32 - r));
  const mixKey = (k) => Math.imul(rotl(Math.imul(k, c1), 15), c2);
  const n = bytes.length;
  const end = n & ~3;
  let h = seed | 0;
  for (let i = 0; i < end; i += 4) {
    const k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    h = Math.imul(rotl(h ^ mixKey(k), 13), 5) + 0xe6546b64;
    h |= 0;
  }
  // The 1 to 3 tail bytes, little-endian, mixed without the rotation of h.
  let tail = 0;
  for (let i = n - 1; i >= end; i--) tail = (tail << 8) | bytes[i];
  if (n & 3) h ^= mixKey(tail);
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const utf8 = (s) => new TextEncoder().encode(s);
const hex = (bytes) => Buffer.from(bytes).toString('hex');

/** SMHasher's published MurmurHash3_x86_32 vectors (docs/data.md), so the port is checked apart from Bird's seed. */
const referenceVectors = [
  ['', 0, 0x00000000],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  ['\0\0\0\0', 0, 0x2362f9de],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['aaa', 0x9747b28c, 0x283e0130],
  ['aa', 0x9747b28c, 0x5d211726],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['abcd', 0x9747b28c, 0xf0478627],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['ab', 0x9747b28c, 0x74875592],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ['ππππππππ', 0x9747b28c, 0xd58063c1],
];

function hashFunction(spec) {
  if (spec.name !== 'murmur3_x86_32' || spec.input !== 'utf8') throw new Error(`manifest hash ${spec.name} of ${spec.input} input: this client knows only murmur3_x86_32 of utf8 bytes`);
  const seed = spec.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`manifest hash seed ${seed} is not an unsigned 32-bit integer`);
  // The rule as docs/data.md states it: 0 is kept for the empty string.
  const bucket = (key, bits) => (key === '' ? 0 : 1 + (murmur3x86_32(utf8(key), seed) % (2 ** bits - 1)));
  return { seed, bucket };
}

function checkHash(spec, hash) {
  for (const [key, seed, want] of referenceVectors) {
    const got = murmur3x86_32(utf8(key), seed);
    if (got !== want) fail(`hash port: murmur3_x86_32(${JSON.stringify(key)}, 0x${seed.toString(16)}) is 0x${got.toString(16)}, SMHasher says 0x${want.toString(16)}`);
  }
  if (!Array.isArray(spec.vectors) || spec.vectors.length === 0) fail('manifest hash: no test vectors');
  for (const v of spec.vectors ?? []) {
    const label = `hash vector ${JSON.stringify(v.key)}`;
    const bytes = utf8(v.key);
    if (hex(bytes) !== v.utf8) fail(`${label}: utf8 bytes are ${hex(bytes)}, the manifest says ${v.utf8}`);
    const got = murmur3x86_32(Buffer.from(v.utf8, 'hex'), hash.seed);
    if (got !== v.murmur3) fail(`${label}: murmur3_x86_32 is ${got}, the manifest says ${v.murmur3}`);
    for (const [bits, want] of Object.entries(v.buckets)) {
      const bucket = hash.bucket(v.key, Number(bits));
      if (bucket !== want) fail(`${label}: bucket at ${bits} bits is ${bucket}, the manifest says ${want}`);
    }
  }
  return spec.vectors?.length ?? 0;
}

// ---------------------------------------------------------------- tensors

const nonFinite = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A vectors.json tensor as an onnxruntime tensor. */
function tensorOf(t) {
  if (t.dtype === 'float32') return new ort.Tensor('float32', Float32Array.from(t.data, (v) => (typeof v === 'string' ? nonFinite[v] : v)), t.shape);
  if (t.dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(t.data, (v) => BigInt(v)), t.shape);
  if (t.dtype === 'string') return new ort.Tensor('string', [...t.data], t.shape);
  throw new Error(`golden input of dtype ${t.dtype}: inputs are float32, int64 or string`);
}

/** NumPy's isclose, NaN matching only NaN; other dtypes exactly. */
function sameElement(dtype, expected, actual, tolerance) {
  if (dtype === 'string') return expected === actual;
  if (dtype === 'int64') return BigInt(expected) === BigInt(actual);
  const want = typeof expected === 'string' ? nonFinite[expected] : expected;
  const got = Number(actual);
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got);
  if (!Number.isFinite(want) || !Number.isFinite(got)) return want === got;
  if (tolerance === null) return Math.fround(want) === got;
  return Math.abs(got - want) <= tolerance.abs + tolerance.rel * Math.abs(want);
}

const show = (v) => (typeof v === 'bigint' ? String(v) : JSON.stringify(v));

/** Compares a tensor with its golden form; `tolerance` null means exactly. Returns whether it matched. */
function compareTensor(label, expected, actual, tolerance) {
  const dtype = actual.type;
  if (dtype !== expected.dtype || actual.dims.join(',') !== expected.shape.join(',')) {
    fail(`${label}: is ${dtype}[${actual.dims.join(', ')}], expected ${expected.dtype}[${expected.shape.join(', ')}]`);
    return false;
  }
  const data = actual.data;
  let ok = true;
  for (let i = 0; i < expected.data.length; i++) {
    if (sameElement(dtype, expected.data[i], data[i], tolerance)) continue;
    const within = tolerance === null ? 'exactly' : `within abs ${tolerance.abs} + rel ${tolerance.rel}`;
    fail(`${label}[${i}]: expected ${show(expected.data[i])}, got ${show(data[i])} (${within})`);
    ok = false;
  }
  return ok;
}

// ---------------------------------------------------------------- raw rows

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      (record = []), (field = '');
    } else field += c;
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record);
  const [header, ...rows] = records.filter((r) => !(r.length === 1 && r[0] === ''));
  return rows.map((r, n) => {
    if (r.length !== header.length) throw new Error(`rows file: row ${n + 1} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((name, j) => [name, r[j]]));
  });
}

/** A character reference's text, as docs/data.md says: numeric ones decoded, `&apos;` a quote, other names a space. */
function reference(body) {
  if (body[0] !== '#') return body === 'apos' ? "'" : ' ';
  const code = /^#[xX]/.test(body) ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
  const isChar = code >= 1 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
  return isChar ? String.fromCodePoint(code) : ' ';
}

/**
 * Bird's `tokens` (docs/data.md, Tokens), step by step: strip markup, NFKC, lowercase,
 * split into words, drop stopwords, keep the first, last or a hashed sample of `max`, add the k-grams.
 */
function tokenize(text, args) {
  let t = text;
  if (args.strip_html === true)
    t = t
      .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
      .replace(/<[A-Za-z/!?][^>]*>/g, ' ')
      .replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/g, (_, body) => reference(body));
  const nfkc = args.normalize === 'nfkc';
  if (nfkc) t = t.normalize('NFKC');
  if (args.lower !== false) t = t.toLowerCase();
  const drop = new Set(args.stopwords ?? []);
  const words = (t.match(nfkc ? /[\p{L}\p{M}\p{N}_#@']+/gu : /[\p{L}\p{N}_#@']+/gu) ?? []).filter((w) => !drop.has(w));
  const max = Number(args.max);
  let kept = args.keep === 'last' ? words.slice(-max) : words.slice(0, max);
  if (args.keep === 'sample' && words.length > max) {
    // The max words of smallest murmur3 under Bird's seed, ties by position, in the text's order.
    const hashes = words.map((w) => murmur3x86_32(utf8(w), 0x62697264));
    const order = words.map((_, i) => i).sort((a, b) => hashes[a] - hashes[b] || a - b);
    kept = order.slice(0, max).sort((a, b) => a - b).map((i) => words[i]);
  }
  const grams = [];
  for (let k = 1; k <= (args.ngrams ?? 1); k++)
    for (let i = 0; i + k <= kept.length; i++) grams.push(kept.slice(i, i + k).join(' '));
  return grams;
}

const listKinds = new Set(['sparse_binary', 'sparse_continuous', 'sequence']);
const splitKeys = (field) => field.split('|').filter((k) => k !== '');

/**
 * The value an input carries for one raw CSV field, after the client's `outOfGraph`
 * steps: a string, an id, or a list of them. A missing scalar takes the declared default
 * first (the input's, else the feature's), as the manifest says the client does before
 * those steps.
 */
function clientValue(input, field, featureDefault, hash) {
  let value;
  if (listKinds.has(input.kind)) {
    value = splitKeys(field);
    if (input.kind === 'sparse_continuous') value = value.map((k) => k.slice(0, k.lastIndexOf(':')));
  } else {
    const fallback = typeof input.default === 'string' ? input.default : typeof featureDefault === 'string' ? featureDefault : '';
    value = field === '' ? fallback : field;
  }
  for (const step of input.outOfGraph) {
    if (step.op === 'tokenize') value = tokenize(value, step.args);
    else if (step.op === 'hash_bucket') value = Array.isArray(value) ? value.map((k) => hash.bucket(k, step.args.bits)) : hash.bucket(value, step.args.bits);
    else throw new Error(`input ${input.name}: unknown client step ${step.op}`);
  }
  return value;
}

/** One input's tensor for raw rows, as its `encoding` says (docs/artifacts.md, Input encodings). */
function encodeInput(input, rows, features, hash) {
  const n = rows.length;
  // A feature group (`columns` in the manifest) reads its raw columns, in order, as one
  // vector: the same text as a vector column, its numbers separated by spaces, with a
  // missing value as NaN (the graph imputes or substitutes the default).
  const column = (r, name) => {
    if (!(name in r)) throw new Error(`rows file has no column ${name} (input ${input.name})`);
    return r[name];
  };
  const fields = rows.map((r) =>
    input.columns ? input.columns.map((c) => (column(r, c).trim() === '' ? 'NaN' : column(r, c))).join(' ') : column(r, input.feature),
  );
  const featureDefault = features.find((f) => f.name === input.feature)?.default;
  const shape = (width) => (input.shape.length === 1 ? [n] : [n, width]);
  // A row's list cut or padded to the input's width (fixed, else the batch's longest).
  const padded = (lists, fill) => {
    const width = typeof input.shape[1] === 'number' ? input.shape[1] : Math.max(1, ...lists.map((l) => l.length));
    return { width, flat: lists.flatMap((l) => Array.from({ length: width }, (_, j) => (j < l.length ? l[j] : fill))) };
  };

  if (input.encoding === 'string') {
    // A scalar string goes as it is: the graph substitutes the default for "".
    if (input.shape.length === 1) return new ort.Tensor('string', fields, [n]);
    const { width, flat } = padded(fields.map((f) => clientValue(input, f, featureDefault, hash)), '');
    return new ort.Tensor('string', flat, shape(width));
  }
  if (input.encoding === 'vocab_hash') {
    const values = fields.map((f) => clientValue(input, f, featureDefault, hash));
    if (input.shape.length === 1) return new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [n]);
    const { width, flat } = padded(values, 0);
    return new ort.Tensor('int64', BigInt64Array.from(flat, BigInt), shape(width));
  }
  if (input.encoding === 'padded_ids') {
    if (input.dtype === 'float32') {
      // `<name>.weights` of a sparse_continuous feature: the number after each key's last `:`.
      const { width, flat } = padded(fields.map((f) => splitKeys(f).map((k) => Number(k.slice(k.lastIndexOf(':') + 1)))), 0);
      return new ort.Tensor('float32', Float32Array.from(flat), shape(width));
    }
    const { width, flat } = padded(fields.map((f) => clientValue(input, f, featureDefault, hash)), 0);
    return new ort.Tensor('int64', BigInt64Array.from(flat, BigInt), shape(width));
  }
  if (input.encoding !== 'dense') throw new Error(`input ${input.name}: unknown encoding ${input.encoding}`);
  if (input.dtype === 'int64') {
    const ids = fields.map((f) => {
      if (input.outOfGraph.length > 0) return clientValue(input, f, featureDefault, hash);
      // A discrete value; a negative id is how a missing one is sent.
      if (f.trim() === '') return -1;
      const id = Number(f);
      if (!Number.isInteger(id)) throw new Error(`input ${input.name}: ${JSON.stringify(f)} is not an integer id`);
      return id;
    });
    return new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [n]);
  }
  // float32: one number, or a vector of numbers separated by spaces or `|`; NaN when missing.
  const width = input.shape.slice(1).reduce((p, d) => p * Number(d), 1);
  const data = new Float32Array(n * width).fill(NaN);
  fields.forEach((f, i) => {
    const parts = f.split(/[\s|]+/).filter((p) => p !== '');
    if (parts.length > 0 && parts.length !== width) throw new Error(`input ${input.name}: ${JSON.stringify(f)} holds ${parts.length} numbers, expected ${width}`);
    parts.forEach((p, j) => (data[i * width + j] = Number(p)));
  });
  return new ort.Tensor('float32', data, [n, ...input.shape.slice(1).map(Number)]);
}

// ---------------------------------------------------------------- running signatures

async function runAndCompare(label, session, signature, feeds, golden, tolerance) {
  const names = signature.outputs.map((o) => o.name);
  const results = await session.run(feeds, names);
  let ok = true;
  for (const name of names) {
    const want = golden.outputs[name];
    if (!want) {
      fail(`${label}: vectors.json has no output ${name}`);
      ok = false;
    } else if (!compareTensor(`${label}: output ${name}`, want, results[name], tolerance)) ok = false;
  }
  return ok;
}

async function main(argv) {
  const [dir, ...rest] = argv;
  const rowsFor = new Map();
  for (let i = 0; i < rest.length; i++) {
    const m = rest[i] === '--rows' ? /^([^=]+)=(.+)$/.exec(rest[i + 1] ?? '') : null;
    if (!m) throw Object.assign(new Error(`unexpected argument ${rest[i]}`), { usage: true });
    rowsFor.set(m[1], m[2]);
    i++;
  }
  if (!dir) throw Object.assign(new Error('no artifact folder given'), { usage: true });

  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  if (manifest.format !== 'bird-artifact/1') throw new Error(`manifest format ${manifest.format}: this client reads bird-artifact/1`);
  const vectors = JSON.parse(readFileSync(join(dir, 'vectors.json'), 'utf8'));
  const tolerance = vectors.tolerance;

  const hash = hashFunction(manifest.hash);
  const before = failures.length;
  const count = checkHash(manifest.hash, hash);
  if (failures.length === before) console.log(`hash: murmur3_x86_32 seed ${hash.seed}: ${referenceVectors.length} SMHasher vectors and ${count} manifest vectors match`);

  for (const name of rowsFor.keys()) if (!manifest.signatures.some((s) => s.name === name)) fail(`--rows ${name}: the manifest has no signature ${name}`);

  for (const signature of manifest.signatures) {
    const golden = vectors.signatures[signature.name];
    if (!golden) {
      fail(`${signature.name}: vectors.json has no vectors for it`);
      continue;
    }
    for (const input of signature.inputs) if (!golden.inputs[input.name]) fail(`${signature.name}: vectors.json has no input ${input.name}`);
    const session = await ort.InferenceSession.create(join(dir, signature.file));
    try {
      const feeds = Object.fromEntries(signature.inputs.filter((i) => golden.inputs[i.name]).map((i) => [i.name, tensorOf(golden.inputs[i.name])]));
      const examples = Object.values(golden.inputs)[0]?.shape[0] ?? 0;
      if (await runAndCompare(`${signature.name} (golden inputs)`, session, signature, feeds, golden, tolerance)) console.log(`${signature.name}: ${signature.outputs.length} output(s) of ${examples} golden example(s) match`);

      // Raw rows: from --rows, else the ones vectors.json carries.
      const rowsFile = rowsFor.get(signature.name);
      if (rowsFile === undefined && !Array.isArray(vectors.rows)) continue;
      const raw = rowsFile === undefined ? null : readFileSync(rowsFile);
      const rows = raw === null ? vectors.rows : parseCsv((rowsFile.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
      const encoded = {};
      let sameInputs = true;
      for (const input of signature.inputs) {
        encoded[input.name] = encodeInput(input, rows, manifest.features, hash);
        const want = golden.inputs[input.name];
        if (want && !compareTensor(`${signature.name} (raw rows): input ${input.name}`, want, encoded[input.name], null)) sameInputs = false;
      }
      const outputsOk = await runAndCompare(`${signature.name} (raw rows)`, session, signature, encoded, golden, tolerance);
      if (sameInputs && outputsOk) console.log(`${signature.name}: ${rows.length} raw row(s) encode to the golden inputs (${signature.inputs.length} tensors) and give the golden outputs`);
    } finally {
      await session.release();
    }
  }
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  console.error(`error: ${e.message}`);
  if (e.usage) console.error('usage: node no_bird_client.mjs ARTIFACT_DIR [--rows SIGNATURE=ROWS.csv[.gz]]...');
  process.exit(e.usage ? 2 : 1);
}
if (failures.length > 0) {
  for (const f of failures) console.error(`mismatch: ${f}`);
  console.error(`FAILED: ${failures.length} mismatch(es)`);
  process.exit(1);
}
console.log('ok');
