"""What a Task state's Resource calls: Lambda, the optimised integrations, or any hosted API.

The caller strips `.sync`, `.sync:2` and `.waitForTaskToken` from the Resource first, and
handles activities and `states:startExecution` itself. A result comes back as AWS shapes
it; a failure raises `TaskFailure` with the error named as AWS names it.
"""

from __future__ import annotations

from typing import Any

from ...asl import TaskFailure
from ...auth import RequestContext
from ...platform import Platform
from .tasks_lambda import invoke_function_arn, invoke_lambda_task, is_function_arn
from .tasks_optimised import INTEGRATIONS, run_optimised
from .tasks_sdk import SDK_PREFIX, normalise_partition, run_sdk_task

_STATES = "arn:aws:states:::"


async def run_service_task(
    platform: Platform, ctx: RequestContext, resource: str, parameters: Any
) -> Any:
    """Call `resource` with the state's effective parameters under the state machine's `ctx`."""
    plain = normalise_partition(resource)
    if plain.startswith(SDK_PREFIX):
        return await run_sdk_task(platform, ctx, plain, parameters)
    if plain.startswith(_STATES):
        name = plain[len(_STATES) :]
        if name == "lambda:invoke":
            return await invoke_lambda_task(platform, ctx, parameters)
        if name in INTEGRATIONS or name == "apigateway:invoke":
            return await run_optimised(platform, ctx, name, parameters)
        raise TaskFailure(
            "States.TaskFailed",
            f"Strato does not run the integration {resource}. Mock this state with a Step "
            "Functions Local mock configuration (SFN_MOCK_CONFIG).",
        )
    if is_function_arn(plain):
        return await invoke_function_arn(platform, ctx, resource, parameters)
    raise TaskFailure(
        "States.Runtime", f"The resource {resource} is not a service Strato can call."
    )
