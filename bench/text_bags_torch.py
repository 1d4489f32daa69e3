"""The text bench's PyTorch peer (npm run bench -- text-bags): bench/text/bag.bird's
architecture in PyTorch, as a PyTorch user writes it. Documents are split on whitespace,
lowercased, cut to the first 1,000 tokens and hashed into 2^16 buckets (crc32; Bird uses
murmur3, the collisions are alike), then nn.EmbeddingBag(65536, 32, mode="mean") ->
Linear(32, 32) -> ReLU -> Linear(32, 1), binary cross-entropy on the sigmoid, Adam
(lr 1e-2, eps 1e-8 as bag.bird), batch 256, one epoch, every 5th row (4, 9, ...) held out as Bird's
holdout(every: 5). The timed part is the training epoch only: reading and tokenizing the
file happen before it (Bird's figure likewise excludes its fitting pass and the one-time
read). Prints one JSON line.

usage: python3 text_bags_torch.py --data docs.jsonl [--threads N]
"""
import argparse
import json
import time
import zlib

import torch
from sklearn.metrics import log_loss, roc_auc_score

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--lr", type=float, default=1e-2)
parser.add_argument("--sparse", action="store_true", help="sparse table gradients and SparseAdam (lazy Adam, as Bird's default)")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)

BUCKETS, MAX_TOKENS, BATCH = 1 << 16, 1000, 256


def encode(rows):
    ids, offsets, labels = [], [], []
    for row in rows:
        offsets.append(len(ids))
        tokens = row["text"].lower().split()[:MAX_TOKENS]
        ids.extend(zlib.crc32(t.encode()) % BUCKETS for t in tokens)
        labels.append(float(row["label"]))
    return torch.tensor(ids, dtype=torch.int64), torch.tensor(offsets, dtype=torch.int64), torch.tensor(labels).unsqueeze(1)


t0 = time.time()
with open(args.data) as f:
    rows = [json.loads(line) for line in f if line.strip()]
train_rows = [r for i, r in enumerate(rows) if i % 5 != 4]
test_rows = [r for i, r in enumerate(rows) if i % 5 == 4]
batches = [encode(train_rows[i : i + BATCH]) for i in range(0, len(train_rows), BATCH)]
test = encode(test_rows)
prep_s = time.time() - t0


class Bag(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.bag = torch.nn.EmbeddingBag(BUCKETS, 32, mode="mean", sparse=args.sparse)
        torch.nn.init.normal_(self.bag.weight, std=0.05)
        self.hidden = torch.nn.Linear(32, 32)
        self.out = torch.nn.Linear(32, 1)

    def forward(self, ids, offsets):
        return torch.sigmoid(self.out(torch.relu(self.hidden(self.bag(ids, offsets)))))


model = Bag()
if args.sparse:
    dense = [p for n, p in model.named_parameters() if not n.startswith("bag.")]
    optimizers = [torch.optim.SparseAdam(list(model.bag.parameters()), lr=args.lr), torch.optim.Adam(dense, lr=args.lr)]
else:
    optimizers = [torch.optim.Adam(model.parameters(), lr=args.lr)]
loss_fn = torch.nn.BCELoss()
t0 = time.time()
for ids, offsets, y in batches:
    for optimizer in optimizers:
        optimizer.zero_grad()
    loss = loss_fn(model(ids, offsets), y)
    loss.backward()
    for optimizer in optimizers:
        optimizer.step()
train_s = time.time() - t0
with torch.no_grad():
    p = model(test[0], test[1]).squeeze(1).numpy()
y = test[2].squeeze(1).numpy()
print(
    json.dumps(
        {
            "impl": "torch",
            "train_rows": len(train_rows),
            "train_s": round(train_s, 3),
            "examples_per_s": round(len(train_rows) / train_s, 1),
            "prep_s": round(prep_s, 3),
            "auc": round(float(roc_auc_score(y, p)), 4),
            "logloss": round(float(log_loss(y, p.clip(1e-7, 1 - 1e-7))), 4),
        }
    )
)
