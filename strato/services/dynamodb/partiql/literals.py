"""PartiQL values as AttributeValues: 'strings', numbers, TRUE/FALSE, NULL, [lists],
{'maps': ...}, <<sets>> and `?` parameters (bound in order from the request's Parameters)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..attribute_values import normalize_number, validate_value
from ..errors import validation
from .lexer import NUMBER, PARAM, STRING, Token
from .token_stream import TokenStream

AttributeValue = dict[str, Any]
# The literal MISSING: only `IS [NOT] MISSING` may use it.
MISSING: AttributeValue = {}


class LiteralParser(TokenStream):
    def __init__(self, tokens: list[Token], parameters: list[AttributeValue]) -> None:
        super().__init__(tokens)
        self.parameters = parameters
        self.parameters_used = 0

    def at_value(self) -> bool:
        token = self.peek()
        return token.kind in (STRING, NUMBER, PARAM, "-", "[", "{", "<<") or token.is_keyword(
            "TRUE", "FALSE", "NULL", "MISSING"
        )

    def value(self) -> AttributeValue:
        if not self.at_value():
            raise self.unexpected()
        token = self.advance()
        kind = token.kind
        if kind == STRING:
            return {"S": token.text}
        if kind == NUMBER:
            return {"N": normalize_number(token.text)}
        if kind == "-" and self.peek().kind == NUMBER:
            return {"N": normalize_number("-" + self.advance().text)}
        if kind == PARAM:
            return self.parameter()
        if token.is_keyword("TRUE", "FALSE"):
            return {"BOOL": token.text.upper() == "TRUE"}
        if token.is_keyword("NULL"):
            return {"NULL": True}
        if token.is_keyword("MISSING"):
            return MISSING
        if kind == "[":
            return {"L": self._elements("]")}
        if kind == "{":
            return {"M": self._tuple()}
        if kind == "<<":
            return self._bag()
        raise self.unexpected()

    def parameter(self) -> AttributeValue:
        """The next `?`'s value; a missing one is reported once the whole statement parsed."""
        n = self.parameters_used
        self.parameters_used += 1
        if n >= len(self.parameters):
            return {"NULL": True}
        return validate_value(self.parameters[n])

    def _elements(self, close: str) -> list[AttributeValue]:
        elements: list[AttributeValue] = []
        if self.accept(close):
            return elements
        while True:
            elements.append(self._member())
            if self.accept(close):
                return elements
            self.expect(",")

    def _member(self) -> AttributeValue:
        if self.peek().is_keyword("MISSING"):
            raise self.unexpected()
        return self.value()

    def _tuple(self) -> dict[str, AttributeValue]:
        members: dict[str, AttributeValue] = {}
        if self.accept("}"):
            return members
        while True:
            token = self.peek()
            if token.kind != STRING:
                if token.kind in (NUMBER, PARAM) or token.is_keyword("TRUE", "FALSE", "NULL"):
                    raise validation(
                        f"Tuple keys must be of type String. Actual type: {_kind(token)}"
                    )
                raise self.unexpected()
            key = self.advance().text
            self.expect(":")
            if key in members:
                raise validation(f"Duplicate keys in tuple. Key: {key}")
            members[key] = self._member()
            if self.accept("}"):
                return members
            self.expect(",")

    def _bag(self) -> AttributeValue:
        members: list[AttributeValue] = []
        if self.peek().kind == ">>":
            raise validation("Empty bags are not supported")
        while True:
            token = self.peek()
            if token.kind not in (STRING, NUMBER, "-"):
                if token.kind in (PARAM, "[", "{", "<<") or token.is_keyword(
                    "TRUE", "FALSE", "NULL"
                ):
                    raise validation(
                        "Unsupported data type in Bag. DynamoDB only supports either numbers "
                        "or strings in bags"
                    )
                raise self.unexpected()
            members.append(self.value())
            if self.accept(">>"):
                break
            self.expect(",")
        kinds = {next(iter(m)) for m in members}
        if len(kinds) > 1:
            raise validation(
                "Unsupported data type in Bag. DynamoDB only supports either numbers or strings "
                "in bags"
            )
        if kinds == {"S"}:
            texts = [m["S"] for m in members]
            if len(set(texts)) != len(texts):
                raise validation("Input collection contains duplicates")
            return {"SS": texts}
        numbers = [m["N"] for m in members]
        if len({Decimal(n) for n in numbers}) != len(numbers):
            raise validation("Input collection contains duplicates")
        return {"NS": numbers}


def _kind(token: Token) -> str:
    if token.kind == NUMBER:
        return "DECIMAL"
    if token.kind == PARAM:
        return "PARAMETER"
    return token.text.upper()
