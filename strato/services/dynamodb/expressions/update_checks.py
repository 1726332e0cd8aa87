"""AWS's semantic rules for update expressions, applied to the parsed syntax.

AWS reports one problem, ranked: reserved words, unknown functions, repeated
clauses, undefined names, undefined values, overlapping paths, conflicting paths,
ADD/DELETE operand types, then function operands.
"""

from __future__ import annotations

from typing import Any

from .. import attribute_values as av
from .document_paths import check_overlaps
from .errors import DynamoValidationError
from .nodes import (
    AddAction,
    Arithmetic,
    DeleteAction,
    Function,
    Path,
    RemoveAction,
    SetAction,
    Value,
)
from .references import (
    MAX_OPERATORS,
    NEEDS_PATH,
    OPERAND_COUNT,
    OPERAND_TYPE,
    TOO_MANY_OPERATORS,
    UNKNOWN_FUNCTION,
    Issues,
    References,
)
from .syntax import Call, Parens, Placeholder, RawPath

ORDER = (
    "reserved",
    "unknownFunction",
    "section",
    "attrName",
    "attrVal",
    "pathOverlap",
    "pathConflict",
    "operand",
    "function",
)
FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
TYPE_WORDS = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "NULL": "NULL",
    "BOOL": "BOOLEAN",
    "L": "LIST",
    "M": "MAP",
}


def check_update(sections: list[tuple[str, list[Any]]], refs: References) -> tuple[Any, ...]:
    """The checked update actions, or AWS's ValidationException for the first problem."""
    checker = _Checker(refs)
    actions = checker.sections(sections)
    check_overlaps([action.path for action in actions], checker.issues)
    message = checker.issues.pick(ORDER)
    if message is None and checker.operators > MAX_OPERATORS:
        message = TOO_MANY_OPERATORS.format(checker.operators)
    if message is not None:
        raise DynamoValidationError(f"Invalid UpdateExpression: {message}")
    return tuple(actions)


class _Checker:
    def __init__(self, refs: References) -> None:
        self.refs = refs
        self.issues = Issues()
        self.operators = 0

    def sections(self, sections: list[tuple[str, list[Any]]]) -> list[Any]:
        seen: set[str] = set()
        actions: list[Any] = []
        for clause, items in sections:
            if clause in seen:
                self.issues.add(
                    "section",
                    f'The "{clause}" section can only be used once in an update expression;',
                )
            seen.add(clause)
            actions.extend(self.action(clause, target, value) for target, value in items)
        return actions

    def action(self, clause: str, target: RawPath, value: Any) -> Any:
        path = self.path(target)
        if clause == "SET":
            return SetAction(path, self.set_value(value))
        if clause == "REMOVE":
            return RemoveAction(path)
        resolved = self.value(value)
        kind = av.type_of(resolved.value)
        if kind in TYPE_WORDS and not (clause == "ADD" and kind == "N"):
            self.issues.add(
                "operand",
                f"Incorrect operand type for operator or function; operator: {clause}, "
                f"operand type: {TYPE_WORDS[kind]}",
            )
        return AddAction(path, resolved) if clause == "ADD" else DeleteAction(path, resolved)

    def path(self, raw: RawPath) -> Path:
        return self.refs.path(raw, self.issues, undefined="attrName")

    def value(self, raw: Placeholder) -> Value:
        return self.refs.value(raw, self.issues, undefined="attrVal")

    def set_value(self, raw: Any) -> Any:
        if isinstance(raw, Arithmetic):
            self.operators += 1
            left, right = self.operand(raw.left), self.operand(raw.right)
            for operand in (left, right):
                kind = _immediate_type(operand)
                if kind is not None and kind != "N":
                    self.issues.add("function", OPERAND_TYPE.format(raw.op, kind))
                    break
            return Arithmetic(raw.op, left, right)
        return self.operand(raw)

    def operand(self, raw: Any) -> Any:
        if isinstance(raw, Parens):
            return self.operand(raw.inner)
        if isinstance(raw, Placeholder):
            return self.value(raw)
        if isinstance(raw, RawPath):
            return self.path(raw)
        return self.function(raw)

    def function(self, raw: Call) -> Function:
        self.operators += 1
        args = tuple(self.operand(arg) for arg in raw.args)
        arity = FUNCTIONS.get(raw.name)
        if arity is None:
            self.issues.add("unknownFunction", UNKNOWN_FUNCTION.format(raw.name))
        elif arity != len(args):
            self.issues.add("function", OPERAND_COUNT.format(raw.name, len(args)))
        elif raw.name == "if_not_exists":
            if not isinstance(args[0], Path):
                self.issues.add("function", NEEDS_PATH.format(raw.name))
        else:
            for arg in args:
                kind = _immediate_type(arg)
                if kind is not None and kind != "L":
                    self.issues.add("function", OPERAND_TYPE.format(raw.name, kind))
                    break
        return Function(raw.name, args)


def _immediate_type(operand: Any) -> str | None:
    return av.type_of(operand.value) if isinstance(operand, Value) else None
