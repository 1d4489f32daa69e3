"""Logistic-regression and xgboost peers of models/credit.bird and models/tweet_text.bird.

The same rows and three-way split as the Bird models (`holdout(every: 5, offset: 4,
validation_offset: 3)`): row i tests when i % 5 == 4, validates when i % 5 == 3, and
trains otherwise. Each peer fits on the training rows only, picks its settings by AUC on
the validation rows (logistic regression: C; xgboost: the depth, and the number of trees
by early stopping), and is scored once on the test rows, as Bird's early stopping and
test part do.

- `--task credit --data models/data/credit.csv.gz`: the numbers with the same
  transforms as credit.bird (log1p of income, assets, debt, amount and price), missing
  values filled (the mean for income and debt, the median for assets) with a missing indicator
  each, standardized, and the categories one-hot (a missing category is a category of its
  own) for logistic regression; xgboost gets the raw numbers with their missing values
  (it learns where to send them) and the same one-hot categories.
- `--task text --data TOKENS.jsonl`: each line `{"tokens": [...], "ids": [...], "label":
  0 or 1}`, the tokens written by Bird's own tokenizer with tweet_text.bird's options and
  their ids by its hash (bench/tabularText.ts), weighted by TF-IDF fitted on the training
  rows (scikit-learn's TfidfVectorizer: the same smoothed idf as Bird's term_weight, each
  row L2-normalized). Logistic regression and xgboost get the exact terms; a second
  logistic regression (`lr_hashed`) gets Bird's hashed ids instead, the same features as
  the Bird model, collisions included.

Prints one JSON line per peer: the chosen settings, training seconds, validation and test
AUC, test logloss and RCE.

    /usr/bin/python3 bench/tabular_text_peers.py --task credit --data models/data/credit.csv.gz
    (needs Debian's python3-sklearn and python3-xgboost)
"""
import argparse
import csv
import gzip
import json
import math
import time

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OneHotEncoder, StandardScaler

CREDIT_PLAIN = ['seniority', 'time', 'age', 'expenses']
CREDIT_LOG = ['amount', 'price']
# credit.bird fills debt's z-score with the constant 0, which is the mean of the values present.
CREDIT_IMPUTED = {'income': 'mean', 'assets': 'median', 'debt': 'mean'}
CREDIT_CATEGORIES = ['home', 'marital', 'records', 'job']


def parts(n):
    i = np.arange(n)
    return i % 5 < 3, i % 5 == 3, i % 5 == 4


