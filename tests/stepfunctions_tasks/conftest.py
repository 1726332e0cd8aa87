"""Task integrations against real providers in this process: one platform, one event loop."""

from __future__ import annotations

import asyncio

import pytest

from strato.auth import RequestContext
from strato.config import Settings
from strato.platform import Platform
from strato.server.aws_api import AwsApi
from strato.services.registry import hosted_services
from strato.services.stepfunctions.service_tasks import run_service_task

ACCOUNT, REGION = "000000000000", "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/state-machine-role"


class Harness:
    """A platform with every hosted provider, and `task()` to run one Task resource on it."""

    def __init__(self, state_dir: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.platform = Platform.open(Settings(state_dir=state_dir))
        AwsApi(self.platform, hosted_services())  # builds every provider, as the server does
        self.loop.run_until_complete(self.platform.start())
        self.ctx = RequestContext(ACCOUNT, REGION, ROLE, None, request_id="sfn")

    def task(self, resource: str, parameters=None):
        return self.loop.run_until_complete(
            run_service_task(self.platform, self.ctx, resource, parameters)
        )

    def provider(self, name: str):
        return self.platform.provider(name)

    def close(self) -> None:
        self.loop.run_until_complete(self.platform.stop())
        # Background waits some providers leave behind (the server's loop just ends):
        # cancel them here so closing this loop does not warn about pending tasks.
        leftovers = asyncio.all_tasks(self.loop)
        for task in leftovers:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
        self.platform.close()
        self.loop.close()


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    h = Harness(str(tmp_path_factory.mktemp("sfn-tasks") / "state"))
    yield h
    h.close()
