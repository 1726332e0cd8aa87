"""Function lifecycle: create, read, list, update code and configuration, delete, tags."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any

from ...auth import RequestContext
from ...runtime.runtimes import NODE_RUNTIMES, PROVIDED_RUNTIMES, PYTHON_RUNTIMES
from ...store import keys
from . import records
from .base import LambdaBase
from .code import read_package, sha256_b64
from .errors import conflict, invalid, not_found, revision_mismatch, validation

_RESERVED_ENV = {
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
}
KNOWN_RUNTIMES = (
    PYTHON_RUNTIMES
    | NODE_RUNTIMES
    | PROVIDED_RUNTIMES
    | {
        "java8",
        "java8.al2",
        "java11",
        "java17",
        "java21",
        "dotnet6",
        "dotnet8",
        "ruby3.2",
        "ruby3.3",
        "ruby3.4",
        "go1.x",
    }
)
MAX_ENV_BYTES = 4096


def check_configuration(p: dict[str, Any]) -> None:
    """What botocore's validator cannot see: upper bounds, runtimes, reserved variables."""
    if "Timeout" in p and not 1 <= p["Timeout"] <= 900:
        raise validation(
            f"1 validation error detected: Value '{p['Timeout']}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"
        )
    if "MemorySize" in p and not 128 <= p["MemorySize"] <= 10240:
        raise validation(
            f"1 validation error detected: Value '{p['MemorySize']}' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240"
        )
    runtime = p.get("Runtime")
    if runtime is not None and runtime not in KNOWN_RUNTIMES:
        raise invalid(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: {sorted(KNOWN_RUNTIMES)} or be a valid ARN"
        )
    variables = ((p.get("Environment") or {}).get("Variables")) or {}
    reserved = sorted(k for k in variables if k in _RESERVED_ENV)
    if reserved:
        raise invalid(
            "Lambda was unable to configure your environment variables because the environment variables "
            "you have provided contains reserved keys that are currently not supported for modification. "
            f"Reserved keys used in this request: {', '.join(reserved)}"
        )
    if len(json.dumps(variables, separators=(",", ":")).encode()) > MAX_ENV_BYTES:
        raise invalid(
            "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit."
        )
    size = (p.get("EphemeralStorage") or {}).get("Size")
    if size is not None and not 512 <= size <= 10240:
        raise validation(
            f"1 validation error detected: Value '{size}' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value between 512 and 10240"
        )
    role = p.get("Role")
    if role is not None and not role.startswith("arn:aws"):
        raise validation(
            f"1 validation error detected: Value '{role}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{{12}}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"
        )


