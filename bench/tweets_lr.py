"""Logistic-regression peer for models/timelines.bird and models/cortex.bird.

The same rows, split and inputs as the Bird models: the tweets file written by
models/data/derive_tweets.mjs, row i held out when i % 5 == 4 (`holdout(every: 5)`), and
as features the text's first 48 tokens (Bird's tokenizer: lowercased runs of letters,
digits and _ # @ '), source, hour, day of week, year and the replied-to user id (one-hot;
empty when not a reply). One L2 logistic regression per task (label_engaged,
label_retweeted), with C chosen by 5-fold cross-validation on the training rows only.
Prints one JSON line per task: AUC and RCE on the holdout, as Bird's metrics compute them.

    /usr/bin/python3 bench/tweets_lr.py --data PATH   (needs python3-sklearn)
"""
import argparse
import gzip
import json
import math
import re
import time

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegressionCV
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OneHotEncoder

# Python's \w is Unicode letters, digits and _: with # @ ' it is Bird's [\p{L}\p{N}_#@']+.
TOKEN = re.compile(r"[\w#@']+")


def tokens(text, max_tokens=48):
    return TOKEN.findall(text.lower())[:max_tokens]


def logloss(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def rce(p, y):
    rate = float(np.mean(y))
    base = -(rate * math.log(rate) + (1 - rate) * math.log(1 - rate))
    return 100 * (1 - logloss(p, y) / base)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--data', required=True)
    args = parser.parse_args()
    with gzip.open(args.data, 'rt', encoding='utf8') as f:
        rows = [json.loads(line) for line in f if line.strip()]
    test = np.array([i % 5 == 4 for i in range(len(rows))])
    context = [[r['source'], r['hour'], r['dayofweek'], r['year'], r['in_reply_to_user_id_str'] or ''] for r in rows]
    text = [r['text'] for r in rows]
    vectorizer = CountVectorizer(analyzer=tokens, binary=True)
    encoder = OneHotEncoder(handle_unknown='ignore')
    train_idx, test_idx = np.where(~test)[0], np.where(test)[0]
    x_train = hstack([vectorizer.fit_transform([text[i] for i in train_idx]), encoder.fit_transform([context[i] for i in train_idx])]).tocsr()
    x_test = hstack([vectorizer.transform([text[i] for i in test_idx]), encoder.transform([context[i] for i in test_idx])]).tocsr()
    for label in ['label_engaged', 'label_retweeted']:
        y = np.array([r[label] for r in rows], dtype=np.float64)
        start = time.time()
        model = LogisticRegressionCV(Cs=[0.003, 0.01, 0.03, 0.1, 0.3, 1], cv=5, scoring='neg_log_loss', max_iter=2000, solver='liblinear')
        model.fit(x_train, y[train_idx])
        seconds = time.time() - start
        p = model.predict_proba(x_test)[:, 1]
        print(json.dumps({'peer': 'lr', 'label': label, 'C': float(model.C_[0]), 'train_rows': int(len(train_idx)), 'test_rows': int(len(test_idx)),
                          'train_s': round(seconds, 2), 'auc': round(float(roc_auc_score(y[test_idx], p)), 4), 'rce': round(rce(p, y[test_idx]), 3)}), flush=True)


if __name__ == '__main__':
    main()
