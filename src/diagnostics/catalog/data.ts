import type { CatalogEntry } from './catalogEntry.js';

/** The catalog's 7xxx: data and training. */
export const dataCodes = {
  dataUnreadable: {
    code: 'BIRD7001',
    severity: 'error',
    message: 'cannot read data file `{path}`: {reason}',
  },
  emptyData: {
    code: 'BIRD7002',
    severity: 'error',
    message: 'data file `{path}` has no rows',
    help: 'a CSV file needs a header line and at least one row; a JSONL file one object per line',
  },
  missingColumn: {
    code: 'BIRD7003',
    severity: 'error',
    message: 'data file `{path}` has no column `{column}`',
  },
  badValue: {
    code: 'BIRD7004',
    severity: 'error',
    message: 'expected {expected} in column `{column}`, found {found}',
  },
  raggedRow: {
    code: 'BIRD7005',
    severity: 'error',
    message: 'row has {count} fields, but the header has {expected}',
  },
  truncatedData: {
    code: 'BIRD7006',
    severity: 'error',
    message: 'data file `{path}` ends unexpectedly: {reason}',
    help: 'the file is cut short or corrupt; download or copy it again',
  },
  invalidRecord: {
    code: 'BIRD7007',
    severity: 'error',
    message: 'line is not {expected}: {reason}',
  },
  runWithoutSignature: {
    code: 'BIRD7010',
    severity: 'error',
    message: 'run `{run}` was trained before model `{model}` declared signature `{signature}`',
    help: 'export the run (an export takes the signatures from the file as it is now) and predict with the artifact, or train again',
  },
  engineUnavailable: {
    code: 'BIRD7025',
    severity: 'error',
    message: 'the `{engine}` training engine cannot run here: {reason}',
  },
  engineCannotTrain: {
    code: 'BIRD7026',
    severity: 'error',
    message: 'the `{engine}` training engine cannot train model `{model}`: {reason}',
    help: 'train it with `--engine tfjs`',
  },
  earlyStopAcrossNodes: {
    code: 'BIRD7035',
    severity: 'error',
    message: '`early_stop` cannot stop a PyTorch run on {nnodes} machines',
  },
  torchRankFailed: {
    code: 'BIRD7036',
    severity: 'error',
    message: 'rank {rank} of the PyTorch run failed (exit {code})',
  },
  groupPattern: {
    code: 'BIRD7040',
    severity: 'error',
    message: 'the pattern `{pattern}` of feature group `{name}` {problem}',
  },
  duplicateColumn: {
    code: 'BIRD7015',
    severity: 'error',
    message: 'column `{column}` appears more than once in the header',
    help: 'rename one of them: Bird reads columns by name, so it cannot tell which one a feature means',
  },
  unterminatedQuote: {
    code: 'BIRD7016',
    severity: 'error',
    message: 'quoted field is never closed',
    help: 'close the field with `"`; a `"` inside a quoted field is written twice (`""`)',
  },
  notText: {
    code: 'BIRD7017',
    severity: 'error',
    message: 'data file `{path}` is not text: {reason}',
    help: 'a CSV or JSONL data file is UTF-8 text, optionally gzipped (`.gz`); is this a binary file, or one in another encoding?',
  },
} as const satisfies Record<string, CatalogEntry>;