class FunctionOperations(LambdaBase):
    def create_function(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["FunctionName"]
        records.check_name(name)
        check_configuration(p)
        package_type = p.get("PackageType") or "Zip"
        if package_type == "Zip":
            if not p.get("Runtime"):
                raise invalid(
                    "Runtime and Handler are mandatory parameters for functions created with deployment packages."
                )
            if not p.get("Handler") and p["Runtime"] not in PROVIDED_RUNTIMES:
                raise invalid(
                    "Runtime and Handler are mandatory parameters for functions created with deployment packages."
                )
        data = read_package(self.platform, ctx, p["Code"])
        layers = self.resolve_layers(ctx, p.get("Layers") or [])
        blob = self.store.blobs.write(data)
        now = self.clock.now()
        config: dict[str, Any] = {
            "FunctionName": name,
            "FunctionArn": records.function_arn(ctx, ctx.region, name),
            "Runtime": p.get("Runtime"),
            "Role": p["Role"],
            "Handler": p.get("Handler"),
            "CodeSize": len(data),
            "Description": p.get("Description", ""),
            "Timeout": p.get("Timeout", 3),
            "MemorySize": p.get("MemorySize", 128),
            "LastModified": records.timestamp(now),
            "CodeSha256": sha256_b64(data),
            "Version": records.LATEST,
            "TracingConfig": {"Mode": (p.get("TracingConfig") or {}).get("Mode", "PassThrough")},
            "RevisionId": str(uuid.uuid4()),
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": package_type,
            "Architectures": p.get("Architectures") or ["x86_64"],
            "EphemeralStorage": p.get("EphemeralStorage") or {"Size": 512},
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": {
                "LogFormat": "Text",
                "LogGroup": f"/aws/lambda/{name}",
                **(p.get("LoggingConfig") or {}),
            },
            "RuntimeVersionConfig": {
                "RuntimeVersionArn": f"arn:aws:lambda:{ctx.region}::runtime:strato"
            },
        }
        if p.get("Environment"):
            config["Environment"] = {"Variables": dict(p["Environment"].get("Variables") or {})}
        if layers:
            config["Layers"] = layers
        for optional in (
            "DeadLetterConfig",
            "KMSKeyArn",
            "VpcConfig",
            "FileSystemConfigs",
            "ImageConfig",
        ):
            if p.get(optional):
                config[optional] = p[optional]
        record = {
            "Configuration": config,
            "Code": {"Blob": blob.id, "Sha256Hex": hashlib.sha256(data).hexdigest()},
            "Tags": dict(p.get("Tags") or {}),
            "NextVersion": 1,
        }
        try:
            with self.store.transaction():
                if (
                    self.store.get(
                        records.FUNCTIONS, records.function_key(ctx.account_id, ctx.region, name)
                    )
                    is not None
                ):
                    raise conflict(f"Function already exist: {name}")
                self.save(ctx, record)
                self.store.attach_blob(blob.id)
                if p.get("Publish"):
                    self._publish(ctx, record, None)
        except BaseException:
            self.store.discard_blob(blob.id)
            raise
        out = dict(config)
        # AWS answers CreateFunction while the function is still being set up.
        out.update(
            State="Pending",
            StateReason="The function is being created.",
            StateReasonCode="Creating",
        )
        if p.get("Publish"):
            out["Version"] = str(record["NextVersion"] - 1)
            out["FunctionArn"] = records.function_arn(ctx, ctx.region, name, out["Version"])
        return out

    def get_function(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        record = self.function(ctx, name)
        config = self.version_config(ctx, record, qualifier)
        out: dict[str, Any] = {
            "Configuration": config,
            "Code": {"RepositoryType": "S3", "Location": self.code_location(ctx, name, config)},
        }
        if record.get("Tags"):
            out["Tags"] = record["Tags"]
        if record.get("ReservedConcurrency") is not None:
            out["Concurrency"] = {"ReservedConcurrentExecutions": record["ReservedConcurrency"]}
        return out

    def get_function_configuration(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        return dict(self.version_config(ctx, self.function(ctx, name), qualifier))

    def list_functions(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        limit = min(p.get("MaxItems") or 50, 10000)
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        marker = p.get("Marker")
        if marker:
            try:
                lo = keys.after(
                    records.function_key(
                        ctx.account_id, ctx.region, base64.urlsafe_b64decode(marker).decode()
                    )
                )
            except ValueError as e:
                raise invalid("Invalid marker") from e
        rows = list(self.store.scan(records.FUNCTIONS, lo, hi, limit=limit + 1))
        functions = [r["Configuration"] for _, r in rows[:limit]]
        out: dict[str, Any] = {"Functions": functions}
        if len(rows) > limit:
            out["NextMarker"] = base64.urlsafe_b64encode(
                functions[-1]["FunctionName"].encode()
            ).decode()
        return out

    def update_function_code(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        self.function(ctx, name)
        data = read_package(self.platform, ctx, p)
        blob = self.store.blobs.write(data)
        try:
            with self.store.transaction():
                record = self.function(ctx, name)
                self._check_revision(record, p)
                config = record["Configuration"]
                config.update(
                    CodeSize=len(data),
                    CodeSha256=sha256_b64(data),
                    LastModified=records.timestamp(self.clock.now()),
                    RevisionId=str(uuid.uuid4()),
                )
                if p.get("Architectures"):
                    config["Architectures"] = p["Architectures"]
                self.store.release_blob(record["Code"]["Blob"]) if not self._blob_in_use(
                    ctx, record
                ) else None
                record["Code"] = {"Blob": blob.id, "Sha256Hex": hashlib.sha256(data).hexdigest()}
                self.store.attach_blob(blob.id)
                self.save(ctx, record)
                if p.get("Publish"):
                    self._publish(ctx, record, None)
        except BaseException:
            self.store.discard_blob(blob.id)
            raise
        self.retire(ctx, name)
        out = dict(config)
        out.update(
            LastUpdateStatus="InProgress",
            LastUpdateStatusReason="The function is being created.",
            LastUpdateStatusReasonCode="Creating",
        )
        return out

    def update_function_configuration(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        check_configuration(p)
        with self.store.transaction():
            record = self.function(ctx, name)
            self._check_revision(record, p)
            config = record["Configuration"]
            for field in (
                "Role",
                "Handler",
                "Description",
                "Timeout",
                "MemorySize",
                "Runtime",
                "DeadLetterConfig",
                "KMSKeyArn",
                "VpcConfig",
                "FileSystemConfigs",
                "ImageConfig",
                "EphemeralStorage",
            ):
                if field in p:
                    config[field] = p[field]
            if "Environment" in p:
                config["Environment"] = {
                    "Variables": dict((p["Environment"] or {}).get("Variables") or {})
                }
            if "TracingConfig" in p:
                config["TracingConfig"] = {"Mode": p["TracingConfig"].get("Mode", "PassThrough")}
            if "LoggingConfig" in p:
                config["LoggingConfig"] = {**config.get("LoggingConfig", {}), **p["LoggingConfig"]}
            if "Layers" in p:
                layers = self.resolve_layers(ctx, p["Layers"] or [])
                if layers:
                    config["Layers"] = layers
                else:
                    config.pop("Layers", None)
            config["LastModified"] = records.timestamp(self.clock.now())
            config["RevisionId"] = str(uuid.uuid4())
            self.save(ctx, record)
        self.retire(ctx, name)
        out = dict(config)
        out.update(
            LastUpdateStatus="InProgress",
            LastUpdateStatusReason="The function is being created.",
            LastUpdateStatusReasonCode="Creating",
        )
        return out

    def delete_function(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        with self.store.transaction():
            record = self.function(ctx, name)
            if qualifier and qualifier != records.LATEST:
                if not qualifier.isdigit():
                    raise invalid("Deletion of aliases is not supported.")
                key = records.version_key(ctx.account_id, ctx.region, name, qualifier)
                version = self.store.get(records.VERSIONS, key)
                if version is None:
                    raise not_found(records.function_arn(ctx, ctx.region, name, qualifier))
                self.store.delete(records.VERSIONS, key)
                if version["Code"]["Blob"] != record["Code"]["Blob"] and not self._blob_in_use(
                    ctx, record, exclude=qualifier, blob=version["Code"]["Blob"]
                ):
                    self.store.release_blob(version["Code"]["Blob"])
            else:
                blobs = {record["Code"]["Blob"]}
                lo, hi = keys.prefix_range(ctx.account_id, ctx.region, name)
                for raw, version in list(self.store.scan(records.VERSIONS, lo, hi)):
                    blobs.add(version["Code"]["Blob"])
                    self.store.delete(records.VERSIONS, raw)
                for blob_id in blobs:
                    self.store.release_blob(blob_id)
                self.store.delete(
                    records.FUNCTIONS, records.function_key(ctx.account_id, ctx.region, name)
                )
        self.retire(ctx, name)
        return {"_status": 204}

    # -- tags -----------------------------------------------------------------------
    def _by_arn(self, ctx: RequestContext, arn: str) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, arn)
        return self.function(ctx, name)

    def tag_resource(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        with self.store.transaction():
            record = self._by_arn(ctx, p["Resource"])
            record.setdefault("Tags", {}).update(p["Tags"])
            self.save(ctx, record)
        return {"_status": 204}

    def untag_resource(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        with self.store.transaction():
            record = self._by_arn(ctx, p["Resource"])
            for key in p["TagKeys"]:
                record.setdefault("Tags", {}).pop(key, None)
            self.save(ctx, record)
        return {"_status": 204}

    def list_tags(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return {"Tags": self._by_arn(ctx, p["Resource"]).get("Tags") or {}}

    # -- helpers ----------------------------------------------------------------------
    def _check_revision(self, record: dict[str, Any], p: dict[str, Any]) -> None:
        if p.get("RevisionId") and p["RevisionId"] != record["Configuration"]["RevisionId"]:
            raise revision_mismatch()

    def _blob_in_use(
        self,
        ctx: RequestContext,
        record: dict[str, Any],
        exclude: str | None = None,
        blob: str | None = None,
    ) -> bool:
        """Is this code blob still referenced by a published version?"""
        blob = blob or record["Code"]["Blob"]
        name = record["Configuration"]["FunctionName"]
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, name)
        for _, version in self.store.scan(records.VERSIONS, lo, hi):
            if version["Configuration"]["Version"] != exclude and version["Code"]["Blob"] == blob:
                return True
        return False
