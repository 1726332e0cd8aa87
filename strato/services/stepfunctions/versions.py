"""State machine versions (immutable snapshots of a revision) and aliases routing to them."""

from __future__ import annotations

import random
import re
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import records
from .errors import (
    conflict,
    invalid_arn,
    invalid_name,
    machine_not_found,
    resource_not_found,
    validation,
)
from .naming import MachineRef, parse_machine_arn
from .pagination import page, with_token

_ALIAS_NAME = re.compile(r"^(?=.*[a-zA-Z_-])[a-zA-Z0-9_-]{1,80}$")


class Versions:
    store: Any
    clock: Any

    def version_record(self, ref: MachineRef) -> dict | None:
        assert ref.version is not None
        return self.store.get(
            records.VERSIONS, records.version_key(ref.account, ref.region, ref.name, ref.version)
        )

    def alias_record(self, ref: MachineRef) -> dict | None:
        assert ref.alias is not None
        return self.store.get(
            records.ALIASES, records.alias_key(ref.account, ref.region, ref.name, ref.alias)
        )

    def publish_version(
        self, tx: Any, account: str, region: str, machine: dict, description: str | None
    ) -> dict:
        """A new version of the machine's current revision (or the latest, if it is that)."""
        latest = machine.get("latestVersion")
        if latest:
            record = tx.get(
                records.VERSIONS, records.version_key(account, region, machine["name"], latest)
            )
            if record is not None and record["revisionId"] == machine["revisionId"]:
                return record
        number = machine.get("nextVersion", 1)
        record = {
            "stateMachineVersionArn": f"{machine['stateMachineArn']}:{number}",
            "version": number,
            "definition": machine["definition"],
            "roleArn": machine["roleArn"],
            "revisionId": machine["revisionId"],
            "creationDate": self.clock.now(),
            "loggingConfiguration": machine.get("loggingConfiguration"),
            "tracingConfiguration": machine.get("tracingConfiguration"),
        }
        if description:
            record["description"] = description
        tx.put(
            records.VERSIONS, records.version_key(account, region, machine["name"], number), record
        )
        machine["nextVersion"] = number + 1
        machine["latestVersion"] = number
        return record

    # -- versions ---------------------------------------------------------------------------
    def publish_state_machine_version(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        ref = parse_machine_arn(params["stateMachineArn"])
        if ref.version is not None or ref.alias is not None:
            raise validation(
                "Invalid State Machine Arn: a version is published from the state machine"
            )
        key = records.machine_key(ref.account, ref.region, ref.name)
        with self.store.transaction() as tx:
            machine = tx.get(records.MACHINES, key)
            if machine is None:
                raise machine_not_found(ref.base_arn)
            wanted = params.get("revisionId")
            if wanted and wanted != machine["revisionId"]:
                raise conflict(
                    f"Failed to publish the State Machine version for revision {wanted}. "
                    f"The current State Machine revision is {machine['revisionId']}."
                )
            record = self.publish_version(
                tx, ref.account, ref.region, machine, params.get("description")
            )
            tx.put(records.MACHINES, key, machine)
        return {
            "creationDate": record["creationDate"],
            "stateMachineVersionArn": record["stateMachineVersionArn"],
        }

    def list_state_machine_versions(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        ref = parse_machine_arn(params["stateMachineArn"])
        if ref.version is not None or ref.alias is not None:
            raise invalid_arn(
                f"Resource type not valid in this context: {params['stateMachineArn']}"
            )
        lo, hi = keys.prefix_range(ref.account, ref.region, ref.name)
        items = [
            {
                "stateMachineVersionArn": v["stateMachineVersionArn"],
                "creationDate": v["creationDate"],
            }
            for _, v in self.store.scan(records.VERSIONS, lo, hi, reverse=True)
        ]
        chunk, token = page(items, params)
        return with_token({"stateMachineVersions": chunk}, token)

    def delete_state_machine_version(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = params["stateMachineVersionArn"]
        ref = parse_machine_arn(arn)
        if ref.version is None:
            raise invalid_arn(f"Resource type not valid in this context: {arn}")
        with self.store.transaction() as tx:
            lo, hi = keys.prefix_range(ref.account, ref.region, ref.name)
            users = [
                a["stateMachineAliasArn"]
                for _, a in tx.scan(records.ALIASES, lo, hi)
                if any(r["stateMachineVersionArn"] == arn for r in a["routingConfiguration"])
            ]
            if users:
                raise conflict(
                    f"Version to be deleted must not be referenced by an alias. Current list of "
                    f"aliases referencing this version: {users}"
                )
            tx.delete(
                records.VERSIONS,
                records.version_key(ref.account, ref.region, ref.name, ref.version),
            )
        return {}

    # -- aliases ----------------------------------------------------------------------------
    def _check_routing(self, routing: list[dict]) -> MachineRef:
        if not 1 <= len(routing) <= 2:
            raise validation("Routing configuration must contain one or two versions")
        refs = [parse_machine_arn(r["stateMachineVersionArn"]) for r in routing]
        for r, ref in zip(routing, refs, strict=True):
            if ref.version is None:
                raise invalid_arn(
                    f"Resource type not valid in this context: {r['stateMachineVersionArn']}"
                )
            if self.version_record(ref) is None:
                raise resource_not_found(r["stateMachineVersionArn"])
        if len({ref.base_arn for ref in refs}) != 1:
            raise validation(
                "All versions in a routing configuration must belong to one state machine"
            )
        if len({ref.version for ref in refs}) != len(refs):
            raise validation("Routing configuration must contain distinct versions")
        if sum(r["weight"] for r in routing) != 100:
            raise validation("Sum of routing configuration weights must be equal to 100")
        return refs[0]

    def create_state_machine_alias(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["name"]
        if not _ALIAS_NAME.match(name):
            raise invalid_name(name)
        routing = params["routingConfiguration"]
        ref = self._check_routing(routing)
        arn = f"{ref.base_arn}:{name}"
        key = records.alias_key(ref.account, ref.region, ref.name, name)
        with self.store.transaction() as tx:
            existing = tx.get(records.ALIASES, key)
            if existing is not None:
                if existing["routingConfiguration"] == routing and existing.get(
                    "description"
                ) == params.get("description"):
                    return {"stateMachineAliasArn": arn, "creationDate": existing["creationDate"]}
                raise conflict(
                    "Failed to create alias because an alias with the same name and a different routing configuration already exists."
                )
            now = self.clock.now()
            record = {
                "stateMachineAliasArn": arn,
                "name": name,
                "routingConfiguration": routing,
                "creationDate": now,
                "updateDate": now,
            }
            if params.get("description"):
                record["description"] = params["description"]
            tx.put(records.ALIASES, key, record)
        return {"stateMachineAliasArn": arn, "creationDate": now}

    def _require_alias(self, arn: str) -> tuple[MachineRef, dict]:
        ref = parse_machine_arn(arn)
        if ref.alias is None:
            raise invalid_arn(f"Resource type not valid in this context: {arn}")
        record = self.alias_record(ref)
        if record is None:
            raise resource_not_found(arn)
        return ref, record

    def describe_state_machine_alias(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        _, record = self._require_alias(params["stateMachineAliasArn"])
        return dict(record)

    def update_state_machine_alias(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        if params.get("description") is None and params.get("routingConfiguration") is None:
            raise validation("Either the description or the RoutingConfiguration must be specified")
        ref, record = self._require_alias(params["stateMachineAliasArn"])
        if params.get("routingConfiguration") is not None:
            target = self._check_routing(params["routingConfiguration"])
            if target.base_arn != ref.base_arn:
                raise validation(
                    "Routing configuration must use versions of the alias's state machine"
                )
            record["routingConfiguration"] = params["routingConfiguration"]
        if params.get("description") is not None:
            record["description"] = params["description"]
        record["updateDate"] = self.clock.now()
        self.store.put(
            records.ALIASES, records.alias_key(ref.account, ref.region, ref.name, ref.alias), record
        )
        return {"updateDate": record["updateDate"]}

    def list_state_machine_aliases(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        ref = parse_machine_arn(params["stateMachineArn"])
        if self.machine_record(MachineRef(ref.account, ref.region, ref.name)) is None:  # type: ignore[attr-defined]
            raise resource_not_found(params["stateMachineArn"])
        lo, hi = keys.prefix_range(ref.account, ref.region, ref.name)
        items = [
            {"stateMachineAliasArn": a["stateMachineAliasArn"], "creationDate": a["creationDate"]}
            for _, a in self.store.scan(records.ALIASES, lo, hi)
        ]
        chunk, token = page(items, params)
        return with_token({"stateMachineAliases": chunk}, token)

    def delete_state_machine_alias(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        ref = parse_machine_arn(params["stateMachineAliasArn"])
        if ref.alias is None:
            raise invalid_arn(
                f"Resource type not valid in this context: {params['stateMachineAliasArn']}"
            )
        self.store.delete(
            records.ALIASES, records.alias_key(ref.account, ref.region, ref.name, ref.alias)
        )
        return {}

    # -- resolving for StartExecution -----------------------------------------------------
    def resolve_target(self, arn: str) -> dict:
        """What an execution of `arn` runs: definition, role, and which version/alias."""
        ref = parse_machine_arn(arn)
        machine = self.machine_record(MachineRef(ref.account, ref.region, ref.name))  # type: ignore[attr-defined]
        if machine is None:
            raise machine_not_found(arn)
        target = {
            "machine": machine,
            "definition": machine["definition"],
            "roleArn": machine["roleArn"],
            "stateMachineArn": machine["stateMachineArn"],
            "revisionId": machine["revisionId"],
        }
        version_ref = ref
        if ref.alias is not None:
            alias = self.alias_record(ref)
            if alias is None:
                raise resource_not_found(arn)
            routing = alias["routingConfiguration"]
            chosen = random.choices(routing, weights=[r["weight"] for r in routing])[0]
            version_ref = parse_machine_arn(chosen["stateMachineVersionArn"])
            target["stateMachineAliasArn"] = arn
        if version_ref.version is not None:
            version = self.version_record(version_ref)
            if version is None:
                raise machine_not_found(arn)
            target.update(
                definition=version["definition"],
                roleArn=version["roleArn"],
                stateMachineVersionArn=version["stateMachineVersionArn"],
                revisionId=version["revisionId"],
            )
        return target
