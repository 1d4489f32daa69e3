"""Makes the columnar fixtures from models/data/flights_sample.csv.gz (6,000 rows):
three Parquet parts of 2,000 rows (snappy; the last with two row groups), the first 1,000 rows as
one Arrow IPC file, and a Parquet file without the `route` column. Run with the project's
.venv (pyarrow): .venv/bin/python test/cases/columnar/make.py"""
import os
import pyarrow as pa
import pyarrow.csv as csv
import pyarrow.feather as feather
import pyarrow.parquet as pq

here = os.path.dirname(os.path.abspath(__file__))
table = csv.read_csv(os.path.join(here, '..', '..', '..', 'models', 'data', 'flights_sample.csv.gz'))
os.makedirs(os.path.join(here, 'parts'), exist_ok=True)
for k in range(3):
    pq.write_table(table.slice(2000 * k, 2000), os.path.join(here, 'parts', f'part-{k:05d}.parquet'), row_group_size=1000 if k == 2 else 2000)
feather.write_feather(table.slice(0, 1000), os.path.join(here, 'flights.arrow'), compression='uncompressed', chunksize=400)
pq.write_table(table.drop_columns(['route']), os.path.join(here, 'no_route.parquet'))
