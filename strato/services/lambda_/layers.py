"""Layer versions: publish, read, list, delete, and resolving a function's layer ARNs."""

from __future__ import annotations

import re
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import records
from .base import LambdaBase
from .code import read_package, sha256_b64
from .errors import invalid, not_found

LAYERS = "lambda:layers"  # (account, region, layer name, version as 10 digits) -> layer version
_LAYER_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):layer:(?P<name>[a-zA-Z0-9-_]+):(?P<version>[0-9]+)$"
)
MAX_LAYERS = 5


def _key(account: str, region: str, name: str, version: int) -> bytes:
    return keys.pack(account, region, name, f"{version:010d}")


class LayerOperations(LambdaBase):
    def publish_layer_version(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["LayerName"]
        if ":" in name:  # a layer ARN without version
            name = name.rsplit(":", 1)[-1]
        data = read_package(self.platform, ctx, p["Content"])
        blob = self.store.blobs.write(data)
        try:
            with self.store.transaction():
                lo, hi = keys.prefix_range(ctx.account_id, ctx.region, name)
                newest = next(iter(self.store.scan(LAYERS, lo, hi, reverse=True, limit=1)), None)
                counter = self.store.get(
                    LAYERS + ":counters", keys.pack(ctx.account_id, ctx.region, name)
                ) or {"Next": 1}
                version = max(counter["Next"], (newest[1]["Version"] + 1) if newest else 1)
                arn = f"arn:aws:lambda:{ctx.region}:{ctx.account_id}:layer:{name}"
                record = {
                    "LayerArn": arn,
                    "LayerVersionArn": f"{arn}:{version}",
                    "Version": version,
                    "Description": p.get("Description", ""),
                    "CreatedDate": records.timestamp(self.clock.now()),
                    "Content": {"CodeSha256": sha256_b64(data), "CodeSize": len(data)},
                    "Blob": blob.id,
                }
                for field in ("CompatibleRuntimes", "LicenseInfo", "CompatibleArchitectures"):
                    if p.get(field):
                        record[field] = p[field]
                self.store.put(LAYERS, _key(ctx.account_id, ctx.region, name, version), record)
                self.store.put(
                    LAYERS + ":counters",
                    keys.pack(ctx.account_id, ctx.region, name),
                    {"Next": version + 1},
                )
                self.store.attach_blob(blob.id)
        except BaseException:
            self.store.discard_blob(blob.id)
            raise
        return {**self._layer_out(ctx, record), "_status": 201}

    def _layer_out(self, ctx: RequestContext, record: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in record.items() if k != "Blob"}
        out["Content"] = {**record["Content"], "Location": self.layer_location(ctx, record)}
        return out

    def _find(self, ctx: RequestContext, arn_or_name: str, version: int | None) -> dict[str, Any]:
        m = _LAYER_ARN.match(arn_or_name)
        if m:
            account, region, name, version = m["account"], m["region"], m["name"], int(m["version"])
        else:
            account, region, name = ctx.account_id, ctx.region, arn_or_name.rsplit(":", 1)[-1]
        record = self.store.get(LAYERS, _key(account, region, name, version or 0))
        if record is None:
            raise not_found(
                f"arn:aws:lambda:{region}:{account}:layer:{name}:{version}", "Layer version"
            )
        return record

    def get_layer_version(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._layer_out(ctx, self._find(ctx, p["LayerName"], p["VersionNumber"]))

    def get_layer_version_by_arn(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._layer_out(ctx, self._find(ctx, p["Arn"], None))

    def delete_layer_version(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["LayerName"].rsplit(":", 1)[-1]
        key = _key(ctx.account_id, ctx.region, name, p["VersionNumber"])
        with self.store.transaction():
            record = self.store.get(LAYERS, key)
            if record is not None:
                self.store.delete(LAYERS, key)
                # Functions keep a copy of what they use: the bytes go when nothing refers to them.
                if not self._layer_blob_in_use(record["Blob"]):
                    self.store.release_blob(record["Blob"])
        return {"_status": 204}

    def _layer_blob_in_use(self, blob_id: str) -> bool:
        for ns in (records.FUNCTIONS, records.VERSIONS):
            for _, r in self.store.scan(ns):
                if any(
                    layer.get("_Blob") == blob_id
                    for layer in r["Configuration"].get("Layers") or ()
                ):
                    return True
        return False

    def list_layer_versions(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["LayerName"].rsplit(":", 1)[-1]
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, name)
        found = [r for _, r in self.store.scan(LAYERS, lo, hi, reverse=True)]
        if p.get("CompatibleRuntime"):
            found = [
                r for r in found if p["CompatibleRuntime"] in (r.get("CompatibleRuntimes") or [])
            ]
        return {"LayerVersions": [self._summary(ctx, r) for r in found]}

    def list_layers(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        newest: dict[str, dict[str, Any]] = {}
        for _, r in self.store.scan(LAYERS, lo, hi):
            if p.get("CompatibleRuntime") and p["CompatibleRuntime"] not in (
                r.get("CompatibleRuntimes") or []
            ):
                continue
            newest[r["LayerArn"]] = r
        return {
            "Layers": [
                {
                    "LayerName": arn.rsplit(":", 1)[-1],
                    "LayerArn": arn,
                    "LatestMatchingVersion": self._summary(ctx, r),
                }
                for arn, r in sorted(newest.items())
            ]
        }

    def _summary(self, ctx: RequestContext, r: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in r.items() if k not in ("Blob", "Content", "LayerArn")}

    def resolve_layers(self, ctx: RequestContext, arns: list[str]) -> list[dict[str, Any]]:
        """The Layers configuration for a function, each layer checked to exist."""
        if len(arns) > MAX_LAYERS:
            raise invalid("Cannot reference more than 5 layers.")
        out = []
        for arn in arns:
            if not _LAYER_ARN.match(arn):
                raise invalid(f"Layer version {arn} does not exist.")
            try:
                record = self._find(ctx, arn, None)
            except Exception as e:
                raise invalid(f"Layer version {arn} does not exist.") from e
            out.append(
                {
                    "Arn": arn,
                    "CodeSize": record["Content"]["CodeSize"],
                    "_Blob": record["Blob"],
                    "_Sha": record["Content"]["CodeSha256"],
                }
            )
        return out
