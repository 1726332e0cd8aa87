"""The Lambda provider: functions, versions and aliases, layers, invocations, policies,
asynchronous invocation settings and provisioned concurrency; the runtime runs them."""

from __future__ import annotations

import asyncio
import contextlib

from ...protocol import HttpRequest, HttpResponse, ServiceError
from ...runtime import isolation
from ...runtime.pool import RuntimeManager
from ...runtime.runtimes import family
from ...runtime.sdk import NodeSdk, node_generation, python_runtime_dir
from ...runtime.spec import FunctionSpec
from .destinations import DestinationDelivery
from .event_config import EventConfigOperations
from .event_sources import EventSourceOperations
from .functions import FunctionOperations
from .invoke import InvokeOperations
from .layers import LayerOperations
from .permissions import PermissionOperations
from .provisioned import ProvisionedOperations
from .telemetry import Telemetry
from .versions import VersionOperations


class LambdaProvider(
    FunctionOperations,
    VersionOperations,
    LayerOperations,
    InvokeOperations,
    Telemetry,
    PermissionOperations,
    EventConfigOperations,
    DestinationDelivery,
    ProvisionedOperations,
    EventSourceOperations,
):
    def __init__(self, platform) -> None:
        super().__init__(platform)
        scratch = self.store.scratch_dir("runtime")
        self._sdk_scratch = self.store.scratch_dir("runtime-sdk")
        self.node_sdk = NodeSdk(self._sdk_scratch)
        self.runtime = RuntimeManager(
            scratch=scratch,
            endpoint_url=self.endpoint_url,
            now=self.clock.now,
            log_sink=self._write_logs,
            runtime_dir=self._runtime_dir,
            account_limit=platform.settings.lambda_concurrency_limit,
            keepalive_s=platform.settings.lambda_keepalive_s,
        )
        self._wake = asyncio.Event()
        self._worker: asyncio.Task | None = None
        self._python_dir: str | None = None
        self._provisioning: set[asyncio.Task] = set()

    async def start(self) -> None:
        await self.runtime.start()
        self.restore_provisioned()
        self._worker = asyncio.get_running_loop().create_task(self._async_worker())
        self.start_event_sources()

    async def stop(self) -> None:
        for task in list(self._provisioning):
            task.cancel()
        await self.stop_event_sources()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        await self.runtime.stop()
        self.flush_reports()  # the last invocations' logs and metrics

    def isolation(self) -> str:
        return isolation.describe()

    def retire(self, ctx, name: str) -> None:
        """Code or configuration changed: environments of the old one are not reused.
        Provisioned environments of deleted versions (or a deleted function) are released."""
        self.runtime.retire_function(ctx.account_id, ctx.region, name)
        self.reconcile_provisioned(ctx.account_id, ctx.region, name)

    def _runtime_dir(self, spec: FunctionSpec):
        kind = family(spec.runtime)
        if kind == "node":
            generation = node_generation(spec.runtime)
            path = self.node_sdk.runtime_dir(generation)
            return _after(self.node_sdk.ensure(generation), path)
        if self._python_dir is None:
            self._python_dir = python_runtime_dir(self._sdk_scratch)
        return self._python_dir

    # -- /_strato/lambda/code/<token>: where GetFunction's Code.Location points ------------
    def handle_internal(self, req: HttpRequest) -> HttpResponse | None:
        prefix = "/_strato/lambda/code/"
        if not req.raw_path.startswith(prefix):
            return None
        try:
            data = self.code_download(req.raw_path[len(prefix) :])
        except ServiceError:
            return HttpResponse(
                status=404, headers=[("Content-Type", "text/plain")], body=b"no such code"
            )
        return HttpResponse(status=200, headers=[("Content-Type", "application/zip")], body=data)


async def _after(task: asyncio.Task, value: str) -> str:
    await task
    return value
