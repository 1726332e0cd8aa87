"""One execution environment: a process speaking the Runtime API, its logs, its limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable

from . import isolation, runtimes
from .invocation import Invocation, Outcome
from .runtime_api import RuntimeApi, RuntimeApiHandler
from .spec import FunctionSpec

# AWS gives the init phase 10 s before it retries init inside the invoke's own timeout.
INIT_GRACE_S = 10.0
_POLL_S = 0.1


class Sandbox(RuntimeApiHandler):
    def __init__(
        self,
        spec: FunctionSpec,
        runtime_dir: str,
        scratch: str,
        endpoint_url: str,
        now: Callable[[], float],
        log_sink: Callable[[FunctionSpec, str, list[tuple[int, str]]], None],
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.spec = spec
        self.id = uuid.uuid4().hex
        self.runtime_dir = runtime_dir
        self.scratch = os.path.join(scratch, self.id)
        self.endpoint_url = endpoint_url
        self.now = now
        self.log_sink = log_sink
        self.extra_env = extra_env or {}
        self.stream = f"{dt.datetime.now(dt.UTC):%Y/%m/%d}/[{spec.version}]{self.id}"
        self.api = RuntimeApi(self)
        self.process: subprocess.Popen | None = None
        self.state = "new"  # new -> starting -> idle <-> busy -> dead
        self.last_used = now()
        self.init_duration_ms: float | None = None
        self.cold = True
        self.provisioned = False  # kept initialised for provisioned concurrency: never reaped idle
        self._spawned_at = 0.0
        self._ready: asyncio.Future = asyncio.get_running_loop().create_future()
        self._exited: asyncio.Future = asyncio.get_running_loop().create_future()
        self._result: asyncio.Future | None = None
        self._current: str | None = None
        self._init_error: tuple[bytes, str] | None = None
        self._lines: list[tuple[int, str]] = []
        self._partial = b""
        self._read_fd: int | None = None
        self._note: str | None = None

    # -- lifecycle --------------------------------------------------------
    async def start(self) -> None:
        self.state = "starting"
        spec = self.spec
        os.makedirs(self.scratch, exist_ok=True)
        tmp_dir = os.path.join(self.scratch, "tmp")
        os.makedirs(tmp_dir, exist_ok=True)
        port = await self.api.start()
        ns = isolation.namespaces_available()
        paths = isolation.sandbox_paths(spec.code_dir, self.runtime_dir, spec.layers_dir, tmp_dir)
        launch = runtimes.launch(spec.runtime, paths.task_root)
        self._note = launch.note
        argv = list(launch.argv)
        if launch.family != "provided":
            # The runtime client runs from /var/runtime, where the launcher copied it.
            argv[-1] = os.path.join(paths.runtime_dir, os.path.basename(argv[-1]))
        env = self._environment(port, paths, launch.family)
        if env.get("AWS_LAMBDA_EXEC_WRAPPER"):
            argv = [env["AWS_LAMBDA_EXEC_WRAPPER"], *argv]
        if launch.family == "provided" and not ns and not os.path.exists(argv[0]):
            self._init_error = (
                json.dumps(
                    {
                        "errorType": "Runtime.InvalidEntrypoint",
                        "errorMessage": "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]",
                    }
                ).encode(),
                "Runtime.InvalidEntrypoint",
            )
        if ns:
            bind_tmp = not _needs_host_tmp(argv[0], self.runtime_dir)
            argv = isolation.wrap(
                argv,
                spec.code_dir,
                self.runtime_dir,
                spec.layers_dir,
                self.scratch,
                tmp_dir if bind_tmp else None,
                env,
            )
        read_fd, write_fd = os.pipe()
        os.set_blocking(read_fd, False)
        self._read_fd = read_fd
        self._spawned_at = time.monotonic()
        try:
            # Plain Popen: uvloop's subprocess transport closes fd numbers it does not own
            # when it is torn down, which can hit an unrelated client socket.
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=write_fd,
                stderr=write_fd,
                env=env,
                cwd=paths.task_root if not ns else "/",
                start_new_session=True,
                close_fds=True,
            )
        except OSError as e:
            os.close(write_fd)
            self._close_pipe()
            self._init_error = (
                json.dumps(
                    {
                        "errorType": "Runtime.InvalidEntrypoint",
                        "errorMessage": f"RequestId: Error: fork/exec {argv[0]}: {e.strerror}",
                    }
                ).encode(),
                "Runtime.InvalidEntrypoint",
            )
            self._exited.set_result(-1)
            return
        os.close(write_fd)
        loop = asyncio.get_running_loop()
        loop.add_reader(read_fd, self._read_output)
        loop.create_task(self._watch_exit())
        if self._note:
            self._log_line(self._note)

    def _environment(self, port: int, paths: isolation.Paths, family: str) -> dict[str, str]:
        spec = self.spec
        env = {
            "PATH": f"/opt/bin:{os.environ.get('PATH', '/usr/local/bin:/usr/bin:/bin')}",
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "LD_LIBRARY_PATH": f"{paths.runtime_dir}:{paths.runtime_dir}/lib:{paths.task_root}:{paths.task_root}/lib:{paths.opt}/lib",
            "LAMBDA_TASK_ROOT": paths.task_root,
            "LAMBDA_RUNTIME_DIR": paths.runtime_dir,
            "_HANDLER": spec.handler or "",
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group,
            "AWS_LAMBDA_LOG_STREAM_NAME": self.stream,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_ACCESS_KEY_ID": spec.credentials[0],
            "AWS_SECRET_ACCESS_KEY": spec.credentials[1],
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "TMPDIR": paths.tmp if paths.tmp != "/tmp" else "/tmp",
            "HOME": paths.tmp,
        }
        if spec.log_format == "JSON":
            env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        if spec.application_log_level:
            env["AWS_LAMBDA_LOG_LEVEL"] = spec.application_log_level
        if family == "python":
            minor = runtimes.runtime_minor(spec.runtime)
            host = f"{sys.version_info.major}.{sys.version_info.minor}"
            entries = [f"{paths.opt}/python/lib/python{minor}/site-packages"]
            if host != minor:
                entries.append(f"{paths.opt}/python/lib/python{host}/site-packages")
            entries += [f"{paths.opt}/python", paths.runtime_dir]
            env["PYTHONPATH"] = ":".join(entries)
            env["PYTHONUNBUFFERED"] = "1"
            if paths.task_root != isolation.TASK_ROOT:
                # The shared code folder stands in for a read-only /var/task: no __pycache__ in it.
                env["PYTHONDONTWRITEBYTECODE"] = "1"
        elif family == "node":
            major = spec.runtime.removeprefix("nodejs").removesuffix(".x")
            env["NODE_PATH"] = ":".join(
                [
                    f"{paths.opt}/nodejs/node{major}/node_modules",
                    f"{paths.opt}/nodejs/node_modules",
                    f"{paths.runtime_dir}/node_modules",
                ]
            )
            preload = os.path.join(paths.runtime_dir, "sdk-v2-endpoint.cjs")
            if os.path.exists(os.path.join(self.runtime_dir, "sdk-v2-endpoint.cjs")):
                env["NODE_OPTIONS"] = f"--require {preload}"
        env.update(self.extra_env)
        env.update(dict(spec.environment))
        return env

    async def _watch_exit(self) -> None:
        assert self.process is not None
        code = await _wait_exit(self.process)
        self._drain()
        if not self._exited.done():
            self._exited.set_result(code)
        self.state = "dead"
        self._close_pipe()
        self.api.close()

    def kill(self) -> None:
        self.state = "dead"
        if self.process is not None and self.process.returncode is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.api.close()

    def cleanup(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    @property
    def alive(self) -> bool:
        return self.state in ("starting", "idle", "busy")

    async def initialize(self) -> bool:
        """Run init ahead of any invocation (provisioned concurrency): start, then wait until the
        runtime asks for its first event. True when it is ready; then it is idle and warm, so its
        first invocation reports no Init Duration."""
        await self.start()
        await self._wait_first(
            {self._ready, self._exited}, self.now() + INIT_GRACE_S + self.spec.timeout_s
        )
        if not self._ready.done() or self.state != "starting":
            return False
        self.state = "idle"
        self.cold = False
        self.last_used = self.now()
        self.flush_logs()  # init's own output is logged now, as AWS logs it at allocation
        return True

    # -- Runtime API callbacks ------------------------------------------
    def on_next(self) -> None:
        if not self._ready.done():
            self.init_duration_ms = (time.monotonic() - self._spawned_at) * 1000
            self._ready.set_result(True)

    def on_response(self, request_id: str, body: bytes) -> bool:
        return self._finish(request_id, body, None)

    def on_error(self, request_id: str, body: bytes, error_type: str | None) -> bool:
        if error_type is None:
            try:
                error_type = json.loads(body).get("errorType") or "Unhandled"
            except (ValueError, AttributeError):
                error_type = "Unhandled"
        return self._finish(request_id, body, error_type)

    def on_init_error(self, body: bytes, error_type: str | None) -> None:
        if error_type is None:
            try:
                error_type = json.loads(body).get("errorType") or "Runtime.Unknown"
            except (ValueError, AttributeError):
                error_type = "Runtime.Unknown"
        self._init_error = (body, error_type)

    def _finish(self, request_id: str, body: bytes, error_type: str | None) -> bool:
        if request_id != self._current or self._result is None or self._result.done():
            return False
        self._drain()  # everything printed before the response is in the pipe now
        self._result.set_result((body, error_type))
        return True

    # -- logs ---------------------------------------------------------------
    def _read_output(self) -> None:
        self._drain()

    def _drain(self) -> None:
        fd = self._read_fd
        if fd is None:
            return
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                break
            except OSError:
                break
            if not chunk:
                self._close_pipe()
                break
            self._partial += chunk
        if b"\n" in self._partial:
            *complete, self._partial = self._partial.split(b"\n")
            stamp = int(self.now() * 1000)
            for raw in complete:
                self._lines.append((stamp, raw.decode("utf-8", "replace")))

    def _close_pipe(self) -> None:
        if self._read_fd is not None:
            try:
                asyncio.get_running_loop().remove_reader(self._read_fd)
            except (RuntimeError, ValueError):
                pass
            os.close(self._read_fd)
            self._read_fd = None

    def _log_line(self, text: str) -> None:
        self._lines.append((int(self.now() * 1000), text))

    def _take_lines(self) -> list[tuple[int, str]]:
        self._drain()
        if self._partial:
            self._lines.append((int(self.now() * 1000), self._partial.decode("utf-8", "replace")))
            self._partial = b""
        lines, self._lines = self._lines, []
        return lines

    def flush_logs(self) -> list[tuple[int, str]]:
        lines = self._take_lines()
        if lines:
            self.log_sink(self.spec, self.stream, lines)
        return lines

    # -- invoking -------------------------------------------------------------
    async def invoke(self, inv: Invocation) -> Outcome:
        spec = self.spec
        self.state = "busy"
        cold = self.cold
        self.cold = False
        started = time.monotonic()
        deadline = self.now() + spec.timeout_s
        # The function measures its remaining time against its own (real) clock, not Strato's,
        # which `POST /_strato/clock` may have moved ahead.
        inv.deadline_ms = int((time.time() + spec.timeout_s) * 1000)
        init_ms = None
        if not self._ready.done():
            init_deadline = self.now() + INIT_GRACE_S + spec.timeout_s
            await self._wait_first({self._ready, self._exited}, init_deadline)
            if not self._ready.done():
                return self._init_failure(inv, started, init_deadline)
        if cold:
            init_ms = self.init_duration_ms
        self._log_line(f"START RequestId: {inv.request_id} Version: {spec.version}")
        self._current = inv.request_id
        self._result = asyncio.get_running_loop().create_future()
        started = time.monotonic()
        self.api.deliver(inv)
        reason = await self._wait_first({self._result, self._exited}, deadline, watch_memory=True)
        duration_ms = (time.monotonic() - started) * 1000
        peak = self._max_memory_mb()
        if self._result.done():
            body, error_type = self._result.result()
        elif reason == "memory":
            self.kill()
            body, error_type = _error(
                inv.request_id, "Runtime.OutOfMemory", "Runtime exited with error: signal: killed"
            )
        elif reason == "timeout":
            self.kill()
            self._log_line(
                f"{_iso_now()} {inv.request_id} Task timed out after {spec.timeout_s:.2f} seconds"
            )
            body = json.dumps(
                {
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": f"RequestId: {inv.request_id} Error: Task timed out after {spec.timeout_s:.2f} seconds",
                }
            ).encode()
            error_type = "Sandbox.Timedout"
        else:
            code = self._exited.result() if self._exited.done() else None
            self.state = "dead"
            body, error_type = _error(
                inv.request_id,
                "Runtime.ExitError",
                f"Runtime exited with error: {_exit_text(code)}",
            )
        self._current = None
        if self.state == "busy":
            self.state = "idle"
        self.last_used = self.now()
        lines = self._take_lines()
        lines.append((int(self.now() * 1000), f"END RequestId: {inv.request_id}"))
        report = (
            f"REPORT RequestId: {inv.request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Billed Duration: {max(1, int(duration_ms + 0.999))} ms\tMemory Size: {spec.memory_mb} MB\t"
            f"Max Memory Used: {peak} MB\t"
        )
        if init_ms is not None:
            report += f"Init Duration: {init_ms:.2f} ms\t"
        lines.append((int(self.now() * 1000), report))
        self.log_sink(spec, self.stream, lines)
        tail = "\n".join(text for _, text in lines) + "\n"
        return Outcome(
            payload=body,
            error_type=error_type,
            log_tail=tail,
            duration_ms=duration_ms,
            init_duration_ms=init_ms,
            max_memory_mb=peak,
            executed_version=spec.version,
        )

    def _init_failure(self, inv: Invocation, started: float, deadline: float) -> Outcome:
        if self._init_error is not None:
            body, error_type = self._init_error
        elif self.now() >= deadline:
            body, error_type = _error(inv.request_id, "Runtime.Unknown", "Init phase timed out")
        else:
            code = self._exited.result() if self._exited.done() else None
            body, error_type = _error(
                inv.request_id,
                "Runtime.ExitError",
                f"Runtime exited with error: {_exit_text(code)}",
            )
        self.kill()
        lines = self._take_lines()
        lines.append(
            (
                int(self.now() * 1000),
                f"INIT_REPORT Init Duration: {(time.monotonic() - started) * 1000:.2f} ms\tPhase: init\tStatus: error\tError Type: {error_type}",
            )
        )
        lines.append(
            (
                int(self.now() * 1000),
                f"START RequestId: {inv.request_id} Version: {self.spec.version}",
            )
        )
        lines.append((int(self.now() * 1000), f"END RequestId: {inv.request_id}"))
        lines.append(
            (
                int(self.now() * 1000),
                f"REPORT RequestId: {inv.request_id}\tDuration: {(time.monotonic() - started) * 1000:.2f} ms\tBilled Duration: 1 ms\tMemory Size: {self.spec.memory_mb} MB\tMax Memory Used: 0 MB\tStatus: error\tError Type: {error_type}",
            )
        )
        self.log_sink(self.spec, self.stream, lines)
        return Outcome(
            payload=body,
            error_type=error_type,
            log_tail="\n".join(t for _, t in lines) + "\n",
            executed_version=self.spec.version,
        )

    async def _wait_first(
        self, futures: set[asyncio.Future], deadline: float, watch_memory: bool = False
    ) -> str:
        """Wait for one of `futures`; 'timeout' at the (clock) deadline, 'memory' past the limit."""
        while True:
            if any(f.done() for f in futures):
                return "done"
            remaining = deadline - self.now()
            if remaining <= 0:
                return "timeout"
            await asyncio.wait(
                futures, timeout=min(_POLL_S, remaining), return_when=asyncio.FIRST_COMPLETED
            )
            if (
                watch_memory
                and not any(f.done() for f in futures)
                and self._rss_mb() > self.spec.memory_mb
            ):
                return "memory"

    def _status_kb(self, field: str) -> int:
        if self.process is None:
            return 0
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                for line in f:
                    if line.startswith(field):
                        return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
        return 0

    def _rss_mb(self) -> int:
        return self._status_kb("VmRSS:") // 1024

    def _max_memory_mb(self) -> int:
        return max(1, self._status_kb("VmHWM:") // 1024)


async def _wait_exit(process: subprocess.Popen) -> int:
    """The exit status, without a thread: a pidfd becomes readable when the process ends."""
    loop = asyncio.get_running_loop()
    try:
        pidfd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):
        while process.poll() is None:
            await asyncio.sleep(0.05)
        return process.returncode
    done = loop.create_future()
    loop.add_reader(pidfd, lambda: done.done() or done.set_result(None))
    try:
        if process.poll() is None:
            await done
    finally:
        loop.remove_reader(pidfd)
        os.close(pidfd)
    return process.wait()


def _needs_host_tmp(program: str, runtime_dir: str) -> bool:
    """A private /tmp would hide the host's /tmp: not if the runtime or its SDK lives there."""
    needed = [program, runtimes.host_python()]
    try:
        needed += [os.path.realpath(os.path.join(runtime_dir, n)) for n in os.listdir(runtime_dir)]
    except OSError:
        pass
    return any(p == "/tmp" or p.startswith("/tmp/") for p in needed)


def _error(request_id: str, error_type: str, message: str) -> tuple[bytes, str]:
    body = {"errorType": error_type, "errorMessage": f"RequestId: {request_id} Error: {message}"}
    return json.dumps(body).encode(), error_type


_SIGNAL_TEXT = {
    signal.SIGKILL: "killed",
    signal.SIGTERM: "terminated",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
}


def _exit_text(code: int | None) -> str:
    """The words AWS's (Go) runtime uses for how a process ended."""
    if code is None:
        return "exit status unknown"
    if code < 0:
        return f"signal: {_SIGNAL_TEXT.get(-code, str(-code))}"
    return f"exit status {code}"


def _iso_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
