"""Writes models/data/credit.csv.gz, the data of models/credit.bird, from the R package modeldata.

The `credit_data` data frame of modeldata 1.1.0 (Debian's r-cran-modeldata, MIT): 4,454
loan applicants, `Status` good or bad and 13 inputs, some of them missing (`NA`). R keeps
a package's data sets in a lazy-load database (`data/Rdata.rdx`, a gzipped index, and
`data/Rdata.rdb`, one compressed serialized object per data set); this reads
`credit_data` from it without R, with the `rdata` wheel, and writes every row in the
data frame's order:

- the column names lowercased, `Status` replaced by `label_bad` (1 for `bad`, 0 for
  `good`), as the last column;
- numbers as integers, categories as their level's text, `NA` as an empty field (a
  missing value, docs/data.md);
- gzip without a timestamp, so the same input gives the same bytes.

    apt-get download r-cran-modeldata
    dpkg-deb -x r-cran-modeldata_1.1.0-1_all.deb modeldata
    python -m venv venv && venv/bin/pip install --no-index --find-links /opt/pypi/files rdata
    venv/bin/python models/data/derive_credit.py modeldata/usr/lib/R/site-library/modeldata/data models/data/credit.csv.gz
"""
import csv
import gzip
import io
import lzma
import sys
import warnings
import zlib

import pandas
import rdata


# The blobs of a lazy-load database have no RDS header, which rdata says before reading them as one.
warnings.filterwarnings('ignore', message='Unknown file type')


def lazy_load_object(folder, name):
    """One object of an R lazy-load database: its offset and length from the index, then the blob."""
    with open(f'{folder}/Rdata.rdx', 'rb') as f:
        index = rdata.conversion.convert(rdata.parser.parse_data(gzip.decompress(f.read())))
    offset, length = (int(v) for v in index['variables'][name])
    with open(f'{folder}/Rdata.rdb', 'rb') as f:
        f.seek(offset)
        blob = f.read(length)
    # A blob is the uncompressed length (4 bytes, big-endian), then either zlib data, or a
    # type byte and the data: 'Z' raw LZMA2 (R's xz), '2' bzip2, '0' none.
    kind = blob[4:5]
    if kind == b'Z':
        raw = lzma.decompress(blob[5:], format=lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_LZMA2, 'preset': 9 | lzma.PRESET_EXTREME}])
    elif kind == b'2':
        import bz2

        raw = bz2.decompress(blob[5:])
    elif kind == b'0':
        raw = blob[5:]
    else:
        raw = zlib.decompress(blob[4:])
    return rdata.conversion.convert(rdata.parser.parse_data(raw, expand_altrep=True))


def main(argv):
    if len(argv) != 2:
        sys.stderr.write('usage: derive_credit.py MODELDATA_DATA_FOLDER OUT.csv.gz\n')
        return 2
    folder, out = argv
    frame = lazy_load_object(folder, 'credit_data')
    inputs = [c for c in frame.columns if c != 'Status']
    text = io.StringIO()
    writer = csv.writer(text, lineterminator='\n')
    writer.writerow([c.lower() for c in inputs] + ['label_bad'])
    positives = 0
    for row in frame.itertuples(index=False):
        values = row._asdict()
        status = values['Status']
        if status not in ('good', 'bad'):
            raise SystemExit(f'unexpected Status {status!r}')
        positives += status == 'bad'
        writer.writerow(['' if pandas.isna(v) else str(v) for v in (values[c] for c in inputs)] + [int(status == 'bad')])
    missing = {c.lower(): int(frame[c].isna().sum()) for c in inputs if frame[c].isna().any()}
    with open(out, 'wb') as f:
        f.write(gzip.compress(text.getvalue().encode('utf8'), compresslevel=9, mtime=0))
    print(f'wrote {out}: {len(frame)} rows, {positives} bad; missing values: {missing}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
