"""The post's generic handler: log the event, then process each record on its own."""

from __future__ import annotations

import json

from process_s3 import process_s3


def handler(event, context):
    print(json.dumps(event))
    for record in event["Records"]:
        try:
            process_s3(record)
        except Exception as err:  # one bad record must not stop the others, as in the post
            print(f"ERROR processing {record['s3']['object']['key']}: {err!r}")
