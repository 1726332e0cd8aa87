"""Recursive-descent parser of the PartiQL subset DynamoDB runs.

statement  := (select | insert | update | delete | exists) [";"]
select     := SELECT ("*" | path ("," path)*) FROM source [WHERE condition]
              [ORDER BY name [ASC | DESC] ("," ...)*]
insert     := INSERT INTO source VALUE {'name': value, ...}
update     := UPDATE source (SET name_path = update_value ("," ...)* | REMOVE path ("," ...)*)+
              [WHERE condition] [RETURNING (ALL | MODIFIED) (OLD | NEW) *]
delete     := DELETE FROM source [WHERE condition] [RETURNING ALL OLD *]
exists     := EXISTS "(" select ")"
source     := name ["." name]
update_value := term (("+" | "-") term)* | set_add(path, <<...>>) | set_delete(path, <<...>>)
term       := "(" update_value ")" | list_append(term, term) | if_not_exists(path, term)
            | path | value
"""

from __future__ import annotations

from typing import Any

from ..attribute_values import SET_TYPES
from ..errors import validation
from ..expressions import DynamoValidationError
from ..expressions.nodes import (
    AddAction,
    Arithmetic,
    DeleteAction,
    Function,
    Path,
    RemoveAction,
    SetAction,
    Value,
)
from .conditions import ConditionParser
from .errors import PARAMETER_COUNT, StatementSyntaxError, not_well_formed
from .lexer import EOF, tokenize
from .literals import MISSING
from .projection import result_name
from .statements import Delete, Exists, Insert, Select, Source, Statement, Update

DML_SOURCE = "FROM clause may only contain a single table name in data manipulation statements"
INSERT_MANY = (
    "Unsupported operation: Inserting multiple items in a single statement is not supported, "
    'use "INSERT INTO tableName VALUE item" instead'
)
RETURNING_SHAPE = "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"


def parse_statement(text: str, parameters: list[dict[str, Any]] | None) -> Statement:
    """The statement `text` with its `?` bound to `parameters`, or AWS's ValidationException."""
    parameters = parameters or []
    try:
        parser = StatementParser(tokenize(text), parameters)
        statement = parser.statement()
    except StatementSyntaxError as e:
        raise not_well_formed(e.detail) from None
    except DynamoValidationError as e:
        raise validation(e.message) from None
    # Extra parameters pass, as on DynamoDB; too few fail.
    if parser.parameters_used > len(parameters):
        raise validation(PARAMETER_COUNT)
    return statement


