/**
 * The fixed part of every generated training script: the helpers the generated module
 * calls, the reader of Bird's encoded shards (Arrow IPC stream files, read with numpy
 * alone so the script needs nothing but PyTorch; Parquet shards of `bird encode --format
 * parquet` with pyarrow, where it is installed) and Bird's checkpoint format; the
 * training part is pythonTraining.ts. It runs on torch 1.13 and on current PyTorch: it
 * uses no API removed since (F.embedding_bag, DistributedDataParallel, init_process_group
 * with env://).
 */
export const pythonHelpers = String.raw`
def one_hot(ids, depth):
    """Rows of zeros for ids outside [0, depth), as TF.js and ONNX's OneHot give."""
    return (ids.long().unsqueeze(-1) == torch.arange(depth, device=ids.device)).float()


def binary_cross_entropy(p, y, eps):
    q = torch.clamp(p, eps, 1 - eps)
    return -(y * torch.log(q) + (1 - y) * torch.log(1 - q))


def sigmoid_cross_entropy(z, y):
    z, y = torch.broadcast_tensors(z, y)
    return F.binary_cross_entropy_with_logits(z, y, reduction="none")


def softmax_cross_entropy(logits, labels):
    return -(one_hot(labels, logits.shape[-1]) * torch.log_softmax(logits, dim=-1)).sum(-1)


def lookup(weight, ids, combiner, sparse):
    """Bird's embedding_lookup through F.embedding_bag (EmbeddingBag's kernel).

    ids is a tensor [B] (one id: its row), [B, L] (a bag padded with id 0, which does not
    count), or a ragged column (flat ids, offsets [B + 1], weights or None)."""
    if isinstance(ids, tuple):
        flat, offsets, weights = ids
        per = weights if weights is not None else torch.ones(flat.shape[0], device=flat.device)
        summed = F.embedding_bag(flat, weight, offsets[:-1], mode="sum", sparse=sparse, per_sample_weights=per)
        if combiner == "sum":
            return summed
        # Mean over the ids that are not 0 (the missing id), as Bird's kernels count them.
        present = (flat != 0).float()
        counts = torch.zeros(offsets.shape[0] - 1, device=flat.device).index_add_(
            0, torch.repeat_interleave(torch.arange(offsets.shape[0] - 1, device=flat.device), offsets[1:] - offsets[:-1]), present)
        return summed / torch.clamp(counts, min=1).unsqueeze(-1)
    if ids.dim() == 1 or combiner == "none":
        return F.embedding(ids.long(), weight, sparse=sparse)
    mode = "sum" if combiner == "sum" else "mean"
    return F.embedding_bag(ids.long(), weight, mode=mode, sparse=sparse, padding_idx=0)


# ---- Bird's encoded shards: Arrow IPC stream files, read with numpy (no pyarrow needed) ----

def _table(buf, pos):
    """A flatbuffers table at pos: a function from field index to the field's position or None."""
    vtable = pos - struct.unpack_from("<i", buf, pos)[0]
    vsize = struct.unpack_from("<H", buf, vtable)[0]

    def field(i):
        at = 4 + 2 * i
        if at >= vsize:
            return None
        off = struct.unpack_from("<H", buf, vtable + at)[0]
        return pos + off if off else None
    return field


def _deref(buf, at):
    return at + struct.unpack_from("<I", buf, at)[0]


def _structs(buf, at, size):
    """A vector of structs of two int64 each (FieldNode, Buffer)."""
    vec = _deref(buf, at)
    n = struct.unpack_from("<I", buf, vec)[0]
    return [struct.unpack_from("<qq", buf, vec + 4 + size * k) for k in range(n)]


def read_ipc_batches(path):
    """Yields each record batch of an Arrow IPC stream file: its row count and its buffers (numpy uint8 views, padded to 8 bytes)."""
    data = memoryview(open(path, "rb").read())
    pos = 0
    while pos + 8 <= len(data):
        marker, size = struct.unpack_from("<Ii", data, pos)
        if marker != 0xFFFFFFFF:
            size, pos = marker, pos + 4
        else:
            pos += 8
        if size == 0:
            return
        meta = pos
        root = _deref(data, meta)
        message = _table(data, root)
        header_type = data[message(1)] if message(1) is not None else 0
        body_length = struct.unpack_from("<q", data, message(3))[0] if message(3) is not None else 0
        body = meta + size
        if header_type == 3:
            batch = _table(data, _deref(data, message(2)))
            if batch(3) is not None:
                raise ValueError(f"{path}: compressed Arrow IPC buffers are not supported; write them uncompressed")
            buffers = _structs(data, batch(2), 16)
            length = struct.unpack_from("<q", data, batch(0))[0] if batch(0) is not None else 0
            yield length, [np.frombuffer(data, dtype=np.uint8, count=length, offset=body + offset) for offset, length in buffers]
        pos = body + body_length


def read_parquet_shard(path, columns):
    """A Parquet shard (bird encode --format parquet) as read_shard returns one, read with
    pyarrow, imported here only: Arrow IPC shards need nothing but numpy."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise SystemExit(f"{path}: reading Parquet shards needs pyarrow (pip install pyarrow); "
                         "or encode them as Arrow IPC (bird encode --format arrow), which needs nothing but numpy")
    table = pq.read_table(path)

    def values(name, dtype):
        return table.column(name).combine_chunks().flatten().to_numpy(zero_copy_only=False).astype(dtype, copy=False)
    out = {}
    for c in columns:
        dtype = np.float32 if c["dtype"] == "f32" else np.int32
        if c["kind"] == "dense" and not c["inner"]:
            out[c["name"]] = table.column(c["name"]).to_numpy().astype(dtype, copy=False)
        elif c["kind"] == "dense":
            out[c["name"]] = values(c["name"], dtype).reshape([-1] + c["inner"])
        else:
            # A list array's offsets start where its values do, not at 0 when the array is a slice.
            offsets = table.column(c["name"]).combine_chunks().offsets.to_numpy().astype(np.int64)
            offsets = offsets - offsets[0]
            weights = values(c["name"] + ".values", np.float32) if c["weighted"] else None
            out[c["name"]] = (values(c["name"], np.int32), offsets, weights)
    return out


def read_shard(path, columns):
    """One encoded shard as {column: numpy array, or (ids, offsets, weights) for a ragged column}.

    A .parquet file is read by read_parquet_shard; any other is an Arrow IPC stream file.

    columns comes from encoded.json. Every column is written without nulls; its buffers
    are, in order: dense scalar [validity, values]; dense with inner shape [validity]
    then the child's [validity, values] (a FixedSizeList); ragged [validity, offsets]
    then [validity, ids] (a List), and for weighted ids a second List of float32."""
    if path.endswith(".parquet"):
        return read_parquet_shard(path, columns)
    parts = {c["name"]: [] for c in columns}
    for n, buffers in read_ipc_batches(path):
        # Buffers are padded to 8 bytes: each view is cut to the values it holds.
        k = 0
        for c in columns:
            dtype = np.float32 if c["dtype"] == "f32" else np.int32
            if c["kind"] == "dense" and not c["inner"]:
                parts[c["name"]].append(buffers[k + 1].view(dtype)[:n])
                k += 2
            elif c["kind"] == "dense":
                width = int(np.prod(c["inner"]))
                parts[c["name"]].append(buffers[k + 2].view(dtype)[: n * width].reshape([-1] + c["inner"]))
                k += 3
            else:
                offsets = buffers[k + 1].view(np.int32)[: n + 1]
                ids = buffers[k + 3].view(np.int32)[: offsets[-1]]
                k += 4
                weights = None
                if c["weighted"]:
                    weights = buffers[k + 3].view(np.float32)[: offsets[-1]]
                    k += 4
                parts[c["name"]].append((offsets, ids, weights))
    out = {}
    for c in columns:
        chunks = parts[c["name"]]
        if c["kind"] == "dense":
            out[c["name"]] = np.concatenate(chunks) if chunks else np.zeros([0] + c["inner"], dtype=np.float32)
        else:
            # Ragged chunks joined: each chunk's offsets start at 0.
            offsets, ids, weights, base = [np.zeros(1, dtype=np.int64)], [], [], 0
            for o, i, w in chunks:
                offsets.append(o[1:].astype(np.int64) + base)
                base += int(o[-1])
                ids.append(i[: o[-1]])
                if w is not None:
                    weights.append(w[: o[-1]])
            out[c["name"]] = (np.concatenate(ids) if ids else np.zeros(0, np.int32), np.concatenate(offsets), np.concatenate(weights) if weights else None)
    return out


def read_spec(folder):
    """A shard folder's lists as one: encoded.json, then each map task's encoded.PART.json
    (bird encode --part) by name, their shards one after the other, as Bird reads them."""
    names = sorted(n for n in os.listdir(folder) if re.fullmatch(r"encoded\.[A-Za-z0-9_-]+\.json", n))
    names = (["encoded.json"] if os.path.exists(os.path.join(folder, "encoded.json")) else []) + names
    if not names:
        raise SystemExit(f"{folder}: no encoded.json (nor encoded.PART.json): not a folder bird encode wrote")
    specs = [json.load(open(os.path.join(folder, n))) for n in names]
    spec = dict(specs[0])
    spec["shards"] = [s for part in specs for s in part["shards"]]
    return spec


def rows_of(part):
    first = next(iter(part.values()))
    return first[1].shape[0] - 1 if isinstance(first, tuple) else first.shape[0]


def concat_parts(parts, columns):
    if len(parts) == 1:
        return parts[0]
    out = {}
    for c in columns:
        values = [p[c["name"]] for p in parts]
        if c["kind"] == "dense":
            out[c["name"]] = np.concatenate(values)
        else:
            offsets, base = [np.zeros(1, dtype=np.int64)], 0
            for ids, o, w in values:
                offsets.append(o[1:] + base)
                base += int(o[-1])
            weights = [w for _, _, w in values if w is not None]
            out[c["name"]] = (np.concatenate([v[0] for v in values]), np.concatenate(offsets), np.concatenate(weights) if weights else None)
    return out


def take_rows(part, columns, rows, device):
    """The batch of the given row indices, as tensors on the device."""
    batch = {}
    for c in columns:
        v = part[c["name"]]
        if c["kind"] == "dense":
            t = torch.from_numpy(np.ascontiguousarray(v[rows]))
            batch[c["name"]] = (t.long() if c["dtype"] != "f32" else t).to(device)
        else:
            ids, offsets, weights = v
            starts, ends = offsets[rows], offsets[rows + 1]
            lengths = ends - starts
            index = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(int(lengths.sum()))
            new_offsets = np.concatenate([[0], np.cumsum(lengths)])
            batch[c["name"]] = (
                torch.from_numpy(ids[index].astype(np.int64)).to(device),
                torch.from_numpy(new_offsets.astype(np.int64)).to(device),
                None if weights is None else torch.from_numpy(weights[index]).to(device),
            )
    return batch


# ---- Bird's checkpoint format: weights.bin (float32, little-endian) + index.json ----

def read_checkpoint(folder):
    index = json.load(open(os.path.join(folder, "index.json")))
    blob = np.fromfile(os.path.join(folder, "weights.bin"), dtype="<f4")
    return {t["name"]: blob[t["offset"] // 4: t["offset"] // 4 + t["length"]].reshape(t["shape"]) for t in index["tensors"]}, index


def write_checkpoint(folder, tensors, meta):
    """Writes through a temporary folder and a rename, so a stopped run never leaves half a checkpoint."""
    tmp = folder + ".tmp-%d" % os.getpid()
    os.makedirs(tmp, exist_ok=True)
    index, offset = [], 0
    with open(os.path.join(tmp, "weights.bin"), "wb") as f:
        for name in sorted(tensors):
            values = np.ascontiguousarray(tensors[name], dtype="<f4")
            f.write(values.tobytes())
            index.append({"name": name, "shape": list(values.shape), "offset": offset, "length": int(values.size)})
            offset += values.size * 4
    meta = dict(meta, format="bird-checkpoint-1", dtype="float32", byteOrder="little", tensors=index)
    with open(os.path.join(tmp, "index.json"), "w") as f:
        f.write(json.dumps(meta, indent=2) + "\n")
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.rename(tmp, folder)


def load_weights(model, tensors):
    for name, (kind, key) in PARAMS.items():
        target = model.tables[key].weight if kind == "table" else model.p[key]
        with torch.no_grad():
            target.copy_(torch.from_numpy(np.asarray(tensors[name], dtype=np.float32)).reshape(target.shape))


def model_weights(model):
    out = {}
    for name, (kind, key) in PARAMS.items():
        out[name] = (model.tables[key].weight if kind == "table" else model.p[key]).detach().cpu().numpy()
    return out


def merge_batches(chunks, columns):
    out = {}
    for c in columns:
        values = [b[c["name"]] for b in chunks]
        if c["kind"] == "dense":
            out[c["name"]] = torch.cat(values)
        else:
            offsets, base = [values[0][1][:1]], 0
            for ids, o, w in values:
                offsets.append(o[1:] + base)
                base += int(o[-1])
            weights = [w for _, _, w in values if w is not None]
            out[c["name"]] = (torch.cat([v[0] for v in values]), torch.cat(offsets), torch.cat(weights) if weights else None)
    return out
`;
