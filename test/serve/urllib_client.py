"""A TF Serving / KServe v2 client written from the protocols alone, with only Python's
standard library (urllib, json): what a team without Bird, or without `requests`, writes.

Reads {"url", "model", "instances"} as JSON on stdin; prints the answers as JSON.
"""
import json
import sys
import urllib.error
import urllib.request


def call(url, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode("utf-8"))


def main():
    job = json.load(sys.stdin)
    base, model, instances = job["url"], job["model"], job["instances"]
    out = {}
    out["status"] = call(f"{base}/v1/models/{model}")
    out["predict"] = call(f"{base}/v1/models/{model}:predict", {"instances": instances})
    # The same rows as KServe v2 tensors, one per feature, strings as BYTES.
    names = sorted({k for row in instances for k in row})
    tensors = []
    for name in names:
        column = [row.get(name) for row in instances]
        numeric = all(v is None or isinstance(v, (int, float)) for v in column)
        tensors.append({"name": name, "shape": [len(column)], "datatype": "FP32" if numeric else "BYTES", "data": column})
    out["infer"] = call(f"{base}/v2/models/{model}/infer", {"inputs": tensors})
    out["bad"] = call(f"{base}/v1/models/{model}:predict", {"instances": [{"hour": "noon"}]})
    json.dump(out, sys.stdout)


main()
