"""Executions: start (Standard, Express, sync), describe, list, history, stop."""

from __future__ import annotations

import json
import uuid
from typing import Any

from ...asl.payload import to_json
from ...auth import RequestContext
from ...store import keys
from . import records
from .errors import (
    execution_exists,
    execution_not_found,
    invalid_input,
    machine_not_found,
    not_redrivable,
    type_not_supported,
    validation,
)
from .naming import check_name, parse_execution_arn, parse_machine_arn
from .pagination import page, with_token
from .runner import Live, Runner

MAX_INPUT_BYTES = 256 * 1024
_NOT_SUPPORTED = "This operation is not supported by this type of state machine"


class Executions:
    store: Any
    clock: Any
    runner: Runner
    resolve_target: Any
    machine_record: Any
    list_map_run_executions: Any

    # -- starting ------------------------------------------------------------------------
    def _parse_input(self, text: str | None) -> tuple[str, Any]:
        text = "{}" if text is None else text
        if len(text.encode()) > MAX_INPUT_BYTES:
            raise validation(
                "1 validation error detected: Value at 'input' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_INPUT_BYTES}"
            )
        try:
            return text, json.loads(text)
        except ValueError as exc:
            raise invalid_input(str(exc)) from None

    def _start_time(self) -> float:
        """Now, but after every earlier start, so ListExecutions' order is the start order."""
        last = getattr(self, "_last_start", 0.0)
        now = max(self.clock.now(), last + 0.001)
        self._last_start = now
        return now

    def _launch(
        self, account: str, region: str, arn: str, name: str | None, text: str | None, *, sync: bool
    ) -> Live | dict:
        """Start an execution: its Live, or the existing record for an idempotent repeat."""
        arn, _, test_case = arn.partition("#")  # SFN_MOCK_CONFIG's `arn#TestCase`
        ref = parse_machine_arn(arn)
        name = name if name is not None else str(uuid.uuid4())
        check_name(name)
        text, value = self._parse_input(text)
        target = self.resolve_target(arn)
        machine = target["machine"]
        express = machine["type"] == "EXPRESS"
        if sync and not express:
            raise type_not_supported(_NOT_SUPPORTED)
        base = records.machine_arn(ref.account, ref.region, ref.name)
        execution_arn = records.execution_arn(base, name, express=express)
        if express:
            execution_arn += f":{uuid.uuid4()}"  # AWS's express ARNs end in a run id
        else:
            existing = self.store.get(records.EXECUTIONS, keys.pack(execution_arn))
            if existing is not None:
                if existing["status"] == "RUNNING" and existing["input"] == text:
                    return existing
                raise execution_exists(execution_arn)
        meta = {
            "executionArn": execution_arn,
            "stateMachineArn": base,
            "machineArn": base,
            "name": name,
            "status": "RUNNING",
            "startDate": self._start_time(),
            "input": text,
            "definition": target["definition"],
            "roleArn": target["roleArn"],
            "account": ref.account,
            "region": ref.region,
            "type": machine["type"],
            "redriveCount": 0,
            "revisionId": target["revisionId"],
        }
        for field in ("stateMachineVersionArn", "stateMachineAliasArn"):
            if target.get(field):
                meta[field] = target[field]
        if test_case:
            meta["testCase"] = test_case
        return self.runner.create(meta, target["definition"], value, express)

    def start_execution(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        started = self._launch(
            ctx.account_id,
            ctx.region,
            params["stateMachineArn"],
            params.get("name"),
            params.get("input"),
            sync=False,
        )
        meta = started.meta if isinstance(started, Live) else started
        return {"executionArn": meta["executionArn"], "startDate": meta["startDate"]}

    def start_execution_internal(
        self,
        account: str,
        region: str,
        state_machine_arn: str,
        input_json: str,
        name: str | None = None,
    ) -> str:
        """For other services (EventBridge targets, child executions): the execution's ARN.

        Raises ServiceError as StartExecution would."""
        started = self._launch(account, region, state_machine_arn, name, input_json, sync=False)
        return (started.meta if isinstance(started, Live) else started)["executionArn"]

    async def start_sync_execution(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        live = self._launch(
            ctx.account_id,
            ctx.region,
            params["stateMachineArn"],
            params.get("name"),
            params.get("input"),
            sync=True,
        )
        assert isinstance(live, Live) and live.done is not None
        meta = await live.done
        out = _view(meta, include_data=params.get("includedData") != "METADATA_ONLY")
        for field in ("stateMachineVersionArn", "stateMachineAliasArn", "redriveCount"):
            out.pop(field, None)
        duration = max(0, int((meta["stopDate"] - meta["startDate"]) * 1000))
        out["billingDetails"] = {
            "billedMemoryUsedInMB": 64,
            "billedDurationInMilliseconds": max(100, -(-duration // 100) * 100),
        }
        if params.get("traceHeader"):
            out["traceHeader"] = params["traceHeader"]
        return out

    # -- reading -------------------------------------------------------------------------
    def execution_meta(self, arn: str) -> dict | None:
        live = self.runner.live.get(arn)
        if live is not None:
            meta = dict(live.meta)
            if live.express:
                return meta
            return self.store.get(records.EXECUTIONS, keys.pack(arn)) or meta
        return self.store.get(records.EXECUTIONS, keys.pack(arn))

    def _require_execution(self, arn: str) -> dict:
        parse_execution_arn(arn)
        meta = self.execution_meta(arn)
        if meta is None:
            raise execution_not_found(arn)
        return meta

    def describe_execution(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        meta = self._require_execution(params["executionArn"])
        out = _view(meta, include_data=params.get("includedData") != "METADATA_ONLY")
        reason = _not_redrivable(meta)
        out["redriveStatus"] = "NOT_REDRIVABLE" if reason else "REDRIVABLE"
        if reason:
            out["redriveStatusReason"] = reason
        if meta.get("redriveDate"):
            out["redriveDate"] = meta["redriveDate"]
        return out

    def describe_state_machine_for_execution(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict:
        meta = self._require_execution(params["executionArn"])
        ref = parse_machine_arn(meta["machineArn"])
        machine = self.machine_record(ref) or {}
        out = {
            "stateMachineArn": meta["machineArn"],
            "name": ref.name,
            "definition": meta["definition"],
            "roleArn": meta["roleArn"],
            "updateDate": machine.get("updateDate", machine.get("creationDate", meta["startDate"])),
            "loggingConfiguration": machine.get("loggingConfiguration")
            or {"level": "OFF", "includeExecutionData": False},
            "tracingConfiguration": machine.get("tracingConfiguration") or {"enabled": False},
        }
        if meta.get("revisionId"):
            out["revisionId"] = meta["revisionId"]
        return out

    def list_executions(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = params.get("stateMachineArn")
        if not arn and params.get("mapRunArn"):
            return self.list_map_run_executions(params)
        if not arn:
            raise validation("Must provide a StateMachine ARN or MapRun ARN")
        ref = parse_machine_arn(arn)
        machine = self.machine_record(ref)
        if machine is None:
            raise machine_not_found(arn)
        if machine["type"] == "EXPRESS":
            raise type_not_supported(_NOT_SUPPORTED)
        lo, hi = keys.prefix_range(ref.base_arn)
        wanted = params.get("statusFilter")
        items = []
        for key, _ in self.store.scan(records.BY_MACHINE, lo, hi, reverse=True):
            meta = self.store.get(records.EXECUTIONS, keys.pack(keys.unpack(key)[2]))
            if meta is None or (wanted and meta["status"] != wanted):
                continue
            redriven = meta.get("redriveCount", 0) > 0
            if params.get("redriveFilter") == "REDRIVEN" and not redriven:
                continue
            if params.get("redriveFilter") == "NOT_REDRIVEN" and redriven:
                continue
            if ref.version is not None and meta.get("stateMachineVersionArn") != arn:
                continue
            if ref.alias is not None and meta.get("stateMachineAliasArn") != arn:
                continue
            item = {
                "executionArn": meta["executionArn"],
                "stateMachineArn": meta["stateMachineArn"],
                "name": meta["name"],
                "status": meta["status"],
                "startDate": meta["startDate"],
                "redriveCount": meta.get("redriveCount", 0),
            }
            if meta.get("stopDate"):
                item["stopDate"] = meta["stopDate"]
            for field in ("stateMachineVersionArn", "stateMachineAliasArn"):
                if meta.get(field):
                    item[field] = meta[field]
            items.append(item)
        chunk, token = page(items, params)
        return with_token({"executions": chunk}, token)

    def get_execution_history(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = params["executionArn"]
        meta = self._require_execution(arn)
        live = self.runner.live.get(arn)
        if meta.get("type") == "EXPRESS":
            events = list(live.execution.events) if live and live.execution else []
        else:
            lo, hi = keys.prefix_range(arn)
            events = [e for _, e in self.store.scan(records.HISTORY, lo, hi)]
        if params.get("reverseOrder"):
            events.reverse()
        if params.get("includeExecutionData") is False:
            events = [_without_data(e) for e in events]
        chunk, token = page(events, params)
        return with_token({"events": chunk}, token)

    def redrive_execution(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = params["executionArn"]
        meta = self._require_execution(arn)
        reason = _not_redrivable(meta)
        if reason:
            raise not_redrivable(f"Execution {arn} cannot be redriven: {reason}")
        live = self.runner.redrive(meta)
        if live is None:
            raise not_redrivable(f"Execution {arn} cannot be redriven: its state was not kept")
        return {"redriveDate": live.meta["redriveDate"]}

    def stop_execution(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = params["executionArn"]
        meta = self._require_execution(arn)
        live = self.runner.live.get(arn)
        if live is None or live.execution is None or meta["status"] != "RUNNING":
            return {"stopDate": meta.get("stopDate") or self.clock.now()}  # already closed
        live.execution.stop(params.get("error"), params.get("cause"))
        self.runner.finish_now(live)
        return {"stopDate": live.meta["stopDate"]}


def _not_redrivable(meta: dict) -> str | None:
    if meta.get("type") == "EXPRESS":
        return "Express executions cannot be redriven"
    if meta["status"] in ("RUNNING", "SUCCEEDED"):
        return f"Execution is {meta['status']} and cannot be redriven"
    return None


def _view(meta: dict, include_data: bool = True) -> dict:
    out: dict[str, Any] = {
        "executionArn": meta["executionArn"],
        "stateMachineArn": meta["stateMachineArn"],
        "name": meta["name"],
        "status": meta["status"],
        "startDate": meta["startDate"],
        "redriveCount": meta.get("redriveCount", 0),
    }
    if include_data:
        out["input"] = meta["input"]
        out["inputDetails"] = {"included": True}
    if meta.get("stopDate") is not None:
        out["stopDate"] = meta["stopDate"]
    if meta["status"] == "SUCCEEDED" and include_data:
        out["output"] = to_json(meta.get("output"))
        out["outputDetails"] = {"included": True}
    if meta.get("error") is not None:
        out["error"] = meta["error"]
    if meta.get("cause") is not None:
        out["cause"] = meta["cause"]
    for field in ("stateMachineVersionArn", "stateMachineAliasArn"):
        if meta.get(field):
            out[field] = meta[field]
    return out


def _without_data(event: dict) -> dict:
    out = {}
    for key, value in event.items():
        if isinstance(value, dict) and key.endswith("EventDetails"):
            value = {
                k: v
                for k, v in value.items()
                if k not in ("input", "output", "inputDetails", "outputDetails", "parameters")
            }
        out[key] = value
    return out
