"""Property tests where inputs are open-ended: numbers, key order, parsing, evaluation."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from strato.services.dynamodb import attribute_values as av
from strato.services.dynamodb.expressions import (
    DynamoValidationError,
    apply_update,
    evaluate,
    parse_condition,
    parse_projection,
    parse_update,
    project,
)
from strato.services.dynamodb.expressions.nodes import Path, Projection


@st.composite
def dynamo_numbers(draw) -> Decimal:
    """Any number DynamoDB stores: up to 38 significant digits, magnitude 1E-130..<1E126."""
    if draw(st.integers(0, 20)) == 0:
        return Decimal(0)
    digits = draw(st.integers(1, 38))
    coefficient = draw(st.integers(10 ** (digits - 1), 10**digits - 1))
    # exponents near each other often, so equal scales and shared prefixes get exercised
    exponent = draw(st.one_of(st.integers(-3, 3), st.integers(-130 - digits + 1, 125 - digits + 1)))
    exponent = max(-130 - digits + 1, min(125 - digits + 1, exponent))
    sign = draw(st.sampled_from([1, -1]))
    return Decimal(sign * coefficient).scaleb(exponent)


def _text(number: Decimal) -> str:
    return format(number, "E") if number else "0"


@given(dynamo_numbers(), dynamo_numbers())
def test_number_key_bytes_sort_like_the_numbers(a: Decimal, b: Decimal) -> None:
    ka, kb = av.sort_key_bytes({"N": _text(a)}), av.sort_key_bytes({"N": _text(b)})
    assert (ka < kb) == (a < b)
    assert (ka == kb) == (a == b)


@given(st.lists(dynamo_numbers(), min_size=2, max_size=30))
def test_sorting_by_key_bytes_sorts_numerically(numbers: list[Decimal]) -> None:
    by_bytes = sorted(numbers, key=lambda n: av.sort_key_bytes({"N": _text(n)}))
    assert by_bytes == sorted(numbers)


@given(st.text(), st.text())
def test_string_key_bytes_sort_like_dynamodb(a: str, b: str) -> None:
    ka, kb = av.sort_key_bytes({"S": a}), av.sort_key_bytes({"S": b})
    assert (ka < kb) == (av.compare({"S": a}, {"S": b}) == -1)


@given(st.binary(), st.binary())
def test_binary_key_bytes_sort_like_dynamodb(a: bytes, b: bytes) -> None:
    ka, kb = av.sort_key_bytes({"B": a}), av.sort_key_bytes({"B": b})
    assert (ka < kb) == (av.compare({"B": a}, {"B": b}) == -1)


@given(dynamo_numbers(), st.sampled_from(["E", "f", "e"]), st.integers(0, 3), st.integers(0, 3))
def test_normalised_numbers_keep_their_value_in_canonical_form(
    number: Decimal, style: str, leading: int, trailing: int
) -> None:
    text = format(number, style)
    if "." in text and "e" not in text.lower():
        text = text + "0" * trailing
    if text.lstrip("-")[:1].isdigit():
        text = text.replace(text.lstrip("-"), "0" * leading + text.lstrip("-"), 1)
    normal = av.normalize_number(text)
    assert Decimal(normal) == number
    assert av.normalize_number(normal) == normal
    assert "e" not in normal.lower() and not normal.startswith("+")
    body = normal.lstrip("-")
    assert body == "0" or not body.startswith("0") or body.startswith("0.")
    assert "." not in normal or not normal.endswith(("0", "."))
    assert normal != "-0"


@given(dynamo_numbers())
def test_number_size_depends_on_digits_not_on_scale(number: Decimal) -> None:
    size = av.number_size(_text(number))
    if number and abs(number.adjusted()) < 120:
        assert av.number_size(_text(number.scaleb(2))) == size  # shifting by base-100 digits
        assert av.number_size(_text(number.scaleb(-2))) == size
    if number > 0:
        assert av.number_size(_text(-number)) == size + 1


EXPRESSION_PIECES = st.sampled_from(
    ["a", "b.c", "#n", ":v", ":w", "[0]", "[", "]", "(", ")", ",", ".", "=", "<>", "<", ">=",
     "AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE", "+", "-",
     "size", "contains", "begins_with", "attribute_exists", "if_not_exists", "list_append",
     "status", "1", " ", "!", "#", ":", "é"]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(EXPRESSION_PIECES, max_size=14).map(" ".join))
def test_parsers_reject_garbage_only_with_validation_errors(text: str) -> None:
    names, values = {"#n": "n"}, {":v": {"N": "1"}, ":w": {"S": "w"}}
    for parse in (
        lambda: parse_condition(text, names, values),
        lambda: parse_update(text, names, values),
        lambda: parse_projection(text, names),
    ):
        try:
            parse()
        except DynamoValidationError as error:
            assert error.message.startswith("Invalid ")


@st.composite
def boolean_trees(draw, depth: int = 0):
    """(text, reference function) for random AND/OR/NOT trees over a0..a3 = :t."""
    if depth > 3 or draw(st.integers(0, 2)) == 0:
        i = draw(st.integers(0, 3))
        return f"a{i} = :t", lambda env, i=i: env[i]
    kind = draw(st.sampled_from(["AND", "OR", "NOT"]))
    if kind == "NOT":
        text, ref = draw(boolean_trees(depth + 1))
        return f"NOT ({text})", lambda env: not ref(env)
    lt, lref = draw(boolean_trees(depth + 1))
    rt, rref = draw(boolean_trees(depth + 1))
    if kind == "AND":
        return f"({lt}) AND ({rt})", lambda env: lref(env) and rref(env)
    return f"({lt}) OR ({rt})", lambda env: lref(env) or rref(env)


@settings(max_examples=200)
@given(boolean_trees(), st.lists(st.booleans(), min_size=4, max_size=4))
def test_logical_evaluation_matches_boolean_algebra(tree, env: list[bool]) -> None:
    text, reference = tree
    item = {f"a{i}": {"BOOL": flag} for i, flag in enumerate(env)}
    condition = parse_condition(text, None, {":t": {"BOOL": True}})
    assert evaluate(condition, item) is reference(env)


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from(["AND", "OR"]), min_size=1, max_size=5),
    st.lists(st.booleans(), min_size=6, max_size=6),
    st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_not_binds_tighter_than_and_which_binds_tighter_than_or(ops, env, negations) -> None:
    leaves = [("NOT " if negations[i] else "") + f"a{i} = :t" for i in range(len(ops) + 1)]
    text = leaves[0] + "".join(f" {op} {leaf}" for op, leaf in zip(ops, leaves[1:], strict=True))
    python = text.replace("AND", "and").replace("OR", "or").replace("NOT", "not")
    for i in range(len(ops) + 1):
        python = python.replace(f"a{i} = :t", str(env[i]))
    item = {f"a{i}": {"BOOL": flag} for i, flag in enumerate(env)}
    assert evaluate(parse_condition(text, None, {":t": {"BOOL": True}}), item) is eval(python)


@given(st.integers(1, 12).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(0, 14)))))
def test_removing_list_elements_refers_to_original_positions(case) -> None:
    length, indexes = case
    if not indexes:
        return
    item = {"l": {"L": [{"N": str(i)} for i in range(length)]}}
    update = parse_update("REMOVE " + ", ".join(f"l[{i}]" for i in sorted(indexes)), None, None)
    new, _ = apply_update(update, item)
    assert new["l"]["L"] == [{"N": str(i)} for i in range(length) if i not in indexes]


ATTRIBUTE_VALUES = st.recursive(
    st.one_of(
        st.text(max_size=5).map(lambda s: {"S": s}),
        st.integers(-1000, 1000).map(lambda n: {"N": str(n)}),
        st.booleans().map(lambda b: {"BOOL": b}),
        st.just({"NULL": True}),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda items: {"L": items}),
        st.dictionaries(st.sampled_from("xyz"), children, max_size=3).map(lambda m: {"M": m}),
    ),
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from(["p", "q", "r", "s"]), ATTRIBUTE_VALUES, min_size=1))
def test_projecting_every_attribute_returns_the_item(item: dict) -> None:
    projection = Projection(tuple(Path((name,)) for name in item))
    assert project(projection, item) == item
    assert av.item_size(item) == sum(av.item_size({k: v}) for k, v in item.items())
    for value in item.values():
        assert av.values_equal(value, value)
