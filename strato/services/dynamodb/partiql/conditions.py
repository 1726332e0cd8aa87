"""WHERE clauses and document paths, parsed to the expression engine's condition nodes.

condition := and (OR and)*
and       := not (AND not)*
not       := NOT not | "(" condition ")" | function | operand tail
tail      := op operand | [NOT] BETWEEN operand AND operand | [NOT] IN [operand, ...]
           | IS [NOT] (MISSING | NULL | BOOLEAN | STRING | NUMERIC | BLOB | LIST | STRUCT | TUPLE)
operand   := path | value | ? | size(path)
path      := name ("." name | "[" index "]" | "['key']")*
"""

from __future__ import annotations

from typing import Any

from ..errors import validation
from ..expressions.nodes import And, Between, Comparison, Function, In, Not, Or, Path, Value
from .lexer import EOF, NUMBER, PARAM, STRING
from .literals import MISSING, LiteralParser

COMPARATORS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
# Condition functions and how many arguments each takes.
CONDITION_FUNCTIONS = {
    "begins_with": 2,
    "contains": 2,
    "attribute_type": 2,
    "attribute_exists": 1,
    "attribute_not_exists": 1,
}
# IS <type>: the DynamoDB type each PartiQL type name tests for.
IS_TYPES = {
    "NULL": "NULL",
    "BOOLEAN": "BOOL",
    "BLOB": "B",
    "STRING": "S",
    "NUMERIC": "N",
    "STRUCT": "M",
    "TUPLE": "M",
    "LIST": "L",
}
ENDS_CONDITION = ("AND", "OR", "ORDER", "RETURNING")
MISSING_OPERAND = "MISSING must be compared using IS operator"
NOT_BOOLEAN = "WHERE clause must contain an expression that resolves to a boolean"


class ConditionParser(LiteralParser):
    def condition(self) -> Any:
        node = self._and()
        while self.accept_keyword("OR"):
            node = Or(node, self._and())
        return node

    def _and(self) -> Any:
        node = self._not()
        while self.accept_keyword("AND"):
            node = And(node, self._not())
        return node

    def _not(self) -> Any:
        if self.accept_keyword("NOT"):
            return Not(self._not())
        if self.accept("("):
            inner = self.condition()
            self.expect(")")
            return inner
        if self.at_call() and self.peek().text.lower() in CONDITION_FUNCTIONS:
            return self._condition_function()
        return self._tail(self.operand())

    def _condition_function(self) -> Function:
        name = self.advance().text.lower()
        self.expect("(")
        args: list[Any] = [self.path()]
        while self.accept(","):
            args.append(self.operand())
        self.expect(")")
        if len(args) != CONDITION_FUNCTIONS[name]:
            raise validation(f"Incorrect number of arguments for function {name}")
        return Function(name, tuple(args))

    def _tail(self, left: Any) -> Any:
        token = self.peek()
        if token.kind in COMPARATORS:
            self.advance()
            right = self.operand()
            if left is MISSING or right is MISSING:
                raise validation(MISSING_OPERAND)
            return Comparison(COMPARATORS[token.kind], left, right)
        if left is MISSING:
            raise validation(MISSING_OPERAND)
        negated = bool(self.accept_keyword("NOT"))
        if self.accept_keyword("BETWEEN"):
            low = self.operand()
            self.expect_keyword("AND")
            node: Any = Between(left, low, self.operand())
        elif self.accept_keyword("IN"):
            node = In(left, self._choices(left))
        elif not negated and self.accept_keyword("IS"):
            node = self._is(left)
        elif negated:
            raise self.unexpected()
        elif token.kind in (EOF, ")", ";") or token.is_keyword(*ENDS_CONDITION):
            raise validation(NOT_BOOLEAN)
        else:
            raise self.unexpected()
        return Not(node) if negated else node

    def _choices(self, left: Any) -> tuple[Any, ...]:
        invalid = validation(
            "IN operator must have a left hand argument of type Variable Reference and right "
            "hand argument of type Seq with at least one member"
        )
        if not isinstance(left, Path):
            raise invalid
        if self.peek().kind == PARAM:  # one parameter holding the whole list
            self.advance()
            listed = self.parameter()
            if not listed.get("L"):
                raise invalid
            return tuple(Value("", v) for v in listed["L"])
        close = {"[": "]", "(": ")"}.get(self.peek().kind)
        if close is None:
            raise self.unexpected()
        self.advance()
        if self.peek().kind == close:
            raise invalid
        choices = [self.operand()]
        while self.accept(","):
            choices.append(self.operand())
        self.expect(close)
        if any(choice is MISSING for choice in choices):
            raise validation(MISSING_OPERAND)
        return tuple(choices)

    def _is(self, left: Any) -> Any:
        negated = bool(self.accept_keyword("NOT"))
        token = self.advance()
        word = token.text.upper() if token.kind not in (EOF, STRING, NUMBER) else ""
        if word == "MISSING":
            test = "attribute_exists" if negated else "attribute_not_exists"
            if not isinstance(left, Path):
                raise validation(
                    "The left hand side argument to IS must be a Variable Reference, Literal, "
                    "or Path"
                )
            return Function(test, (left,))
        if word not in IS_TYPES:
            if token.kind == EOF:
                raise self.unexpected()
            raise validation(
                f"Unsupported data type for IS operator: {token.text}. Supported data types are "
                "[MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
            )
        node: Any = Function("attribute_type", (left, Value("", {"S": IS_TYPES[word]})))
        return Not(node) if negated else node

    def operand(self) -> Any:
        """A path, a value (MISSING included, for the caller to refuse), or size(path)."""
        if self.at_call():
            name = self.peek().text
            if name.lower() != "size":
                raise validation(f"Unrecognized function: {name}")
            self.advance()
            self.expect("(")
            inner = self.path()
            self.expect(")")
            return Function("size", (inner,))
        if self.at_name():
            return self.path()
        value = self.value()
        return value if value is MISSING else Value("", value)

    def path(self) -> Path:
        if self.peek().kind == "[":
            raise validation("A path cannot start with a list index")
        elements: list[str | int] = [self.name()]
        while True:
            if self.accept("."):
                if self.peek().kind == "*":
                    raise validation("Unpivot path component like a.*.b are not supported")
                elements.append(self.name())
            elif self.accept("["):
                elements.append(self._index())
                self.expect("]")
            else:
                return Path(tuple(elements))

    def _index(self) -> str | int:
        token = self.peek()
        if token.kind == "*":
            raise validation("Wildcard path component like a[*].b are not supported")
        if token.kind == NUMBER and token.text.isdigit():
            self.advance()
            return int(token.text)
        if token.kind == STRING:
            self.advance()
            return token.text
        raise self.unexpected()