class StatementParser(ConditionParser):
    def statement(self) -> Statement:
        token = self.peek()
        statement: Statement
        if token.is_keyword("SELECT"):
            statement = self.select()
        elif token.is_keyword("INSERT"):
            statement = self.insert()
        elif token.is_keyword("UPDATE"):
            statement = self.update()
        elif token.is_keyword("DELETE"):
            statement = self.delete()
        elif token.is_keyword("EXISTS"):
            self.advance()
            self.expect("(")
            statement = Exists(self.select())
            self.expect(")")
        elif token.text.upper() in ("UPSERT", "REPLACE"):
            raise validation(f"Unsupported operation: {token.text.upper()}")
        else:
            raise StatementSyntaxError("Expected data manipulation")
        self.accept(";")
        if self.peek().kind != EOF:
            if self.peek().is_keyword("LIMIT"):
                raise validation("Unsupported clause: LIMIT")
            raise self.unexpected()
        return statement

    # -- SELECT ------------------------------------------------------------
    def select(self) -> Select:
        self.expect_keyword("SELECT")
        projection = self._projection()
        self.expect_keyword("FROM")
        source = self._source()
        where = self.condition() if self.accept_keyword("WHERE") else None
        order_by: list[tuple[str, bool]] = []
        if self.accept_keyword("ORDER"):
            self.expect_keyword("BY")
            while True:
                name = self.name()
                order_by.append((name, self.accept_keyword("ASC", "DESC") == "DESC"))
                if not self.accept(","):
                    break
        return Select(source, projection, where, tuple(order_by))

    def _projection(self) -> tuple[Path, ...] | None:
        star = "Other attributes should not be present in the projection when '*' is used."
        if self.accept("*"):
            if self.peek().kind == ",":
                raise validation(star)
            return None
        paths: list[Path] = []
        seen: set[str] = set()
        while True:
            if self.peek().kind == "*":
                raise validation(star)
            if self.at_call() or not self.at_name():
                raise self.unexpected()
            path = self.path()
            if self.peek().is_keyword("AS") or self.at_name():
                raise validation("Aliasing is not supported")
            label = result_name(path)
            if label in seen:
                raise validation(f"Duplicate identifiers in select clause: {label}")
            seen.add(label)
            paths.append(path)
            if not self.accept(","):
                return tuple(paths)

    def _source(self) -> Source:
        table = self.name()
        index = self.name() if self.accept(".") else None
        if self.peek().kind == ".":
            raise validation("A path may contain at most 2 components in the FROM clause")
        return Source(table, index)

    def _table(self) -> Source:
        source = self._source()
        if source.index is not None:
            raise validation(DML_SOURCE)
        return source

    # -- writes ------------------------------------------------------------
    def insert(self) -> Insert:
        self.expect_keyword("INSERT")
        self.expect_keyword("INTO")
        source = self._table()
        if self.peek().kind == "<<":
            raise validation(INSERT_MANY)
        self.expect_keyword("VALUE")
        if self.peek().kind == "<<":
            raise validation(INSERT_MANY)
        if self.peek().kind not in ("{", "?"):
            raise validation(
                "Unsupported format in item expression. Please use struct format {...} to "
                "express item values for insert statement."
            )
        item = self.value()
        if "M" not in item:
            raise validation("Unsupported data type: the item must be a map")
        if self.peek().is_keyword("RETURNING"):
            raise validation("RETURNING is not supported in INSERT")
        return Insert(source, item["M"])

    def update(self) -> Update:
        self.expect_keyword("UPDATE")
        source = self._table()
        actions: list[Any] = []
        while True:
            clause = self.accept_keyword("SET", "REMOVE")
            if clause is None:
                break
            while True:
                if clause == "SET":
                    actions.append(self._assignment())
                else:
                    actions.append(RemoveAction(self.path()))
                if not self.accept(","):
                    break
        if not actions:
            if self.peek().is_keyword("ADD", "DELETE"):
                raise validation(
                    "Only SET and REMOVE are supported in update expressions at this time"
                )
            raise self.unexpected()
        where = self.condition() if self.accept_keyword("WHERE") else None
        return Update(source, tuple(actions), where, self._returning())

    def delete(self) -> Delete:
        self.expect_keyword("DELETE")
        self.expect_keyword("FROM")
        source = self._table()
        where = self.condition() if self.accept_keyword("WHERE") else None
        returning = self._returning()
        if returning not in (None, "ALL OLD"):
            raise validation(
                f"Invalid returning clause: RETURNING {returning} *. Only RETURNING ALL OLD * is "
                "allowed in DELETE statements."
            )
        return Delete(source, where, returning)

    def _returning(self) -> str | None:
        if not self.accept_keyword("RETURNING"):
            return None
        which = self.advance().text.upper()
        age = self.advance().text.upper()
        if which not in ("ALL", "MODIFIED") or age not in ("OLD", "NEW") or not self.accept("*"):
            raise validation(RETURNING_SHAPE)
        return f"{which} {age}"

    def _assignment(self) -> Any:
        target = self.path()
        self.expect("=")
        if self.at_call() and self.peek().text.lower() in ("set_add", "set_delete"):
            return self._set_operation(target)
        return SetAction(target, self._sum())

    def _set_operation(self, target: Path) -> Any:
        kind = self.advance().text.upper().removeprefix("SET_")
        self.expect("(")
        args = [self._term()]
        while self.accept(","):
            args.append(self._term())
        self.expect(")")
        if len(args) != 2:
            raise validation(f"SET_{kind} must have exactly two arguments")
        if args[0] != target:
            raise validation(f"The first argument to SET_{kind} must equal the assignment value")
        value = args[1]
        if not isinstance(value, Value) or next(iter(value.value)) not in SET_TYPES:
            raise validation(f"The second argument to SET_{kind} must be a value with type SET")
        return AddAction(target, value) if kind == "ADD" else DeleteAction(target, value)

    def _sum(self) -> Any:
        node = self._term()
        while self.peek().kind in ("+", "-"):
            op = self.advance().kind
            node = Arithmetic(op, node, self._term())
        return node

    def _term(self) -> Any:
        if self.accept("("):
            inner = self._sum()
            self.expect(")")
            return inner
        if self.at_call():
            name = self.peek().text.lower()
            if name not in ("list_append", "if_not_exists"):
                raise validation(f"Unrecognized function: {self.peek().text}")
            self.advance()
            self.expect("(")
            first = self.path() if name == "if_not_exists" else self._term()
            self.expect(",")
            second = self._term()
            self.expect(")")
            return Function(name, (first, second))
        if self.at_name():
            return self.path()
        value = self.value()
        if value is MISSING:
            raise self.unexpected()
        return Value("", value)
