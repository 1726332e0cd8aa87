"""The recorded AWS TestState cases (kind `test_state`), sent to a real server with boto3.

The recordings come from LocalStack's AWS-validated snapshot tests (Apache-2.0); see
/work/shared/conformance/README.md and tests/asl/data/README.md. Each case is one TestState
request; the response is compared field by field as the README says: the status, error and
next state exactly, the output and the inspection data as parsed JSON with the recorder's
placeholders left open, the cause loosely.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asl.asl_conformance import cause_matches, load_cases, matches, normalise, parse_text
from botocore.exceptions import ClientError

# The account id the recorder wrote in place of the real one.
RECORDED_ACCOUNT = "111111111111"
REGION = "us-east-1"  # the region client_factory's clients use
FIELDS = ("status", "output", "error", "cause", "nextState", "inspectionData")

# Cases that do not pass yet: id -> why. A listed case that starts passing fails the run,
# so the list only shrinks.
KNOWN_FAILURES: dict[str, str] = {}

CASES = [c for c in load_cases() if c["kind"] == "test_state"]

# Where the stored definition is the recording test's template and the test filled in the
# real value before sending (LocalStack's test_state_wait_task_context_object sets the
# QueueUrl from its region and account): id suffix -> how to fill it in here.
SENT_DEFINITION = {
    "test_state_wait_task_context_object::test_case_response": lambda d, region, account: {
        **d,
        "Parameters": {
            **d["Parameters"],
            "QueueUrl": f"https://sqs.{region}.amazonaws.com/{account}/test-queue",
        },
    },
}


@pytest.fixture(scope="module")
def account(client_factory) -> str:
    return client_factory("sts").get_caller_identity()["Account"]


def request_for(case: dict, account: str) -> dict[str, Any]:
    """The TestState request the recording made; the JSON-text parameters that the API
    models as structures (mock, stateConfiguration) are sent as structures."""
    params = dict(case["test_state_params"])
    definition = case["definition"]
    for suffix, fill_in in SENT_DEFINITION.items():
        if case["id"].endswith(suffix):
            definition = fill_in(definition, REGION, account)
    request: dict[str, Any] = {
        "definition": json.dumps(definition),
        "roleArn": f"arn:aws:iam::{account}:role/sfn-test-state",
    }
    if case["input"] is not None:  # the recording sent no input: AWS's default is {}
        request["input"] = json.dumps(case["input"])
    for key in ("mock", "stateConfiguration"):
        if key in params:
            request[key] = json.loads(params.pop(key))
    request.update(params)
    return request


def _actual(value: Any, account: str) -> Any:
    """Our value as the recorder would have stored it."""
    text = json.dumps(value).replace(account, RECORDED_ACCOUNT)
    return normalise(json.loads(text))


def _inspection(data: dict, account: str) -> dict:
    return {k: _actual(parse_text(v), account) for k, v in data.items()}


def compare(case: dict, response: dict, account: str) -> list[str]:
    """Differences between the recorded response and ours; empty when they agree."""
    exp = case["expected"]
    wildcards = case.get("wildcards", [])
    got = {k: response[k] for k in FIELDS if k in response}
    problems = []
    if got.get("status") != exp["status"]:
        problems.append(
            f"status {got.get('status')} != {exp['status']} "
            f"({got.get('error')}: {got.get('cause')})"
        )
        return problems
    if set(got) != set(exp):
        problems.append(f"fields {sorted(got)} != {sorted(exp)}")
    if "output" in exp and "output" in got:
        want, have = parse_text(exp["output"]), _actual(parse_text(got["output"]), account)
        if not matches(want, have, wildcards):
            problems.append(f"output {json.dumps(have)[:600]} != {json.dumps(want)[:600]}")
    for key in ("error", "nextState"):
        if key in exp and got.get(key) != exp[key]:
            problems.append(f"{key} {got.get(key)!r} != {exp[key]!r}")
    if "cause" in exp and not cause_matches(exp["cause"], got.get("cause"), wildcards):
        problems.append(f"cause {got.get('cause')!r} != {exp['cause']!r}")
    if "inspectionData" in exp and "inspectionData" in got:
        want = {k: parse_text(v) for k, v in exp["inspectionData"].items()}
        have = _inspection(got["inspectionData"], account)
        if not matches(want, have, wildcards):
            problems.append(f"inspectionData {json.dumps(have)[:900]} != {json.dumps(want)[:900]}")
    return problems


def test_the_recorded_cases_are_all_here():
    assert len(CASES) == 62
    assert set(KNOWN_FAILURES) <= {c["id"] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c["id"].split("::", 1)[-1] for c in CASES])
def test_recorded_test_state_case(sfn, account, case):
    try:
        response = sfn.test_state(**request_for(case, account))
    except ClientError as err:
        problems = [f"{err.response['Error']['Code']}: {err.response['Error']['Message']}"]
    else:
        problems = compare(case, response, account)
    known = KNOWN_FAILURES.get(case["id"])
    if known:
        assert problems, f"now passes: remove it from KNOWN_FAILURES ({known})"
        pytest.xfail(known)
    assert not problems, "\n".join(problems)
