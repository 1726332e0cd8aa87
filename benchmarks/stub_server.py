"""A trivial HTTP server for every benchmarked service: the client's own floor per operation.

S3: every request gets a 200 (204 for DELETE). It keeps object bodies in a dict
so GetObject returns the bytes that were put and the list calls return real XML
with the same number of entries a real server would.

Lambda (paths under /2015-03-31/functions): CreateFunction and GetFunction
answer with an Active configuration, Invoke answers with a fixed small JSON
payload (and a fake REPORT line as X-Amz-Log-Result when asked for LogType=Tail).
A function created with the environment variable SLEEP_MS waits that long
before answering each invoke (asynchronously, so concurrent invokes overlap),
the same work the benchmark's sleeping function does.

DynamoDB (POST with `X-Amz-Target: DynamoDB_20120810.<Operation>`): CreateTable
and DescribeTable answer with an ACTIVE table (and ACTIVE indexes); PutItem,
BatchWriteItem and TransactWriteItems keep the items they put, so GetItem returns
the item that was put and Query returns as many items as a real server would (the
partition named by the first `key = :value` of the key condition, in sort key
order, up to Limit). UpdateItem, DeleteItem and the rest answer `{}`; conditions
and update expressions are not evaluated.

SQS (`X-Amz-Target: AmazonSQS.*`) is stub_sqs.py's and Step Functions
(`X-Amz-Target: AWSStepFunctions.*`) stub_stepfunctions.py's; one stub serves
every runner.

It checks nothing (no auth, no validation, no persistence). What boto3 spends
against it is what the client and the loopback socket cost, with next to
nothing on the server side.

    python3 benchmarks/stub_server.py --port 4599
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import re
import sys
from urllib.parse import parse_qs, unquote

import stub_sqs
import stub_stepfunctions

_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
_DATE = "2024-01-01T00:00:00.000Z"

# bucket -> key -> list of (version_id, body, etag); last entry is the latest
_store: dict[str, dict[str, list[tuple[str, bytes, str]]]] = {}
_counter = 0


def _xml(body: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()
    return 200, [(b"content-type", b"application/xml")], data


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _handle(method: str, path: str, query: str, body: bytes):
    global _counter
    parts = unquote(path).lstrip("/").split("/", 1)
    bucket = parts[0]
    key = parts[1] if len(parts) > 1 else ""
    q = parse_qs(query, keep_blank_values=True)
    if method == "DELETE":
        return 204, [], b""
    if not key:
        if method == "PUT":
            _store.setdefault(bucket, {})
            return 200, [(b"location", f"/{bucket}".encode())], b""
        if method == "GET" and "versions" in q:
            prefix = q.get("prefix", [""])[0]
            items = []
            for k, versions in sorted(_store.get(bucket, {}).items()):
                if not k.startswith(prefix):
                    continue
                for i, (vid, data, etag) in enumerate(reversed(versions)):
                    items.append(
                        f"<Version><Key>{_esc(k)}</Key><VersionId>{vid}</VersionId>"
                        f"<IsLatest>{'true' if i == 0 else 'false'}</IsLatest>"
                        f"<LastModified>{_DATE}</LastModified><ETag>{etag}</ETag>"
                        f"<Size>{len(data)}</Size><StorageClass>STANDARD</StorageClass></Version>"
                    )
            return _xml(
                f'<ListVersionsResult xmlns="{_NS}"><Name>{bucket}</Name><Prefix>{_esc(prefix)}'
                f"</Prefix><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
                + "".join(items)
                + "</ListVersionsResult>"
            )
        if method == "GET" and q.get("list-type") == ["2"]:
            prefix = q.get("prefix", [""])[0]
            max_keys = int(q.get("max-keys", ["1000"])[0])
            keys = [k for k in sorted(_store.get(bucket, {})) if k.startswith(prefix)][:max_keys]
            items = []
            for k in keys:
                _vid, data, etag = _store[bucket][k][-1]
                items.append(
                    f"<Contents><Key>{_esc(k)}</Key><LastModified>{_DATE}</LastModified>"
                    f"<ETag>{etag}</ETag><Size>{len(data)}</Size>"
                    f"<StorageClass>STANDARD</StorageClass></Contents>"
                )
            return _xml(
                f'<ListBucketResult xmlns="{_NS}"><Name>{bucket}</Name><Prefix>{_esc(prefix)}'
                f"</Prefix><KeyCount>{len(keys)}</KeyCount><MaxKeys>{max_keys}</MaxKeys>"
                f"<IsTruncated>false</IsTruncated>" + "".join(items) + "</ListBucketResult>"
            )
        return 200, [], b""
    if method == "PUT":
        _counter += 1
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        vid = f"v{_counter:012d}"
        _store.setdefault(bucket, {}).setdefault(key, []).append((vid, body, etag))
        return 200, [(b"etag", etag.encode()), (b"x-amz-version-id", vid.encode())], b""
    if method in ("GET", "HEAD"):
        versions = _store.get(bucket, {}).get(key)
        data, etag = (versions[-1][1], versions[-1][2]) if versions else (b"", '"stub"')
        headers = [
            (b"etag", etag.encode()),
            (b"content-type", b"binary/octet-stream"),
            (b"last-modified", b"Mon, 01 Jan 2024 00:00:00 GMT"),
        ]
        return 200, headers, (data if method == "GET" else b""), len(data)
    return 200, [], b""


_LAMBDA_PREFIX = "/2015-03-31/functions"
_ACCOUNT = "000000000000"
_INVOKE_PAYLOAD = b'{"statusCode": 200, "body": "hello"}'
_TAIL = base64.b64encode(
    b"START RequestId: stub Version: $LATEST\nEND RequestId: stub\n"
    b"REPORT RequestId: stub\tDuration: 0.01 ms\tBilled Duration: 1 ms\t"
    b"Memory Size: 128 MB\tMax Memory Used: 1 MB\t\n"
)
_functions: dict[str, dict] = {}  # name -> configuration


def _json(status: int, doc: dict, extra: list | None = None):
    headers = [(b"content-type", b"application/json")] + (extra or [])
    return status, headers, json.dumps(doc).encode()


def _config(name: str, create: dict) -> dict:
    return {
        "FunctionName": name,
        "FunctionArn": f"arn:aws:lambda:us-east-1:{_ACCOUNT}:function:{name}",
        "Runtime": create.get("Runtime"),
        "Role": create.get("Role"),
        "Handler": create.get("Handler"),
        "Environment": {"Variables": (create.get("Environment") or {}).get("Variables") or {}},
        "Timeout": create.get("Timeout", 3),
        "MemorySize": create.get("MemorySize", 128),
        "Version": "$LATEST",
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
    }


async def _lambda(method: str, path: str, headers: dict[bytes, bytes], body: bytes):
    rest = path[len(_LAMBDA_PREFIX) :].strip("/").split("/")
    name = unquote(rest[0]) if rest[0] else ""
    if not name:  # CreateFunction (POST) or ListFunctions (GET)
        if method == "POST":
            create = json.loads(body or b"{}")
            config = _functions[create["FunctionName"]] = _config(create["FunctionName"], create)
            return _json(201, config)
        return _json(200, {"Functions": list(_functions.values())})
    name = name.rsplit(":", 1)[-1]  # an ARN names the function too
    if len(rest) > 1 and rest[1] == "invocations":
        sleep_ms = _functions.get(name, {}).get("Environment", {}).get("Variables", {})
        sleep_ms = float(sleep_ms.get("SLEEP_MS", 0))
        if sleep_ms:
            await asyncio.sleep(sleep_ms / 1000)
        extra = [(b"x-amz-executed-version", b"$LATEST")]
        if headers.get(b"x-amz-log-type", b"").lower() == b"tail":
            extra.append((b"x-amz-log-result", _TAIL))
        return 200, [(b"content-type", b"application/json")] + extra, _INVOKE_PAYLOAD
    if method == "DELETE":
        _functions.pop(name, None)
        return 204, [], b""
    config = _functions.get(name) or _config(name, {})
    return _json(200, {"Configuration": config, "Code": {"RepositoryType": "S3"}})


_DDB_TARGET = b"DynamoDB_20120810."
_DDB_JSON = [(b"content-type", b"application/x-amz-json-1.0")]
_tables: dict[str, dict] = {}  # name -> {"desc": TableDescription, "items": {key: item}}
_KEY_EQ = re.compile(r"(#?[\w.]+)\s*=\s*(:\w+)")


def _scalar(value: dict):
    """The sortable Python value of a key attribute ({"S": ..} / {"N": ..} / {"B": ..})."""
    ((kind, v),) = value.items()
    return float(v) if kind == "N" else v


def _ddb_table(name: str) -> dict:
    table = _tables.get(name)
    if table is None:  # never created here: a plain pk table, so the calls still answer
        table = _tables[name] = {"desc": {"TableName": name, "KeySchema": []}, "items": {}}
    return table


def _ddb_key(table: dict, item: dict) -> tuple:
    names = [k["AttributeName"] for k in table["desc"]["KeySchema"]] or sorted(item)[:1]
    return tuple(json.dumps(item.get(n), sort_keys=True) for n in names)


def _ddb_put(name: str, item: dict) -> None:
    table = _ddb_table(name)
    table["items"][_ddb_key(table, item)] = item


def _ddb_query(req: dict) -> dict:
    table = _ddb_table(req["TableName"])
    index = req.get("IndexName")
    schema = table["desc"]["KeySchema"]
    for gsi in table["desc"].get("GlobalSecondaryIndexes", []):
        if gsi["IndexName"] == index:
            schema = gsi["KeySchema"]
    m = _KEY_EQ.search(req.get("KeyConditionExpression", ""))
    items = list(table["items"].values())
    if m:
        attr = req.get("ExpressionAttributeNames", {}).get(m.group(1), m.group(1))
        value = req.get("ExpressionAttributeValues", {}).get(m.group(2))
        items = [i for i in items if i.get(attr) == value]
    rng = [k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"]
    if rng:
        items = [i for i in items if rng[0] in i]
        items.sort(key=lambda i: _scalar(i[rng[0]]), reverse=not req.get("ScanIndexForward", True))
    items = items[: req.get("Limit") or len(items)]
    return {"Items": items, "Count": len(items), "ScannedCount": len(items)}


def _dynamodb(op: str, body: bytes):
    req = json.loads(body or b"{}")
    if op == "CreateTable":
        desc = {
            "TableName": req["TableName"],
            "TableArn": f"arn:aws:dynamodb:us-east-1:{_ACCOUNT}:table/{req['TableName']}",
            "TableStatus": "ACTIVE",
            "KeySchema": req.get("KeySchema", []),
            "AttributeDefinitions": req.get("AttributeDefinitions", []),
            "ItemCount": 0,
            "TableSizeBytes": 0,
        }
        gsis = [{**g, "IndexStatus": "ACTIVE"} for g in req.get("GlobalSecondaryIndexes", [])]
        if gsis:
            desc["GlobalSecondaryIndexes"] = gsis
        _tables[req["TableName"]] = {"desc": desc, "items": {}}
        return 200, _DDB_JSON, json.dumps({"TableDescription": desc}).encode()
    if op == "DescribeTable":
        desc = _ddb_table(req["TableName"])["desc"]
        return 200, _DDB_JSON, json.dumps({"Table": desc}).encode()
    if op == "DeleteTable":
        table = _tables.pop(req["TableName"], None) or _ddb_table(req["TableName"])
        desc = {**table["desc"], "TableStatus": "DELETING"}
        return 200, _DDB_JSON, json.dumps({"TableDescription": desc}).encode()
    out: dict = {}
    if op == "PutItem":
        _ddb_put(req["TableName"], req["Item"])
    elif op == "GetItem":
        table = _ddb_table(req["TableName"])
        item = table["items"].get(_ddb_key(table, req["Key"]))
        if item is not None:
            out = {"Item": item}
    elif op == "BatchWriteItem":
        for name, writes in req.get("RequestItems", {}).items():
            for w in writes:
                if "PutRequest" in w:
                    _ddb_put(name, w["PutRequest"]["Item"])
        out = {"UnprocessedItems": {}}
    elif op == "TransactWriteItems":
        for w in req.get("TransactItems", []):
            if "Put" in w:
                _ddb_put(w["Put"]["TableName"], w["Put"]["Item"])
    elif op == "Query":
        out = _ddb_query(req)
    elif op == "ListTables":
        out = {"TableNames": sorted(_tables)}
    return 200, _DDB_JSON, json.dumps(out).encode()


# the JSON-protocol services, by the X-Amz-Target prefix
_JSON_SERVICES = {
    _DDB_TARGET: _dynamodb,
    stub_sqs.TARGET: stub_sqs.handle,
    stub_stepfunctions.TARGET: stub_stepfunctions.handle,
}


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    target = next((v for k, v in scope["headers"] if k == b"x-amz-target"), b"")
    service, _, op = target.partition(b".")
    json_handler = _JSON_SERVICES.get(service + b".")
    if json_handler is not None:
        result = json_handler(op.decode(), b"".join(chunks))
    elif scope["path"].startswith(_LAMBDA_PREFIX):
        result = await _lambda(
            scope["method"], scope["path"], dict(scope["headers"]), b"".join(chunks)
        )
    else:
        result = _handle(
            scope["method"], scope["path"], scope["query_string"].decode(), b"".join(chunks)
        )
    status, headers, data = result[0], result[1], result[2]
    length = result[3] if len(result) > 3 else len(data)
    headers = headers + [
        (b"content-length", str(length).encode()),
        (b"x-amz-request-id", b"stub"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    import uvicorn

    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        http="httptools",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
