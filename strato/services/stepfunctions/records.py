"""Where Step Functions keeps its state in the store, and the ARNs it hands out.

`sfn:machines` (account, region, name) -> the state machine (definition, role, type, ...);
`sfn:versions` (account, region, name, number) and `sfn:aliases` (account, region, name,
alias); `sfn:activities` (account, region, name); `sfn:tags` (arn) -> {key: value}.

A Standard execution is `sfn:executions` (arn) -> what Describe shows plus what the runner
needs (definition, time anchor, pending tasks); `sfn:snapshots` (arn) -> the engine's
snapshot without its events, rewritten at every transition; `sfn:history` (arn, event id)
-> one history event; `sfn:by-machine` (machine arn, start ms, arn) orders ListExecutions;
`sfn:running` (arn) lists what to resume after a restart. `sfn:tokens` (token) -> which
execution and task a callback or activity token answers; `sfn:activity-tasks` (activity
arn, sequence) -> a task waiting for a GetActivityTask poller. `sfn:map-runs` (map run
arn) -> the execution whose snapshot holds that Map Run (`map_runs` in the snapshot).
"""

from __future__ import annotations

from ...store import keys

MACHINES = "sfn:machines"
VERSIONS = "sfn:versions"
ALIASES = "sfn:aliases"
ACTIVITIES = "sfn:activities"
TAGS = "sfn:tags"
EXECUTIONS = "sfn:executions"
SNAPSHOTS = "sfn:snapshots"
HISTORY = "sfn:history"
BY_MACHINE = "sfn:by-machine"
RUNNING = "sfn:running"
TOKENS = "sfn:tokens"
ACTIVITY_TASKS = "sfn:activity-tasks"
MAP_RUNS = "sfn:map-runs"


def machine_key(account: str, region: str, name: str) -> bytes:
    return keys.pack(account, region, name)


def version_key(account: str, region: str, name: str, number: int) -> bytes:
    return keys.pack(account, region, name, f"{number:010d}")


def alias_key(account: str, region: str, name: str, alias: str) -> bytes:
    return keys.pack(account, region, name, alias)


def activity_key(account: str, region: str, name: str) -> bytes:
    return keys.pack(account, region, name)


def history_key(execution_arn: str, event_id: int) -> bytes:
    return keys.pack(execution_arn, f"{event_id:010d}")


def by_machine_key(machine_arn: str, start: float, execution_arn: str) -> bytes:
    return keys.pack(machine_arn, f"{round(start * 1000):015d}", execution_arn)


def machine_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:states:{region}:{account}:stateMachine:{name}"


def execution_arn(machine: str, name: str, express: bool = False) -> str:
    kind = ":express:" if express else ":execution:"
    return machine.replace(":stateMachine:", kind, 1) + f":{name}"


def activity_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:states:{region}:{account}:activity:{name}"
