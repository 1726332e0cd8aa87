"""A distributed Map's S3 side: ItemReader (getObject, listObjectsV2) and ResultWriter.

Both reach S3 in-process through the same `aws-sdk:s3:*` path a Task state takes (so the
provider's validation and `authorize` apply). A reader failure is `States.ItemReaderFailed`
and a writer failure `States.ResultWriterFailed`, with the S3 error in the cause.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import datetime
from typing import Any

from ...asl import TaskFailure
from ...auth import RequestContext
from ...platform import Platform
from ...protocol import ServiceError
from .tasks_calls import call_context, call_provider, operation_for, spec_for
from .tasks_sdk import normalise_partition, run_sdk_task
from .tasks_shapes import blob_bytes

ITEM_READER_FAILED = "States.ItemReaderFailed"
RESULT_WRITER_FAILED = "States.ResultWriterFailed"
GET_OBJECT = "arn:aws:states:::s3:getObject"
LIST_OBJECTS_V2 = "arn:aws:states:::s3:listObjectsV2"
PUT_OBJECT = "arn:aws:states:::s3:putObject"
DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}


def _fail(cause: str) -> TaskFailure:
    return TaskFailure(ITEM_READER_FAILED, cause)


async def _s3(platform: Platform, ctx: RequestContext, action: str, params: dict) -> Any:
    return await run_sdk_task(platform, ctx, f"arn:aws:states:::aws-sdk:s3:{action}", params)


# --- ItemReader ------------------------------------------------------------------------------


async def read_items(
    platform: Platform, ctx: RequestContext, resource: str, parameters: Any
) -> list:
    """The Map's items, as the reader's Resource, Parameters and ReaderConfig describe."""
    params = dict(parameters) if isinstance(parameters, dict) else {}
    config = params.pop("ReaderConfig", None) or {}
    plain = normalise_partition(resource)
    try:
        if plain == LIST_OBJECTS_V2:
            return await _list_objects(platform, ctx, params)
        if plain == GET_OBJECT and config.get("InputType") == "MANIFEST":
            return await _inventory(platform, ctx, params)
        if plain == GET_OBJECT:
            body = await _s3(
                platform, ctx, "getObject", _pick(params, "Bucket", "Key", "VersionId")
            )
            return parse(body.get("Body") or "", config)
    except TaskFailure as failure:
        if failure.error == ITEM_READER_FAILED:
            raise
        raise _fail(f"{failure.error}: {failure.cause}") from None
    raise _fail(f"The ItemReader resource {resource} is not supported.")


async def _inventory(platform: Platform, ctx: RequestContext, params: dict) -> list:
    """InputType MANIFEST: an S3 Inventory manifest.json; every row of its (gzipped) CSV
    files becomes an item keyed by the manifest's fileSchema, values as strings."""
    text = await _s3(platform, ctx, "getObject", _pick(params, "Bucket", "Key", "VersionId"))
    try:
        manifest = json.loads(text.get("Body") or "")
        schema = [name.strip() for name in manifest["fileSchema"].split(",")]
        files = [f["key"] for f in manifest["files"]]
        destination = manifest.get("destinationBucket") or params.get("Bucket", "")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _fail("The S3 inventory manifest is not valid.") from None
    if manifest.get("fileFormat", "CSV") != "CSV":
        raise _fail(f"The S3 inventory file format {manifest.get('fileFormat')} is not supported.")
    bucket = destination.rsplit(":", 1)[-1]  # arn:aws:s3:::bucket or a plain name
    items: list = []
    for key in files:
        raw = await _object_bytes(platform, ctx, bucket, key)
        if key.endswith(".gz"):
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError):
                raise _fail(f"The S3 inventory file {key} is not valid gzip.") from None
        rows = csv.reader(io.StringIO(raw.decode("utf-8", "replace")))
        items.extend(dict(zip(schema, row, strict=False)) for row in rows if row)
    return items


async def _object_bytes(platform: Platform, ctx: RequestContext, bucket: str, key: str) -> bytes:
    """An object's bytes as stored (the aws-sdk path would hand binary back as base64)."""
    spec = spec_for("s3")
    op = operation_for(spec, "GetObject") if spec is not None else None
    if spec is None or op is None:
        raise _fail("S3 is not hosted here.")
    try:
        out = await call_provider(
            platform, call_context(ctx, spec, op), spec, op, {"Bucket": bucket, "Key": key}
        )
    except ServiceError as err:
        raise _fail(f"S3.{err.code}: {err.message} (Bucket: {bucket}, Key: {key})") from None
    return blob_bytes(out.get("Body") or b"")


def _pick(params: dict, *names: str) -> dict:
    return {k: params[k] for k in names if params.get(k) is not None}


