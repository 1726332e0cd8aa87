"""Start and stop a real Strato server process for tests and benchmarks."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StratoProcess:
    """`strato up` in a child process on a free loopback port."""

    def __init__(
        self, state_dir: str, port: int | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.state_dir = state_dir
        self.port = port or free_port()
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.log_path = os.path.join(state_dir + ".log")

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> StratoProcess:
        os.makedirs(self.state_dir, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "strato",
                "up",
                "--port",
                str(self.port),
                "--state-dir",
                self.state_dir,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"strato exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.endpoint + "/_strato/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"strato did not become ready:\n{self.log()}")

    def log(self) -> str:
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-5000:]
        except OSError:
            return ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        self.proc = None
        return code

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def add_account(
        self, access_key_id: str, secret: str, account_id: str, check: bool = True
    ) -> subprocess.CompletedProcess:
        """`strato accounts add` against this server's state, as a user would run it."""
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "strato",
                "accounts",
                "--state-dir",
                self.state_dir,
                "add",
                "--access-key-id",
                access_key_id,
                "--secret-access-key",
                secret,
                "--account-id",
                account_id,
            ],
            check=check,
            capture_output=True,
            text=True,
        )

    def advance_clock(self, seconds: float) -> float:
        req = urllib.request.Request(
            self.endpoint + "/_strato/clock",
            data=json.dumps({"advance": seconds}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())["now"]
