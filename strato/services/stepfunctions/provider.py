"""The Step Functions provider: the API over the ASL engine, with durable executions.

State machines, tags and validation are in `machines.py`, versions and aliases in
`versions.py`, executions in `executions.py`, activities and task callbacks in
`activities.py`, Map Runs in `map_runs.py`, TestState in `state_tester.py`; `runner.py` drives executions and `dispatch.py` runs their tasks.
"""

from __future__ import annotations

import asyncio

from ...platform import Platform
from .activities import Activities
from .dispatch import Dispatcher
from .executions import Executions
from .machines import Machines
from .map_runs import MapRuns
from .runner import Runner
from .state_tester import StateTester
from .versions import Versions


class StepFunctionsProvider(Machines, Versions, Executions, MapRuns, Activities, StateTester):
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock
        self.runner = Runner(platform)
        self.dispatcher = Dispatcher(self, self.runner)
        self._arrivals: dict[str, asyncio.Event] = {}

    async def start(self) -> None:
        await self.runner.resume_all()

    async def stop(self) -> None:
        await self.runner.stop()
        await self.dispatcher.stop()