async def _list_objects(platform: Platform, ctx: RequestContext, params: dict) -> list:
    """Every object under the prefix, one item per Contents entry, shaped as AWS's reader
    yields them: Etag, Key, LastModified (Unix seconds), Size, StorageClass."""
    request = _pick(params, "Bucket", "Prefix", "Delimiter", "StartAfter", "MaxKeys")
    items: list = []
    while True:
        page = await _s3(platform, ctx, "listObjectsV2", request)
        for entry in page.get("Contents") or []:
            items.append(
                {
                    "Etag": entry.get("ETag"),
                    "Key": entry.get("Key"),
                    "LastModified": _epoch_seconds(entry.get("LastModified")),
                    "Size": entry.get("Size"),
                    "StorageClass": entry.get("StorageClass", "STANDARD"),
                }
            )
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return items
        request["ContinuationToken"] = token


def _epoch_seconds(value: Any) -> Any:
    """The listing's ISO 8601 time as the Unix seconds AWS's reader items carry."""
    if not isinstance(value, str):
        return value
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return value


def parse(body: str, config: dict) -> list:
    """An S3 object's text as items: InputType JSON (an array), JSONL or CSV."""
    kind = config.get("InputType", "JSON")
    if kind == "JSON":
        try:
            value = json.loads(body)
        except ValueError as exc:
            raise _fail(f"The ItemReader could not parse the JSON object: {exc}") from None
        if not isinstance(value, list):
            raise _fail("Attempting to map over non-iterable node.")
        return value
    if kind == "JSONL":
        items = []
        for number, line in enumerate(body.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except ValueError:
                raise _fail(f"Invalid JSON on line {number} of the JSONL object.") from None
        return items
    if kind == "CSV":
        return _parse_csv(body, config)
    raise _fail(f"The ReaderConfig InputType {kind} is not supported.")


def _parse_csv(body: str, config: dict) -> list:
    """Rows as objects keyed by the header, as AWS documents the parsing: every value a
    string, quotes and backslashes escape, a short row gets empty strings for the missing
    fields and a long row's extra fields are skipped."""
    delimiter = DELIMITERS.get(config.get("CSVDelimiter", "COMMA"))
    if delimiter is None:
        raise _fail(f"The CSVDelimiter {config.get('CSVDelimiter')} is not supported.")
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, escapechar="\\")
    try:
        rows = [r for r in reader if r]
    except csv.Error as exc:
        raise _fail(f"The ItemReader could not parse the CSV object: {exc}") from None
    location = config.get("CSVHeaderLocation", "FIRST_ROW")
    if location == "GIVEN":
        headers = config.get("CSVHeaders")
        if not isinstance(headers, list) or not headers:
            raise _fail("CSVHeaders must be given when CSVHeaderLocation is GIVEN.")
    elif location == "FIRST_ROW":
        if not rows:
            return []
        headers, rows = rows[0], rows[1:]
    else:
        raise _fail(f"The CSVHeaderLocation {location} is not supported.")
    return [{h: row[i] if i < len(row) else "" for i, h in enumerate(headers)} for row in rows]


# --- ResultWriter ----------------------------------------------------------------------------


async def write_results(
    platform: Platform, ctx: RequestContext, resource: str, parameters: dict
) -> dict:
    """`<Prefix>/<MapRunId>/` gets SUCCEEDED_0.json, FAILED_0.json, PENDING_0.json (the
    non-empty ones) and manifest.json; the answer names the manifest."""
    if normalise_partition(resource) != PUT_OBJECT:
        raise TaskFailure(
            RESULT_WRITER_FAILED, f"The ResultWriter resource {resource} is not supported."
        )
    bucket = parameters.get("Bucket")
    prefix = (parameters.get("Prefix") or "").rstrip("/")
    base = f"{prefix}/{parameters['MapRunId']}" if prefix else parameters["MapRunId"]
    files: dict[str, list] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
    try:
        for status in ("SUCCEEDED", "FAILED", "PENDING"):
            records = parameters["Results"].get(status) or []
            if not records:
                continue
            key = f"{base}/{status}_0.json"
            text = json.dumps(records, separators=(",", ":"))
            await _s3(platform, ctx, "putObject", {"Bucket": bucket, "Key": key, "Body": text})
            files[status].append({"Key": key, "Size": len(text.encode())})
        manifest = {
            "DestinationBucket": bucket,
            "MapRunArn": parameters["MapRunArn"],
            "ResultFiles": files,
        }
        key = f"{base}/manifest.json"
        body = json.dumps(manifest, separators=(",", ":"))
        await _s3(platform, ctx, "putObject", {"Bucket": bucket, "Key": key, "Body": body})
    except TaskFailure as failure:
        raise TaskFailure(RESULT_WRITER_FAILED, f"{failure.error}: {failure.cause}") from None
    return {"Bucket": bucket, "Key": key}
