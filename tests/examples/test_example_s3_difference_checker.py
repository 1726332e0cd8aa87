"""examples/s3-difference-checker: each new .txt version is diffed against the one before."""

from __future__ import annotations

import json

from example_helpers import log_messages, unique, wait_for

VERSIONS = [
    "alpha\nbeta\ngamma\n",
    "alpha\nBETA\ngamma\n",
    "alpha\nBETA\ngamma\ndelta\n",
    "ALPHA\nBETA\ngamma\ndelta\n",
]


def _findings(logs, name: str) -> list[dict]:
    found = []
    for message in log_messages(logs, name):
        try:
            line = json.loads(message)
        except ValueError:
            continue
        if isinstance(line, dict) and "difference-checker" in line:
            found.append(line)
    return found


def _version_ids(s3, bucket: str, key: str) -> list[str]:
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
    return [v["VersionId"] for v in listed if v["Key"] == key]


def test_txt_versions_are_diffed_and_old_versions_deleted(
    deploy_example, client_factory, logs_client
):
    s3 = client_factory("s3")
    name = unique("diff-checker")
    bucket = f"{name}-source"
    deploy_example("s3-difference-checker", name, "--keep-versions", "3")

    # A .csv changes four times too; the suffix filter keeps it away from the function.
    csv_ids = [
        s3.put_object(Bucket=bucket, Key="data.csv", Body=f"a,b\n{i},{i}\n".encode())["VersionId"]
        for i in range(4)
    ]

    # One .txt version at a time, as the post walks through it: each upload is processed
    # before the next, so "the newest two" are the ones just uploaded.
    txt_ids = []
    for number, body in enumerate(VERSIONS, start=1):
        version_id = s3.put_object(Bucket=bucket, Key="sample.txt", Body=body.encode())["VersionId"]
        txt_ids.append(version_id)
        kind = "first version" if number == 1 else "diff"
        wait_for(
            lambda kind=kind, version_id=version_id: [
                f
                for f in _findings(logs_client, name)
                if (f["difference-checker"], f.get("new")) == (kind, version_id)
            ],
            f"the function's {kind!r} log line for version {number}",
        )

    findings = _findings(logs_client, name)
    assert [f["new"] for f in findings if f["difference-checker"] == "first version"] == txt_ids[:1]
    diffs = [f for f in findings if f["difference-checker"] == "diff"]
    # v2..v4 each diffed against the version just before it.
    assert [(d["old"], d["new"]) for d in diffs] == list(zip(txt_ids[:3], txt_ids[1:], strict=True))
    changed = [
        [line for line in d["diff"] if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        for d in diffs
    ]
    assert changed == [["-beta", "+BETA"], ["+delta"], ["-alpha", "+ALPHA"]]
    assert diffs[2]["diff"][:2] == [
        f"--- sample.txt@{txt_ids[2]}",
        f"+++ sample.txt@{txt_ids[3]}",
    ]

    # v4 pushed v1 beyond KEEP_VERSIONS=3: the function deleted it, and only it.
    deleted = wait_for(
        lambda: [f for f in _findings(logs_client, name) if f["difference-checker"] == "deleted"],
        "the function's 'deleted' log line",
    )
    assert [f["deleted"] for f in deleted] == [[txt_ids[0]]]
    assert sorted(_version_ids(s3, bucket, "sample.txt")) == sorted(txt_ids[1:])
    got = s3.get_object(Bucket=bucket, Key="sample.txt")["Body"].read().decode()
    assert got == VERSIONS[-1]

    # The function never saw the .csv: no log line names it, and all its versions remain.
    assert all(f["key"] == "sample.txt" for f in _findings(logs_client, name))
    assert not [m for m in log_messages(logs_client, name) if "data.csv" in m]
    assert sorted(_version_ids(s3, bucket, "data.csv")) == sorted(csv_ids)
