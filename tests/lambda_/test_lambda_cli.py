"""`strato invoke` and `strato logs` against a running server."""

from __future__ import annotations

import json
import subprocess
import sys


def run(*args: str, endpoint: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "strato", *args, "--endpoint", endpoint],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_invoke_and_logs(endpoint, create_function, tmp_path):
    name = create_function(
        {
            "app.py": "def handler(event, context):\n    print('greeting', event['who'])\n    return {'hello': event['who']}\n"
        }
    )
    out = run("invoke", name, "--payload", '{"who": "cli"}', endpoint=endpoint)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"hello": "cli"}
    assert "greeting cli" in out.stderr and "REPORT RequestId:" in out.stderr
    event_file = tmp_path / "event.json"
    event_file.write_text('{"who": "file"}')
    assert json.loads(
        run("invoke", name, "--payload", f"@{event_file}", endpoint=endpoint).stdout
    ) == {"hello": "file"}
    logs = run("logs", name, endpoint=endpoint)
    assert logs.returncode == 0 and "greeting cli" in logs.stdout and "greeting file" in logs.stdout
    filtered = run("logs", name, "--filter", '"greeting file"', endpoint=endpoint)
    assert "greeting file" in filtered.stdout and "greeting cli" not in filtered.stdout


def test_invoke_reports_function_errors_and_bad_input(endpoint, create_function):
    name = create_function(
        {"app.py": "def handler(event, context):\n    raise KeyError('missing')\n"}
    )
    out = run("invoke", name, endpoint=endpoint)
    assert out.returncode == 1 and json.loads(out.stdout)["errorType"] == "KeyError"
    assert run("invoke", name, "--payload", "{nope", endpoint=endpoint).returncode == 2
    missing = run("invoke", "no-such-function", endpoint=endpoint)
    assert missing.returncode == 1 and "ResourceNotFoundException" in missing.stderr