def logloss(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def rce(p, y):
    rate = float(np.mean(y))
    base = -(rate * math.log(rate) + (1 - rate) * math.log(1 - rate))
    return 100 * (1 - logloss(p, y) / base)


def credit_features(path):
    with gzip.open(path, 'rt', encoding='utf8') as f:
        rows = list(csv.DictReader(f))
    number = lambda name: np.array([float(r[name]) if r[name] != '' else np.nan for r in rows])
    numbers = {name: number(name) for name in CREDIT_PLAIN + CREDIT_LOG + list(CREDIT_IMPUTED)}
    categories = np.array([[r[c] for c in CREDIT_CATEGORIES] for r in rows], dtype=object)
    y = np.array([int(r['label_bad']) for r in rows])
    return numbers, categories, y


def credit_lr_matrices(numbers, categories, train):
    """Fitted on the training rows: log1p, imputation with indicators, standardization, one-hot."""
    columns = [numbers[n] for n in CREDIT_PLAIN] + [np.log1p(numbers[n]) for n in CREDIT_LOG]
    dense = np.column_stack(columns)
    blocks = [StandardScaler().fit(dense[train]).transform(dense)]
    for name, strategy in CREDIT_IMPUTED.items():
        x = np.log1p(numbers[name]).reshape(-1, 1)
        filled = SimpleImputer(strategy=strategy, add_indicator=True).fit(x[train]).transform(x)
        scaled = StandardScaler().fit(filled[train, :1]).transform(filled[:, :1])
        blocks.append(np.column_stack([scaled, filled[:, 1:]]))
    encoder = OneHotEncoder(handle_unknown='ignore').fit(categories[train])
    return hstack([csr_matrix(np.column_stack(blocks)), encoder.transform(categories)]).tocsr()


def credit_xgb_matrix(numbers, categories, train):
    raw = np.column_stack([numbers[n] for n in CREDIT_PLAIN + CREDIT_LOG + list(CREDIT_IMPUTED)])
    encoder = OneHotEncoder(handle_unknown='ignore').fit(categories[train])
    return np.column_stack([raw, encoder.transform(categories).toarray()])


def text_features(path, key):
    with open(path, encoding='utf8') as f:
        rows = [json.loads(line) for line in f if line.strip()]
    y = np.array([r['label'] for r in rows])
    train, _, _ = parts(len(rows))
    vectorizer = TfidfVectorizer(analyzer=lambda terms: [str(t) for t in terms])
    vectorizer.fit([r[key] for r, t in zip(rows, train) if t])
    return vectorizer.transform([r[key] for r in rows]).tocsr(), y


def report(peer, task, settings, seconds, p_val, p_test, y, validation, test):
    print(json.dumps({'peer': peer, 'task': task, **settings, 'train_rows': int((~(validation | test)).sum()),
                      'validation_rows': int(validation.sum()), 'test_rows': int(test.sum()), 'train_s': round(seconds, 2),
                      'validation_auc': round(float(roc_auc_score(y[validation], p_val)), 4),
                      'auc': round(float(roc_auc_score(y[test], p_test)), 4), 'logloss': round(logloss(p_test, y[test]), 4),
                      'rce': round(rce(p_test, y[test]), 3)}), flush=True)


def fit_lr(task, x, y, train, validation, test, name='lr'):
    start = time.time()
    best = None
    for c in [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30]:
        model = LogisticRegression(C=c, max_iter=5000, solver='liblinear').fit(x[train], y[train])
        score = roc_auc_score(y[validation], model.predict_proba(x[validation])[:, 1])
        if best is None or score > best[0]:
            best = (score, c, model)
    _, c, model = best
    report(name, task, {'C': c}, time.time() - start, model.predict_proba(x[validation])[:, 1], model.predict_proba(x[test])[:, 1],
           y, validation, test)


def fit_xgb(task, x, y, train, validation, test, depths=(2, 3, 4, 6), rate=0.05, rounds=2000, max_bin=256):
    """xgboost's own API on a DMatrix (sparse stays sparse), histogram method, at most `rounds`
    trees, their number picked by early stopping on the validation AUC (50 rounds)."""
    import xgboost as xgb

    start = time.time()
    data = {part: xgb.DMatrix(x[rows], label=y[rows]) for part, rows in
            (('train', train), ('validation', validation), ('test', test))}
    best = None
    for depth in depths:
        params = {'objective': 'binary:logistic', 'eta': rate, 'max_depth': depth, 'subsample': 0.8, 'colsample_bytree': 0.8,
                  'tree_method': 'hist', 'max_bin': max_bin, 'eval_metric': 'auc', 'nthread': 2, 'seed': 0}
        model = xgb.train(params, data['train'], num_boost_round=rounds, evals=[(data['validation'], 'validation')],
                          early_stopping_rounds=50, verbose_eval=False)
        trees = (0, model.best_iteration + 1)
        score = roc_auc_score(y[validation], model.predict(data['validation'], iteration_range=trees))
        if best is None or score > best[0]:
            best = (score, depth, model, trees)
    _, depth, model, trees = best
    settings = {'max_depth': depth, 'trees': trees[1], 'max_trees': rounds, 'learning_rate': rate, 'max_bin': max_bin,
                'columns': int(x.shape[1])}
    report('xgboost', task, settings, time.time() - start, model.predict(data['validation'], iteration_range=trees),
           model.predict(data['test'], iteration_range=trees), y, validation, test)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--task', choices=['credit', 'text'], required=True)
    parser.add_argument('--data', required=True)
    parser.add_argument('--peers', default='lr,lr_hashed,xgboost')
    args = parser.parse_args()
    peers = args.peers.split(',')
    if args.task == 'credit':
        numbers, categories, y = credit_features(args.data)
        train, validation, test = parts(len(y))
        if 'lr' in peers:
            fit_lr('credit', credit_lr_matrices(numbers, categories, train), y, train, validation, test)
        if 'xgboost' in peers:
            fit_xgb('credit', credit_xgb_matrix(numbers, categories, train), y, train, validation, test)
    else:
        x, y = text_features(args.data, 'tokens')
        train, validation, test = parts(len(y))
        if 'lr' in peers:
            fit_lr('text', x, y, train, validation, test)
        if 'lr_hashed' in peers:
            fit_lr('text', text_features(args.data, 'ids')[0], y, train, validation, test, name='lr_hashed')
        if 'xgboost' in peers:
            # Trees on the terms found in at least 5 training rows (the rarer ones cannot make a
            # split worth having; all 100,000 terms took xgboost over 7 minutes on 2 cores), 16
            # bins (a TF-IDF weight is mostly present or not: scikit-learn's XGBClassifier with
            # 256 bins took 11 minutes on an idle 2-core machine), a faster rate, two depths
            # and at most 1,000 trees, to keep the bench to a few minutes.
            common = np.asarray((x[train] > 0).sum(axis=0)).ravel() >= 5
            fit_xgb('text', x[:, np.where(common)[0]], y, train, validation, test, depths=(4, 8), rate=0.1, rounds=1000,
                    max_bin=16)


if __name__ == '__main__':
    main()
