"""Print a secret's keys as shell `export` lines, for /opt/secrets-wrapper to eval.

Usage: python3 /opt/get-secrets/secret_env.py <secret id>
"""

from __future__ import annotations

import json
import re
import shlex
import sys

import boto3

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def fetch_secret(secret_id: str) -> str:
    """The secret's JSON text, from Secrets Manager (secret_id is its name or ARN)."""
    client = boto3.client("secretsmanager")
    return client.get_secret_value(SecretId=secret_id)["SecretString"]


def export_lines(secret: dict) -> list[str]:
    lines = []
    for name, value in secret.items():
        if not _NAME.match(name):
            print(f"secrets-wrapper: skipping key {name!r}: not a variable name", file=sys.stderr)
            continue
        text = value if isinstance(value, str) else json.dumps(value)
        lines.append(f"export {name}={shlex.quote(text)}")
    return lines


def main() -> None:
    secret = json.loads(fetch_secret(sys.argv[1]))
    if not isinstance(secret, dict):
        sys.exit("secrets-wrapper: the secret must be a JSON object of names to values")
    print("\n".join(export_lines(secret)))


if __name__ == "__main__":
    main()
