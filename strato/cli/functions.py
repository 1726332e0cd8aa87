"""`strato invoke` and `strato logs`: run a function and read its logs from the terminal."""

from __future__ import annotations

import base64
import json
import sys
import time
from typing import Any

from botocore.exceptions import ClientError

from .remote import client


def invoke(args: Any) -> int:
    payload = args.payload or "{}"
    if payload.startswith("@"):
        with open(payload[1:], "rb") as f:
            data = f.read()
    else:
        data = payload.encode()
    try:
        json.loads(data)
    except ValueError as e:
        print(f"strato: the payload is not JSON: {e}", file=sys.stderr)
        return 2
    lam = client("lambda", args.endpoint, args.region)
    params = {"FunctionName": args.function, "Payload": data, "LogType": "Tail"}
    if args.qualifier:
        params["Qualifier"] = args.qualifier
    try:
        out = lam.invoke(**params)
    except ClientError as e:
        err = e.response["Error"]
        print(f"strato: {err['Code']}: {err.get('Message', '')}", file=sys.stderr)
        return 1
    if out.get("LogResult"):
        sys.stderr.write(base64.b64decode(out["LogResult"]).decode(errors="replace"))
    body = out["Payload"].read().decode(errors="replace")
    print(body)
    return 1 if out.get("FunctionError") else 0


def logs(args: Any) -> int:
    cw = client("logs", args.endpoint, args.region)
    group = args.function if args.function.startswith("/") else f"/aws/lambda/{args.function}"
    params: dict[str, Any] = {"logGroupName": group}
    if args.filter:
        params["filterPattern"] = args.filter
    if args.since:
        params["startTime"] = int((time.time() - args.since) * 1000)
    seen: set[str] = set()
    while True:
        try:
            events = _all_events(cw, params)
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceNotFoundException" or not args.tail:
                print(
                    f"strato: {e.response['Error']['Code']}: {e.response['Error'].get('Message', '')}",
                    file=sys.stderr,
                )
                return 1
            events = []
        for event in events:
            if event["eventId"] in seen:
                continue
            seen.add(event["eventId"])
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(event["timestamp"] / 1000))
            print(f"{stamp} {event['logStreamName']} {event['message'].rstrip()}", flush=True)
        if not args.tail:
            return 0
        if events:
            params["startTime"] = max(e["timestamp"] for e in events)
        time.sleep(0.5)


def _all_events(cw, params: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    token = None
    while True:
        page = cw.filter_log_events(**params, **({"nextToken": token} if token else {}))
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events
