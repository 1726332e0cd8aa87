"""`strato up`, `strato accounts ...`: argument parsing and dispatch to the commands."""

from __future__ import annotations

import argparse
import sys

from ..config import Settings


def _up(args: argparse.Namespace) -> int:
    from ..server.run import serve

    settings = Settings.from_env(
        host=args.host,
        port=args.port,
        state_dir=args.state_dir,
        verify_signatures=False if args.no_verify_signatures else None,
    )
    serve(settings)
    return 0


def _accounts(args: argparse.Namespace) -> int:
    from ..auth.accounts import AccessKey, AccountRegistry
    from ..store import open_store

    settings = Settings.from_env(state_dir=args.state_dir)
    store = open_store(settings.state_dir)
    try:
        registry = AccountRegistry(store, settings.config_file)
        if args.accounts_command == "add":
            try:
                registry.add(
                    AccessKey(
                        args.access_key_id, args.secret_access_key, args.account_id, args.user
                    )
                )
            except ValueError as e:
                print(f"strato: {e}", file=sys.stderr)
                return 2
            print(f"added {args.access_key_id} for account {args.account_id}")
        else:
            for key in registry.all():
                print(f"{key.access_key_id}\t{key.account_id}\t{key.principal_arn}")
    finally:
        store.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="strato", description="AWS serverless, on one machine.")
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start the server")
    up.add_argument("--port", type=int, default=None, help="port (default 4566, or STRATO_PORT)")
    up.add_argument("--host", default=None, help="address (default 127.0.0.1, or STRATO_HOST)")
    up.add_argument("--state-dir", default=None, help="state directory (default .strato)")
    up.add_argument(
        "--no-verify-signatures",
        action="store_true",
        help="accept any signature and any access key (STRATO_VERIFY_SIGNATURES=0)",
    )
    up.set_defaults(func=_up)

    acc = sub.add_parser("accounts", help="manage access keys and accounts")
    acc.add_argument("--state-dir", default=None)
    acc_sub = acc.add_subparsers(dest="accounts_command", required=True)
    add = acc_sub.add_parser("add", help="add an access key for an account")
    add.add_argument("--access-key-id", required=True)
    add.add_argument("--secret-access-key", required=True)
    add.add_argument("--account-id", required=True)
    add.add_argument("--user", default=None, help="IAM user name (default: the account root)")
    acc_sub.add_parser("list", help="list access keys")
    acc.set_defaults(func=_accounts)

    inv = sub.add_parser("invoke", help="invoke a function and print its result and log tail")
    inv.add_argument("function", help="function name or ARN")
    inv.add_argument("--payload", help="JSON text, or @file")
    inv.add_argument("--qualifier", help="version or alias")
    _remote_flags(inv)
    inv.set_defaults(func=_invoke)

    lg = sub.add_parser("logs", help="print a function's logs")
    lg.add_argument("function", help="function name (or a log group starting with /)")
    lg.add_argument("--tail", action="store_true", help="keep printing new events")
    lg.add_argument("--filter", help="CloudWatch Logs filter pattern")
    lg.add_argument("--since", type=float, help="only events from the last N seconds")
    _remote_flags(lg)
    lg.set_defaults(func=_logs)
    return parser


def _remote_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint", help="Strato's URL (default AWS_ENDPOINT_URL or http://127.0.0.1:4566)"
    )
    parser.add_argument("--region", help="region (default AWS_DEFAULT_REGION or us-east-1)")


def _invoke(args: argparse.Namespace) -> int:
    from .functions import invoke

    return invoke(args)


def _logs(args: argparse.Namespace) -> int:
    from .functions import logs

    return logs(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
