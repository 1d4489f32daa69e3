/**
 * The training part of every generated script: Bird's optimizers, learning-rate
 * schedules, gradient clipping and weight decay as Bird's own trainer applies them
 * (src/train/denseOptimizer.ts, sparseTables.ts, schedule.ts, trainer.ts), so the two
 * engines take the same steps on the same batches; the epoch loop over each rank's rows
 * (every row once per epoch, a short last step included), step checkpoints, resuming
 * inside an epoch, the per-epoch gate through which `bird train` stops early, and the
 * command line. Like pythonRuntime.ts it runs on torch 1.13 and current PyTorch.
 */
export const pythonTraining = String.raw`
# ---- learning rate, optimizers, clipping: as Bird's own trainer applies them ----

def learning_rate(base, schedule, total_steps):
    """The rate at a step (from 0) under the optimizer's schedule: src/train/schedule.ts."""
    fn = (schedule or {}).get("fn")
    a = (schedule or {}).get("args") or {}
    # warmup(steps: n) warms up for n steps; elsewhere steps is the schedule's length.
    warmup = float(a.get("steps" if fn == "warmup" else "warmup", 0))
    steps = float(a.get("steps", total_steps))
    end = float(a.get("end", 0))

    def warm(step, rate):
        return rate * (step + 1) / warmup if step < warmup else rate

    def rate(step):
        if fn == "warmup":
            return warm(step, base)
        if fn == "linear":
            return warm(step, base if step < warmup else base + (end - base) * min(1, (step - warmup) / max(1, steps - warmup)))
        if fn == "cosine":
            if step < warmup:
                return warm(step, base)
            t = min(1, (step - warmup) / max(1, steps - warmup))
            return end + (base - end) * (1 + math.cos(math.pi * t)) / 2
        if fn == "step":
            return warm(step, base * float(a.get("gamma", 0.1)) ** math.floor(step / float(a.get("every", 1000))))
        if fn == "exponential":
            return warm(step, base * float(a.get("rate", 0.96)) ** (step / float(a.get("every", 1000))))
        return base
    return rate


class BirdOptimizer:
    """The train section's optimizer, applied as Bird's trainer applies it: Adam with its bias
    correction on the rate and eps outside the root (TF's form), Adagrad with eps 1e-7,
    momentum with TF's velocity; embedding tables updated lazily, only the rows the batch
    touches (all rows for adam(lazy: false)); weight_decay added to the gradients of dense
    parameters; clip_norm scaling every gradient, tables' included, by the global norm.
    Its state is named as in Bird's checkpoints (PARAM:slot0, TABLE:m, ...), so a run
    resumes on either engine."""

    def __init__(self, model, settings):
        spec = settings["optimizer"]
        self.name, self.args = spec["fn"], spec["args"]
        self.base_rate = float(self.args.get("lr", 0.01 if self.name == "sgd" else 1e-3))
        self.weight_decay = float(settings.get("weight_decay") or 0)
        self.clip = float(settings.get("clip_norm") or 0)
        self.dense = [(name, model.p[key]) for name, (kind, key) in PARAMS.items() if kind == "dense"]
        self.tables = [(name, model.tables[key].weight) for name, (kind, key) in PARAMS.items() if kind == "table"]
        self.state = {}
        self.step = 0

    def slot(self, name, slot, like, fill=0.0):
        key = name + ":" + slot
        if key not in self.state:
            self.state[key] = torch.full_like(like, fill)
        return self.state[key]

    def load_state(self, tensors, device):
        names = {name: w for name, w in self.dense + self.tables}
        for key, values in tensors.items():
            name = key.rsplit(":", 1)[0]
            if ":" in key and name in names:
                self.state[key] = torch.from_numpy(np.array(values, dtype=np.float32)).reshape(names[name].shape).to(device)

    def state_arrays(self):
        return {k: v.detach().cpu().numpy() for k, v in self.state.items()}

    def apply(self, lr):
        self.step += 1
        rows = []
        for _, w in self.tables:
            g = w.grad
            if g is None:
                rows.append(None)
            elif g.is_sparse:
                # Coalesced: an id looked up twice in the batch is one row, its gradients summed.
                g = g.coalesce()
                rows.append((g.indices()[0], g.values()))
            else:
                # A dense gradient (tables on several GPUs): the rows it changes are the rows touched.
                ids = torch.nonzero(g.abs().sum(1) > 0).flatten()
                rows.append((ids, g[ids]))
        grads = [w.grad for _, w in self.dense]
        if self.clip > 0:
            squares = sum(float((g.double() ** 2).sum()) for g in grads if g is not None)
            squares += sum(float((r[1].double() ** 2).sum()) for r in rows if r is not None)
            norm = math.sqrt(squares)
            if norm > self.clip:
                scale = self.clip / norm
                grads = [None if g is None else g * scale for g in grads]
                rows = [None if r is None else (r[0], r[1] * scale) for r in rows]
        with torch.no_grad():
            for (name, w), g in zip(self.dense, grads):
                if g is not None:
                    self.dense_step(name, w, g + w * self.weight_decay if self.weight_decay > 0 else g, lr)
            for (name, w), r in zip(self.tables, rows):
                if r is not None:
                    self.table_step(name, w, r[0], r[1], lr)

    def dense_step(self, name, w, g, lr):
        a, t = self.args, self.step
        if self.name == "sgd":
            w.sub_(g * lr)
        elif self.name == "momentum":
            mu = float(a.get("momentum", 0.9))
            m = self.slot(name, "slot0", w)
            m.mul_(mu).add_(g)
            w.sub_((g + m * mu if a.get("nesterov") is True else m) * lr)
        elif self.name == "adagrad":
            acc = self.slot(name, "slot0", w, float(a.get("initial_accumulator", 0.1)))
            acc.add_(g * g)
            w.sub_(g * lr / (acc.sqrt() + 1e-7))
        else:
            b1, b2, eps = float(a.get("beta1", 0.9)), float(a.get("beta2", 0.999)), float(a.get("eps", 1e-7))
            m, v = self.slot(name, "slot0", w), self.slot(name, "slot1", w)
            m.mul_(b1).add_(g * (1 - b1))
            v.mul_(b2).add_(g * g * (1 - b2))
            w.sub_(m * (lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)) / (v.sqrt() + eps))

    def table_step(self, name, w, ids, g, lr):
        a, t = self.args, self.step
        if self.name == "adam":
            b1, b2, eps = float(a.get("beta1", 0.9)), float(a.get("beta2", 0.999)), float(a.get("eps", 1e-7))
            m, v = self.slot(name, "m", w), self.slot(name, "v", w)
            if a.get("lazy") is False:
                # Every row moves, untouched ones by the momentum they have left.
                full = torch.zeros_like(w)
                full[ids] = g
                ids, g = torch.arange(w.shape[0], device=w.device), full
            m[ids] = b1 * m[ids] + (1 - b1) * g
            v[ids] = b2 * v[ids] + (1 - b2) * g * g
            w[ids] -= (lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)) * m[ids] / (v[ids].sqrt() + eps)
        elif self.name == "adagrad":
            acc = self.slot(name, "accumulator", w, float(a.get("initial_accumulator", 0.1)))
            acc[ids] += g * g
            w[ids] -= lr * g / (acc[ids].sqrt() + 1e-7)
        elif self.name == "momentum":
            mu = float(a.get("momentum", 0.9))
            m = self.slot(name, "m", w)
            m[ids] = mu * m[ids] + g
            w[ids] -= lr * (g + mu * m[ids] if a.get("nesterov") is True else m[ids])
        else:
            w[ids] -= lr * g


# ---- the epochs ----

def rank_part(shard_dir, spec, rank, world):
    """The rows one rank trains on: the shards i with i % world == rank, joined in order."""
    mine = [s for i, s in enumerate(spec["shards"]) if i % world == rank]
    return concat_parts([read_shard(os.path.join(shard_dir, s["file"]), spec["columns"]) for s in mine], spec["columns"])


def epoch_order(rows, epoch, stream):
    """The order a rank visits its rows in an epoch: seeded by the epoch, so a run resumed inside it visits them alike."""
    if SETTINGS["shuffle"] <= 0:
        return np.arange(rows)
    return np.random.RandomState([SETTINGS["seed"], epoch, stream]).permutation(rows)


def gate(rank, distributed, device):
    """After each epoch, when bird train runs the ranks: rank 0 waits for a line on standard
    input (go, or stop when early_stop says so) and tells the other ranks."""
    go = 1
    if rank == 0:
        go = 1 if sys.stdin.readline().strip() == "go" else 0
    if distributed:
        t = torch.tensor([go], device=device)
        torch.distributed.broadcast(t, 0)
        go = int(t)
    return go == 1


def prune_steps(out, keep):
    """Keeps the newest keep step checkpoints (all epoch checkpoints stay)."""
    folder = os.path.join(out, "checkpoints")
    steps = sorted((int(d[5:]), d) for d in os.listdir(folder) if d.startswith("step-") and d[5:].isdigit())
    for _, d in steps[: max(0, len(steps) - keep)]:
        shutil.rmtree(os.path.join(folder, d), ignore_errors=True)


def train(args):
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", str(rank)))
    cuda = torch.cuda.is_available() and not args.cpu
    device = torch.device("cuda", local_rank % max(1, torch.cuda.device_count())) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    distributed = world > 1
    if distributed:
        torch.distributed.init_process_group("nccl" if cuda else "gloo", init_method="env://")
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(SETTINGS["seed"] + rank)
    # NCCL has no sparse all-reduce: on GPUs the tables take dense gradients.
    sparse = not (distributed and cuda)
    spec = read_spec(args.shards)
    columns = spec["columns"]
    # With --emulate-world W, one process reads every rank's rows and steps on their union:
    # the single-process run a W-rank DDP run must agree with.
    streams = list(range(args.emulate_world)) if args.emulate_world else [rank]
    span = args.emulate_world or world
    parts = [rank_part(args.shards, spec, r, span) for r in streams]
    counts = [sum(s["rows"] for i, s in enumerate(spec["shards"]) if i % span == r) for r in range(span)]
    local = args.batch // span
    # Every row once per epoch: the ranks step in lockstep (DDP) until the one with the
    # most rows has used them all; in the last steps the others have fewer rows, or none.
    steps = max(-(-c // local) for c in counts)
    if steps == 0:
        raise SystemExit("no training rows in the shards")
    planned = steps
    if args.max_steps:
        steps = min(steps, args.max_steps)
    model = MODEL_CLASS(sparse).to(device)
    tensors, _ = read_checkpoint(args.init)
    load_weights(model, tensors)
    net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if cuda else None) if distributed else model
    optimizer = BirdOptimizer(model, SETTINGS)
    optimizer.load_state(tensors, device)
    optimizer.step = args.start_step
    rate = learning_rate(optimizer.base_rate, SETTINGS["optimizer"]["args"].get("schedule"), planned * args.epochs)
    every = args.checkpoint_every if args.checkpoint_every is not None else SETTINGS["checkpoint_every"]
    checkpoints = os.path.join(args.out, "checkpoints")

    def save(folder, meta, log):
        write_checkpoint(os.path.join(checkpoints, folder), dict(model_weights(model), **optimizer.state_arrays()),
                         dict(meta, step=optimizer.step, model=MODEL_NAME, engine="torch", world=span))
        with open(os.path.join(args.out, "steps.jsonl"), "a") as f:
            f.write("".join(json.dumps(r) + "\n" for r in log))
        log.clear()

    for epoch in range(args.start_epoch, args.epochs + 1):
        orders = [epoch_order(rows_of(p), epoch, r) for p, r in zip(parts, streams)]
        # A run resumed inside this epoch goes on after the batches it had trained.
        first = args.skip_batches if epoch == args.start_epoch else 0
        started = time.time() - (args.start_seconds if first else 0)
        loss_sum = args.start_loss_sum if first else 0.0
        examples = args.start_examples if first else 0
        log = []
        net.train()
        for step in range(first, steps):
            sizes = [max(0, min(local, c - step * local)) for c in counts]
            total = sum(sizes)
            chunk = [take_rows(p, columns, o[step * local:(step + 1) * local], device) for p, o in zip(parts, orders)]
            batch = chunk[0] if len(chunk) == 1 else merge_batches(chunk, columns)
            for p in model.parameters():
                p.grad = None
            _, loss = net(batch, True)
            mine = total if args.emulate_world else sizes[rank]
            # DDP averages the ranks' gradients: each rank's mean loss counts by its share of
            # the step's rows, so a short step is the mean over the rows it has. A rank with
            # none computes on an empty batch, which adds nothing.
            (loss * (mine * world / total) if distributed else loss).backward()
            optimizer.apply(rate(optimizer.step))
            value = float(loss.detach()) * mine if mine > 0 else 0.0
            if distributed:
                t = torch.tensor([value], dtype=torch.float64, device=device)
                torch.distributed.all_reduce(t)
                value = float(t)
            value /= total
            loss_sum += value * total
            examples += total
            log.append({"step": optimizer.step, "epoch": epoch, "loss": round(value, 4)})
            if every and optimizer.step % every == 0 and step + 1 < steps and rank == 0:
                progress = {"epoch": epoch, "batches": step + 1, "examples": examples, "lossSum": loss_sum, "seconds": time.time() - started}
                save("step-%d" % optimizer.step, {"epoch": epoch, "progress": progress}, log)
                prune_steps(args.out, SETTINGS["keep_checkpoints"])
        seconds = time.time() - started
        if rank == 0:
            save("epoch-%d" % epoch, {"epoch": epoch, "steps": steps}, log)
            prune_steps(args.out, 0)
            print(json.dumps({"epoch": epoch, "steps": steps, "examples": examples, "train_s": round(seconds, 2),
                              "examples_per_s": round(examples / max(seconds, 1e-9)), "loss": loss_sum / max(examples, 1),
                              "world_size": world, "device": str(device)}), flush=True)
        if args.gate and epoch < args.epochs and not gate(rank, distributed, device):
            break
    if distributed:
        torch.distributed.destroy_process_group()


def predict(args):
    """The model's outputs for every row of one shard, on the CPU, as JSON: {output: [[...], ...]}."""
    spec = read_spec(args.shards)
    model = MODEL_CLASS(False)
    tensors, _ = read_checkpoint(args.checkpoint)
    load_weights(model, tensors)
    model.eval()
    part = read_shard(os.path.join(args.shards, args.shard), spec["columns"])
    with torch.no_grad():
        outputs = model(take_rows(part, spec["columns"], np.arange(rows_of(part)), torch.device("cpu")))
    json.dump({k: v.double().tolist() for k, v in outputs.items()}, open(args.out, "w"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train on encoded shards (one process per rank; RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT from the environment)")
    t.add_argument("--shards", required=True, help="folder of encoded shards with encoded.json (or the encoded.PART.json of several map tasks)")
    t.add_argument("--init", required=True, help="Bird checkpoint folder to start from (weights, and optimizer state if it holds any)")
    t.add_argument("--out", required=True, help="run folder: checkpoints/epoch-N, step-N and steps.jsonl are written there")
    t.add_argument("--epochs", type=int, default=SETTINGS["epochs"])
    t.add_argument("--batch", type=int, default=SETTINGS["batch"], help="global batch (split evenly over the ranks)")
    t.add_argument("--start-epoch", type=int, default=1)
    t.add_argument("--start-step", type=int, default=0, help="the global step the --init checkpoint was taken at")
    t.add_argument("--skip-batches", type=int, default=0, help="batches of --start-epoch already trained (a step checkpoint's progress)")
    t.add_argument("--start-examples", type=int, default=0)
    t.add_argument("--start-loss-sum", type=float, default=0.0)
    t.add_argument("--start-seconds", type=float, default=0.0)
    t.add_argument("--checkpoint-every", type=int, default=None, help="also checkpoint every N steps inside epochs (0: only at epoch ends)")
    t.add_argument("--max-steps", type=int, default=0, help="at most this many steps per epoch (0: all)")
    t.add_argument("--threads", type=int, default=0)
    t.add_argument("--cpu", action="store_true", help="train on the CPU even where CUDA is available")
    t.add_argument("--gate", action="store_true", help="after each epoch, rank 0 reads go or stop from standard input")
    t.add_argument("--emulate-world", type=int, default=0, help="one process stepping on the union of W ranks' batches")
    p = sub.add_parser("predict", help="outputs for one shard's rows, as JSON")
    p.add_argument("--shards", required=True)
    p.add_argument("--shard", required=True)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "train":
        train(args)
    else:
        predict(args)
`;
