"""The runtime folder each sandbox gets at /var/runtime: our runtime client plus the AWS SDK the real runtime bundles."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import shutil

from .runtimes import CLIENTS

log = logging.getLogger("strato.runtime")

_PYTHON_SDK = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
# What the nodejs18.x+ runtimes bundle that applications use most (AWS bundles all v3 clients).
NODE_V3_PACKAGES = (
    "@aws-sdk/client-s3",
    "@aws-sdk/client-dynamodb",
    "@aws-sdk/lib-dynamodb",
    "@aws-sdk/client-sqs",
    "@aws-sdk/client-sns",
    "@aws-sdk/client-lambda",
    "@aws-sdk/client-sfn",
    "@aws-sdk/client-eventbridge",
    "@aws-sdk/client-secrets-manager",
    "@aws-sdk/client-ssm",
    "@aws-sdk/client-sts",
    "@aws-sdk/client-cloudwatch-logs",
    "@aws-sdk/s3-request-presigner",
)
NODE_V2_PACKAGES = ("aws-sdk@2",)

_V2_PRELOAD = """// Strato: the aws-sdk v2 ignores AWS_ENDPOINT_URL, so point it at Strato when first required.
const Module = require("module");
const load = Module._load;
let done = false;
Module._load = function (request, parent, isMain) {
  const exported = load.apply(this, arguments);
  if (!done && request === "aws-sdk" && process.env.AWS_ENDPOINT_URL) {
    done = true;
    try {
      exported.config.update({ endpoint: process.env.AWS_ENDPOINT_URL, s3ForcePathStyle: true });
    } catch (e) {}
  }
  return exported;
};
"""


def python_runtime_dir(scratch: str) -> str:
    """/var/runtime for Python: bootstrap.py and boto3 (as links to the host's copy)."""
    target = os.path.join(scratch, "python")
    os.makedirs(target, exist_ok=True)
    shutil.copy2(
        os.path.join(CLIENTS, "python", "bootstrap.py"), os.path.join(target, "bootstrap.py")
    )
    for name in _PYTHON_SDK:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        source = os.path.dirname(spec.origin) if spec.submodule_search_locations else spec.origin
        link = os.path.join(target, os.path.basename(source))
        if not os.path.lexists(link):
            os.symlink(source, link)
    return target


class NodeSdk:
    """Installs the Node SDKs once into the scratch space; sandboxes wait for it on first use."""

    def __init__(self, scratch: str) -> None:
        self.scratch = scratch
        self._installs: dict[str, asyncio.Task] = {}

    def runtime_dir(self, generation: str) -> str:
        """/var/runtime for Node: bootstrap.mjs, the v2 preload, node_modules (when installed)."""
        target = os.path.join(self.scratch, f"node-{generation}")
        os.makedirs(target, exist_ok=True)
        shutil.copy2(
            os.path.join(CLIENTS, "node", "bootstrap.mjs"), os.path.join(target, "bootstrap.mjs")
        )
        if generation == "v2":
            with open(os.path.join(target, "sdk-v2-endpoint.cjs"), "w") as f:
                f.write(_V2_PRELOAD)
        return target

    def ensure(self, generation: str) -> asyncio.Task:
        task = self._installs.get(generation)
        if task is None or (task.done() and task.exception() is not None):
            task = asyncio.get_running_loop().create_task(self._install(generation))
            self._installs[generation] = task
        return task

    async def _install(self, generation: str) -> bool:
        target = self.runtime_dir(generation)
        marker = os.path.join(target, ".installed")
        if os.path.exists(marker):
            return True
        npm = shutil.which("npm")
        if npm is None:
            log.warning("npm is not installed: Node functions get no bundled AWS SDK")
            return False
        packages = NODE_V2_PACKAGES if generation == "v2" else NODE_V3_PACKAGES
        proc = await asyncio.create_subprocess_exec(
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--silent",
            "--prefix",
            target,
            *packages,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await proc.communicate()
        if proc.returncode != 0:
            log.warning(
                "installing the Node SDK %s failed: %s",
                generation,
                err.decode(errors="replace")[-500:],
            )
            return False
        with open(marker, "w") as f:
            f.write(" ".join(packages))
        return True


def node_generation(runtime: str) -> str:
    """nodejs14.x and nodejs16.x bundle aws-sdk v2; later runtimes bundle the v3 clients."""
    major = int(runtime.removeprefix("nodejs").removesuffix(".x"))
    return "v2" if major < 18 else "v3"
