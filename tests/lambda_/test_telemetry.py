"""Function logs land in CloudWatch Logs; EMF lines and Lambda's own metrics land in CloudWatch."""

from __future__ import annotations

import datetime as dt

from lambda_helpers import invoke_json


def _sum(cw, server_now: float, namespace, name, dims):
    # Lambda's metrics carry the server's (possibly advanced) clock; EMF lines carry the
    # handler's own time.time(): look at a window around both.
    now = dt.datetime.now(dt.UTC)
    server = dt.datetime.fromtimestamp(server_now, dt.UTC)
    out = cw.get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
        StartTime=min(now, server) - dt.timedelta(minutes=10),
        EndTime=max(now, server) + dt.timedelta(minutes=10),
        Period=60,
        Statistics=["Sum"],
    )
    return sum(p["Sum"] for p in out["Datapoints"])


def test_logs_emf_and_lambda_metrics(lam, client_factory, create_function, strato):
    code = (
        "import json, time\n"
        "def handler(event, context):\n"
        "    print('working on', event['order'])\n"
        "    print(json.dumps({'_aws': {'Timestamp': int(time.time() * 1000), 'CloudWatchMetrics': [{'Namespace': 'Shop', 'Dimensions': [['Service']], 'Metrics': [{'Name': 'OrderValue', 'Unit': 'None'}]}]}, 'Service': 'checkout', 'OrderValue': event['value']}))\n"
        "    if event.get('fail'):\n"
        "        raise RuntimeError('boom')\n"
        "    return 'ok'\n"
    )
    name = create_function({"app.py": code})
    logs = client_factory("logs")
    cw = client_factory("cloudwatch")
    # The log group does not exist before the first invocation (templates may declare it).
    assert not logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{name}")["logGroups"]
    out, _ = invoke_json(lam, name, {"order": "A-1", "value": 30})
    invoke_json(lam, name, {"order": "A-2", "value": 12, "fail": True})
    request_id = out["ResponseMetadata"]["RequestId"]
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    messages = [e["message"] for e in events]
    assert f"START RequestId: {request_id} Version: $LATEST" in messages
    assert "working on A-1" in messages
    assert any(m.startswith(f"REPORT RequestId: {request_id}") for m in messages)
    matched = logs.filter_log_events(
        logGroupName=f"/aws/lambda/{name}", filterPattern='"working on"'
    )["events"]
    assert [e["message"] for e in matched] == ["working on A-1", "working on A-2"]
    server_now = strato.advance_clock(0)
    assert _sum(cw, server_now, "Shop", "OrderValue", {"Service": "checkout"}) >= 42
    assert _sum(cw, server_now, "AWS/Lambda", "Invocations", {"FunctionName": name}) == 2
    assert _sum(cw, server_now, "AWS/Lambda", "Errors", {"FunctionName": name}) == 1
    metrics = cw.list_metrics(
        Namespace="AWS/Lambda", Dimensions=[{"Name": "FunctionName", "Value": name}]
    )["Metrics"]
    assert {"Invocations", "Errors", "Duration", "ConcurrentExecutions"} <= {
        m["MetricName"] for m in metrics
    }
