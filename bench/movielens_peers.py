#!/usr/bin/env python3
"""Peers for models/movielens.bird: the same task, trained the ways a practitioner would.

  lr  logistic regression on one-hot user, one-hot movie, multi-hot genres and one-hot
      release-year decile (scikit-learn, liblinear): a per-user and per-movie bias model,
      the usual baseline for "will this user like this movie"
  mf  matrix factorization (PyTorch): user and movie embeddings (dim 32) with a bias
      each, their dot product plus a global bias as the logit, Adam, BCE; the two-tower
      model without side features

Prints one JSON line per peer: train rows, train seconds, test AUC, logloss and RCE.

Task (identical for every implementation, including Bird's):
  data    the MovieLens ratings CSV (userId, movieId, rating, timestamp, label_like, year,
          genres, title), rows in file order (by user, then by time)
  split   row i (0-based, file order) is test when i % 5 == 4, else train: 20% of each
          user's ratings, spread over the user's history
  label   label_like (rating >= 4); rating is never a feature
  choice  each peer picks its one setting (lr: C; mf: the epoch) on the test part, as
          Bird's early_stop does: there is no separate validation part for anyone

Needs Debian's python3-sklearn, python3-torch, python3-pandas; run with /usr/bin/python3.
"""
import argparse, json, math, time

import numpy as np
import pandas as pd
import scipy.sparse as sp


def load(path):
    df = pd.read_csv(path, usecols=["userId", "movieId", "label_like", "year", "genres"],
                     dtype={"userId": str, "movieId": str, "genres": str})
    is_test = np.arange(len(df)) % 5 == 4
    return df[~is_test].reset_index(drop=True), df[is_test].reset_index(drop=True)


def ids(train, test, col):
    """Integer ids fitted on train; 0 = not seen in training."""
    vocab = {v: i + 1 for i, v in enumerate(pd.unique(train[col]))}
    return (train[col].map(vocab).fillna(0).astype(np.int64).to_numpy(),
            test[col].map(vocab).fillna(0).astype(np.int64).to_numpy(), len(vocab) + 1)


def metrics(y, p):
    from sklearn.metrics import roc_auc_score
    p = np.clip(p, 1e-7, 1 - 1e-7)
    ll = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    rate = float(y.mean())
    base = -(rate * math.log(rate) + (1 - rate) * math.log(1 - rate))
    return {"auc": round(float(roc_auc_score(y, p)), 4), "logloss": round(ll, 4), "rce": round(100 * (1 - ll / base), 3)}


def one_hot(a, n):
    return sp.csr_matrix((np.ones(len(a)), (np.arange(len(a)), a)), shape=(len(a), n))


def design(train, test):
    cols_tr, cols_te = [], []
    for c in ["userId", "movieId"]:
        tr, te, n = ids(train, test, c)
        cols_tr.append(one_hot(tr, n))
        cols_te.append(one_hot(te, n))
    genres = sorted({g for s in train.genres.fillna("") for g in s.split("|") if g})
    index = {g: i for i, g in enumerate(genres)}

    def multi_hot(s):
        rows, cols = [], []
        for r, text in enumerate(s.fillna("")):
            for g in text.split("|"):
                if g in index:
                    rows.append(r)
                    cols.append(index[g])
        return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(s), len(genres)))

    cols_tr.append(multi_hot(train.genres))
    cols_te.append(multi_hot(test.genres))
    year_tr, year_te = train.year.fillna(1995).to_numpy(), test.year.fillna(1995).to_numpy()
    edges = np.quantile(year_tr, np.linspace(0, 1, 11)[1:-1])
    cols_tr.append(one_hot(np.searchsorted(edges, year_tr, side="right"), 10))
    cols_te.append(one_hot(np.searchsorted(edges, year_te, side="right"), 10))
    return sp.hstack(cols_tr).tocsr(), sp.hstack(cols_te).tocsr()


def run_lr(train, test):
    from sklearn.linear_model import LogisticRegression
    x_tr, x_te = design(train, test)
    y_tr, y_te = train.label_like.to_numpy(), test.label_like.to_numpy()
    best = None
    for c in [0.1, 0.3, 1.0, 3.0]:
        t0 = time.time()
        model = LogisticRegression(C=c, solver="liblinear", max_iter=200).fit(x_tr, y_tr)
        seconds = time.time() - t0
        m = metrics(y_te, model.predict_proba(x_te)[:, 1])
        if best is None or m["auc"] > best["auc"]:
            best = {**m, "C": c, "train_s": round(seconds, 2)}
    return {"peer": "lr", "train_rows": len(train), **best}


def run_mf(train, test, dim=32, epochs=12, batch=256, lr=2e-3, l2=1e-5, seed=1):
    import torch
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    u_tr, u_te, nu = ids(train, test, "userId")
    m_tr, m_te, nm = ids(train, test, "movieId")
    y_tr = torch.tensor(train.label_like.to_numpy(), dtype=torch.float32)
    y_te = test.label_like.to_numpy()

    class MF(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.u, self.m = torch.nn.Embedding(nu, dim), torch.nn.Embedding(nm, dim)
            self.ub, self.mb = torch.nn.Embedding(nu, 1), torch.nn.Embedding(nm, 1)
            self.bias = torch.nn.Parameter(torch.zeros(1))
            for e in [self.u, self.m]:
                torch.nn.init.normal_(e.weight, std=0.05)
            for e in [self.ub, self.mb]:
                torch.nn.init.zeros_(e.weight)

        def forward(self, u, m):
            return (self.u(u) * self.m(m)).sum(-1) + self.ub(u)[:, 0] + self.mb(m)[:, 0] + self.bias

    model = MF()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    u_tr_t, m_tr_t = torch.tensor(u_tr), torch.tensor(m_tr)
    u_te_t, m_te_t = torch.tensor(u_te), torch.tensor(m_te)
    best, seconds = None, 0.0
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        model.train()
        order = torch.randperm(len(y_tr))
        for i in range(0, len(order), batch):
            j = order[i:i + batch]
            logit = model(u_tr_t[j], m_tr_t[j])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, y_tr[j])
            # L2 on the rows this batch used, as embedding regularization usually is.
            loss = loss + l2 * (model.u(u_tr_t[j]).pow(2).sum() + model.m(m_tr_t[j]).pow(2).sum()) / len(j)
            opt.zero_grad()
            loss.backward()
            opt.step()
        seconds += time.time() - t0
        model.eval()
        with torch.no_grad():
            p = torch.sigmoid(model(u_te_t, m_te_t)).numpy()
        m = metrics(y_te, p)
        if best is None or m["auc"] > best["auc"]:
            best = {**m, "epoch": epoch, "train_s": round(seconds, 2)}
    return {"peer": "mf", "train_rows": len(train), **best}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--peers", default="lr,mf")
    args = ap.parse_args()
    train, test = load(args.data)
    for peer in args.peers.split(","):
        result = {"lr": run_lr, "mf": run_mf}[peer](train, test)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
