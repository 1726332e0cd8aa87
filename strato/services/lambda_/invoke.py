"""Invoke: synchronous, asynchronous (a durable queue with retries) and dry runs."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import uuid
from typing import Any

from ...auth import AccessKey, RequestContext
from ...protocol import ServiceError
from ...runtime import code_cache
from ...runtime.invocation import Invocation, Outcome
from ...runtime.spec import FunctionSpec
from ...store import keys
from ...waiting import wait_event
from . import records
from .base import LambdaBase
from .errors import not_found, too_large

log = logging.getLogger("strato.lambda")

MAX_SYNC_PAYLOAD = 6 * 1024 * 1024
MAX_ASYNC_PAYLOAD = 256 * 1024
LOG_TAIL_BYTES = 4096
RETRY_DELAYS_S = (60.0, 120.0)  # AWS retries a failed asynchronous invocation after 1 and 2 minutes
DEFAULT_MAX_AGE_S = 21600
MAX_LINEAGE = 16  # AWS stops a recursive chain after about 16 invocations


def _bad_json(error: ValueError) -> ServiceError:
    return ServiceError(
        "InvalidRequestContentException",
        f"Could not parse request body into json: Could not parse payload into json: {error}",
        400,
        Type="User",
    )


class InvokeOperations(LambdaBase):
    async def invoke(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        record = self.function(ctx, name)
        kind = p.get("InvocationType") or "RequestResponse"
        body = p.get("Payload")
        payload = body if body else b"{}"
        if kind != "Event" and len(payload) > MAX_SYNC_PAYLOAD:
            raise too_large(
                f"Request must be smaller than {MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation"
            )
        if kind == "Event" and len(payload) > MAX_ASYNC_PAYLOAD:
            raise too_large(
                f"Request must be smaller than {MAX_ASYNC_PAYLOAD} bytes for the InvokeAsync operation"
            )
        try:
            json.loads(payload)
        except ValueError as e:
            raise _bad_json(e) from e
        version = self.route_alias(record, qualifier)
        config = self.version_config(ctx, record, version)
        if kind == "DryRun":
            return {"StatusCode": 204}
        trace_header = ctx.extras.get("trace_header")
        if kind == "Event":
            if not self.invoke_async(ctx, name, qualifier, payload, trace_header=trace_header):
                raise _recursion_stopped()
            return {"StatusCode": 202}
        lineage = self.chain_depth(ctx, record, trace_header, config)
        if lineage is None:
            raise _recursion_stopped()
        client_context = None
        if p.get("ClientContext"):
            try:
                client_context = base64.b64decode(p["ClientContext"]).decode()
            except ValueError as e:
                raise ServiceError(
                    "InvalidRequestContentException",
                    "Client context must be a valid Base64-encoded JSON object.",
                    400,
                ) from e
        outcome = await self.run(
            ctx, record, config, payload, ctx.request_id, qualifier, client_context, lineage
        )
        out: dict[str, Any] = {
            "StatusCode": 200,
            "Payload": outcome.payload,
            "ExecutedVersion": outcome.executed_version,
        }
        if outcome.failed:
            out["FunctionError"] = "Unhandled"
        if p.get("LogType") == "Tail":
            out["LogResult"] = base64.b64encode(
                outcome.log_tail.encode()[-LOG_TAIL_BYTES:]
            ).decode()
        return out

    async def run(
        self,
        ctx: RequestContext,
        record: dict[str, Any],
        config: dict[str, Any],
        payload: bytes,
        request_id: str,
        qualifier: str | None = None,
        client_context: str | None = None,
        lineage: int = 0,
    ) -> Outcome:
        """Run one invocation of a function version and wait for its outcome."""
        spec = self.function_spec(ctx, config, record)
        inv = Invocation(
            request_id=request_id,
            payload=payload,
            invoked_arn=records.function_arn(ctx, ctx.region, config["FunctionName"], qualifier),
            trace_id=f"Root=1-{int(self.clock.now()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0;Lineage={_lineage_tag(config)}:{lineage}",
            client_context=client_context,
            lineage=lineage,
        )
        try:
            outcome = await self.runtime.invoke(spec, inv, record.get("ReservedConcurrency"))
        except ServiceError as e:
            if e.status == 429:
                self.record_throttle(ctx.account_id, ctx.region, spec.name)
            raise
        self.record_invocation(spec, outcome, qualifier)
        return outcome

    def function_spec(
        self, ctx: RequestContext, config: dict[str, Any], record: dict[str, Any] | None = None
    ) -> FunctionSpec:
        """What the runtime needs to run `config`; pass the function `record` if you have it."""
        name = config["FunctionName"]
        version = config["Version"]
        if version == records.LATEST:
            code = (record or self.function(ctx, name))["Code"]
        else:
            code = self.store.get(
                records.VERSIONS, records.version_key(ctx.account_id, ctx.region, name, version)
            )["Code"]
        code_dir = self._unpacked(code["Sha256Hex"], code["Blob"])
        layers = [(layer["_Sha"], layer["_Blob"]) for layer in config.get("Layers") or []]
        layers_dir = None
        if layers:
            layers_dir = code_cache.merged_layers(
                self.store.scratch_dir("lambda-layers"),
                [(sha, self._read_blob(blob)) for sha, blob in layers],
            )
        logging_config = config.get("LoggingConfig") or {}
        return FunctionSpec(
            account_id=ctx.account_id,
            region=ctx.region,
            name=name,
            version=version,
            arn=records.function_arn(ctx, ctx.region, name),
            runtime=config.get("Runtime") or "provided.al2023",
            handler=config.get("Handler") or "",
            memory_mb=config["MemorySize"],
            timeout_s=float(config["Timeout"]),
            code_dir=code_dir,
            layers_dir=layers_dir,
            log_group=logging_config.get("LogGroup") or f"/aws/lambda/{name}",
            revision=_runtime_revision(config),
            environment=tuple(
                sorted(((config.get("Environment") or {}).get("Variables") or {}).items())
            ),
            credentials=self._credentials(ctx.account_id),
            ephemeral_mb=(config.get("EphemeralStorage") or {}).get("Size", 512),
            log_format=logging_config.get("LogFormat", "Text"),
            application_log_level=logging_config.get("ApplicationLogLevel"),
        )

    def _unpacked(self, sha_hex: str, blob_id: str) -> str:
        scratch = self.__dict__.get("_code_scratch") or self.__dict__.setdefault(
            "_code_scratch", self.store.scratch_dir("lambda-code")
        )
        path = os.path.join(scratch, sha_hex)
        if os.path.isdir(path):
            return path
        return code_cache.unpack(scratch, sha_hex, self._read_blob(blob_id))

    def _read_blob(self, blob_id: str) -> bytes:
        with self.store.blobs.open(blob_id) as f:
            return f.read()

    def _credentials(self, account_id: str) -> tuple[str, str]:
        """An access key of the function's account (Strato has no STS sessions yet)."""
        cache = self.__dict__.setdefault("_credential_cache", {})
        if account_id not in cache:
            cache[account_id] = self._find_credentials(account_id)
        return cache[account_id]

    def _find_credentials(self, account_id: str) -> tuple[str, str]:
        accounts = self.platform.accounts
        for key in accounts.all():
            if key.account_id == account_id:
                return key.access_key_id, key.secret_access_key
        key = AccessKey(f"ASIA{uuid.uuid4().hex[:16].upper()}", uuid.uuid4().hex, account_id)
        accounts.add(key)
        return key.access_key_id, key.secret_access_key

    # -- recursion detection -------------------------------------------------------------
    def chain_depth(
        self,
        ctx: RequestContext,
        record: dict[str, Any],
        trace_header: str | None,
        config: dict[str, Any],
    ) -> int | None:
        """The depth an invocation caused by a call carrying `trace_header` runs at, or None
        when Lambda stops the recursive chain there (logged in the function's log group)."""
        lineage = lineage_of(trace_header) + 1
        if lineage >= MAX_LINEAGE and record.get("RecursiveLoop", "Terminate") == "Terminate":
            self.stop_recursion(ctx, config, lineage)
            return None
        return lineage

    def invoke_async(
        self,
        ctx: RequestContext,
        name: str,
        qualifier: str | None,
        payload: bytes,
        *,
        trace_header: str | None,
        request_id: str | None = None,
    ) -> bool:
        """Queue one asynchronous invocation of `name` (in ctx's account and region) caused by a
        call carrying `trace_header` (X-Amzn-Trace-Id; None when there was none). False when
        Lambda stopped a recursive chain instead. Raises ServiceError (ResourceNotFound) for a
        function or qualifier that does not exist. Joins the caller's store transaction."""
        record = self.function(ctx, name)
        config = self.version_config(ctx, record, self.route_alias(record, qualifier))
        lineage = self.chain_depth(ctx, record, trace_header, config)
        if lineage is None:
            return False
        request_id = request_id or ctx.request_id or str(uuid.uuid4())
        self.enqueue(ctx, name, qualifier, payload, request_id, lineage=lineage)
        return True

    # -- asynchronous invocations ------------------------------------------------------
    def enqueue(
        self,
        ctx: RequestContext,
        name: str,
        qualifier: str | None,
        payload: bytes,
        request_id: str,
        attempt: int = 0,
        first_ms: int | None = None,
        lineage: int = 0,
    ) -> None:
        """Store one invocation for the worker; `run` puts `lineage` (the chain depth) into the
        invocation's X-Amzn-Trace-Id, so calls the function makes carry it on. New callers
        use `invoke_async`, which applies the recursion check first."""
        now_ms = self.clock.now_ms()
        item = {
            "Id": request_id,
            "Account": ctx.account_id,
            "Region": ctx.region,
            "Function": name,
            "Qualifier": qualifier,
            "Payload": base64.b64encode(payload).decode(),
            "Attempt": attempt,
            "FirstMs": first_ms or now_ms,
            "Principal": ctx.principal_arn,
            "Lineage": lineage,
        }
        self.store.put(records.ASYNC, keys.pack(f"{now_ms:016d}", request_id), item)
        self._wake.set()

    async def _async_worker(self) -> None:
        while True:
            try:
                await self._run_due()
            except Exception:
                log.exception("asynchronous invocation worker failed; retrying")
            self._wake.clear()
            await wait_event(self._wake, 0.25)

    async def _run_due(self) -> None:
        while True:
            now_ms = self.clock.now_ms()
            due = next(
                iter(self.store.scan(records.ASYNC, b"", keys.pack(f"{now_ms + 1:016d}"), limit=1)),
                None,
            )
            if due is None:
                return
            raw, item = due
            # Lease it: if Strato dies mid-invocation the item comes back after the lease.
            with self.store.transaction():
                self.store.delete(records.ASYNC, raw)
                lease_ms = now_ms + 15 * 60 * 1000 + 60_000
                self.store.put(records.ASYNC, keys.pack(f"{lease_ms:016d}", item["Id"]), item)
            asyncio.get_running_loop().create_task(
                self._attempt(item, keys.pack(f"{lease_ms:016d}", item["Id"]))
            )

    async def _attempt(self, item: dict[str, Any], lease_key: bytes) -> None:
        ctx = RequestContext(
            item["Account"], item["Region"], item["Principal"], None, item["Id"], service="lambda"
        )
        payload = base64.b64decode(item["Payload"])
        failed = True
        outcome: Outcome | None = None
        error: ServiceError | None = None
        try:
            record = self.function(ctx, item["Function"])
            version = self.route_alias(record, item["Qualifier"])
            config = self.version_config(ctx, record, version)
            outcome = await self.run(
                ctx,
                record,
                config,
                payload,
                item["Id"],
                item["Qualifier"],
                lineage=item.get("Lineage", 0),
            )
            failed = outcome.failed
        except ServiceError as e:
            if e.status == 404:
                self.store.delete(records.ASYNC, lease_key)
                return
            error = e
            log.warning("asynchronous invocation %s failed: %s", item["Id"], e)
        except Exception:
            log.exception("asynchronous invocation %s failed", item["Id"])
        with self.store.transaction():
            self.store.delete(records.ASYNC, lease_key)
            if not failed:
                self.deliver_result(ctx, item, payload, outcome, "Success")
                return
            attempt = item["Attempt"] + 1
            max_retries, max_age = self._retry_policy(ctx, item)
            age_s = (self.clock.now_ms() - item["FirstMs"]) / 1000
            delay = RETRY_DELAYS_S[min(attempt - 1, len(RETRY_DELAYS_S) - 1)]
            if attempt <= max_retries and age_s + delay < max_age:
                due_ms = self.clock.now_ms() + int(delay * 1000)
                self.store.put(
                    records.ASYNC,
                    keys.pack(f"{due_ms:016d}", item["Id"]),
                    {**item, "Attempt": attempt},
                )
                return
            # Out of retries, or too old by the next one: OnFailure destination or dead-letter queue.
            condition = "RetriesExhausted" if attempt > max_retries else "EventAgeExceeded"
            log.info(
                "asynchronous invocation %s of %s dropped after %d attempts (%s)",
                item["Id"],
                item["Function"],
                attempt,
                condition,
            )
            self.deliver_result(ctx, item, payload, outcome, condition, error)

    def _retry_policy(self, ctx: RequestContext, item: dict[str, Any]) -> tuple[int, float]:
        try:
            record = self.function(ctx, item["Function"])
        except ServiceError:
            return 0, 0
        config = (record.get("EventInvokeConfig") or {}).get(
            item["Qualifier"] or records.LATEST
        ) or {}
        return config.get("MaximumRetryAttempts", 2), config.get(
            "MaximumEventAgeInSeconds", DEFAULT_MAX_AGE_S
        )

    def stop_recursion(self, ctx: RequestContext, config: dict[str, Any], depth: int) -> None:
        """Say in the function's log why a recursive chain was stopped (AWS does the same)."""
        name = config["FunctionName"]
        log.warning("stopped a recursive invocation chain of %s at depth %d", name, depth)
        self.record_recursion_stop(ctx.account_id, ctx.region, name)
        group = (config.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}"
        logs = self.platform.providers.get("logs")
        append = getattr(logs, "append_events", None)
        if append is not None:
            append(
                ctx.account_id,
                ctx.region,
                group,
                "recursion-detection",
                [
                    (
                        self.clock.now_ms(),
                        f"Lambda stopped a recursive invocation of {name} after {depth} invocations in one chain.",
                    )
                ],
            )

    def get_function_recursion_config(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        return {"RecursiveLoop": self.function(ctx, name).get("RecursiveLoop", "Terminate")}

    def put_function_recursion_config(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        if p["RecursiveLoop"] not in ("Allow", "Terminate"):
            raise ServiceError(
                "ValidationException",
                f"1 validation error detected: Value '{p['RecursiveLoop']}' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Allow, Terminate]",
                400,
            )
        with self.store.transaction():
            record = self.function(ctx, name)
            record["RecursiveLoop"] = p["RecursiveLoop"]
            self.save(ctx, record)
        return {"RecursiveLoop": p["RecursiveLoop"]}

    def code_location(self, ctx: RequestContext, name: str, config: dict[str, Any]) -> str:
        token = base64.urlsafe_b64encode(
            json.dumps([ctx.account_id, ctx.region, name, config["Version"]]).encode()
        ).decode()
        return f"{self.endpoint_url()}/_strato/lambda/code/{token}"

    def layer_location(self, ctx: RequestContext, record: dict[str, Any]) -> str:
        token = base64.urlsafe_b64encode(json.dumps(["layer", record["Blob"]]).encode()).decode()
        return f"{self.endpoint_url()}/_strato/lambda/code/{token}"

    def endpoint_url(self) -> str:
        s = self.platform.settings
        host = "127.0.0.1" if s.host in ("0.0.0.0", "::", "") else s.host
        return f"http://{host}:{s.port}"

    def code_download(self, token: str) -> bytes:
        """The zip behind a code location URL (GetFunction, GetLayerVersion)."""
        try:
            parts = json.loads(base64.urlsafe_b64decode(token.encode()))
        except ValueError as e:
            raise not_found(token, "Code") from e
        if parts[0] == "layer":
            return self._read_blob(parts[1])
        account, region, name, version = parts
        ctx = RequestContext(account, region, "", None, "", service="lambda")
        record = self.function(ctx, name)
        if version == records.LATEST:
            return self._read_blob(record["Code"]["Blob"])
        found = self.store.get(
            records.VERSIONS, records.version_key(account, region, name, version)
        )
        if found is None:
            raise not_found(name)
        return self._read_blob(found["Code"]["Blob"])


def _recursion_stopped() -> ServiceError:
    return ServiceError(
        "RecursiveInvocationException",
        "Lambda has detected your function being invoked in a recursive loop with other AWS "
        "resources and stopped your function's invocation.",
        400,
        Type="User",
    )


def lineage_header(lineage: int) -> str:
    """A trace header carrying only a chain depth (for callers that know the depth, not a header)."""
    return f"Lineage=0:{lineage}"


def lineage_of(trace_header: str | None) -> int:
    """The recursion depth a call carries in its X-Amzn-Trace-Id (`Lineage=<tag>:<depth>`)."""
    for part in (trace_header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == "Lineage":
            try:
                return int(value.rpartition(":")[2])
            except ValueError:
                return 0
    return -1


def _lineage_tag(config: dict[str, Any]) -> str:
    return hashlib.sha256(config["FunctionArn"].encode()).hexdigest()[:8]


# Fields that change without changing what an environment runs (a policy edit bumps RevisionId).
_NOT_RUNTIME = {
    "RevisionId",
    "LastModified",
    "State",
    "StateReason",
    "StateReasonCode",
    "LastUpdateStatus",
    "LastUpdateStatusReason",
    "LastUpdateStatusReasonCode",
}


def _runtime_revision(config: dict[str, Any]) -> str:
    """Changes exactly when code or configuration an environment depends on changes."""
    relevant = {k: v for k, v in config.items() if k not in _NOT_RUNTIME}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode()).hexdigest()[
        :16
    ]
