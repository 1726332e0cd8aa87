"""One state's data flow in either query language: input, arguments, output, Assign."""

from __future__ import annotations

from typing import Any

from strato.asl import jsonata, payload
from strato.asl.definition import State
from strato.asl.payload import Scope

# Where JSONata's default Output is the result rather than the input.
_RESULT_STATES = ("Task", "Map", "Parallel")


class StateData:
    def __init__(self, state: State, raw_input: Any, context: dict, variables: dict):
        self.state = state
        self.raw = raw_input
        self.context = context
        self.variables = variables
        self.jsonata = state.jsonata

    # --- shared helpers ----------------------------------------------------------

    def scope(self, value: Any) -> Scope:
        return Scope(value, self.context, self.variables)

    def bindings(self, **extra: Any) -> dict:
        states = {"input": self.raw, "context": self.context, **extra}
        return {**self.variables, "states": states}

    def field(self, name: str, default: Any = None, **extra: Any) -> Any:
        """A field's value; in JSONata mode `{% %}` strings inside it are evaluated."""
        value = self.state.get(name, default)
        if self.jsonata:
            return jsonata.render(value, name, self.bindings(**extra))
        return value

    # --- the pipeline ------------------------------------------------------------

    def effective_input(self) -> Any:
        if self.jsonata:
            return self.raw
        return payload.select_path(self.state.get("InputPath", "$"), self.scope(self.raw))

    def arguments(self, effective: Any) -> Any:
        """Task/Parallel input: Parameters (JSONPath) or Arguments (JSONata)."""
        if self.jsonata:
            if "Arguments" in self.state.spec:
                return self.field("Arguments")
            return self.raw
        if "Parameters" in self.state.spec:
            return payload.render(self.state.get("Parameters"), self.scope(effective))
        return effective

    def output(self, result: Any, effective: Any | None = None) -> Any:
        """The state output from its result (ResultSelector/ResultPath/OutputPath or Output)."""
        if self.jsonata:
            default = result if self.state.type in _RESULT_STATES else self.raw
            if "Output" not in self.state.spec:
                return default
            return jsonata.render(self.state.get("Output"), "Output", self.bindings(result=result))
        spec = self.state.spec
        if self.state.type in ("Choice", "Wait", "Succeed"):
            return payload.select_path(spec.get("OutputPath", "$"), self.scope(effective))
        if "ResultSelector" in spec:
            result = payload.render(spec["ResultSelector"], self.scope(result))
        merged = payload.apply_result_path(spec.get("ResultPath", "$"), self.raw, result)
        return payload.select_path(spec.get("OutputPath", "$"), self.scope(merged))

    def assign(self, template: Any, result: Any, error_output: Any = None) -> dict | None:
        """Evaluate an Assign block; every expression sees the variables from before."""
        if template is None:
            return None
        if self.jsonata:
            extra = {"result": result} if error_output is None else {"errorOutput": error_output}
            return jsonata.render(template, "Assign", self.bindings(**extra))
        source = result if error_output is None else error_output
        return payload.render(template, self.scope(source))

    def catch_output(self, catcher: dict, error_output: dict) -> Any:
        if self.jsonata:
            if "Output" not in catcher:
                return error_output
            return jsonata.render(
                catcher["Output"], "Output", self.bindings(errorOutput=error_output)
            )
        return payload.apply_result_path(catcher.get("ResultPath", "$"), self.raw, error_output)
