"""Property tests: the operators agree with their plain-Python meaning on open-ended input."""

import ipaddress
import json
import re

from hypothesis import given
from hypothesis import strategies as st

from strato.services.events.patterns import compile_pattern

texts = st.text(max_size=12)
# Numbers with at most six decimals inside AWS's range, where comparison must be exact.
numbers = st.one_of(
    st.integers(min_value=-5_000_000_000, max_value=5_000_000_000),
    st.decimals(min_value=-1_000_000, max_value=1_000_000, places=6).map(float),
)


def match(ops: list, value) -> bool:
    return compile_pattern(json.dumps({"f": ops})).matches({"f": value})


@given(texts, texts)
def test_prefix_is_startswith(prefix: str, value: str) -> None:
    assert match([{"prefix": prefix}], value) is value.startswith(prefix)


@given(texts, texts)
def test_suffix_is_endswith(suffix: str, value: str) -> None:
    assert match([{"suffix": suffix}], value) is value.endswith(suffix)


@given(st.text(min_size=1, max_size=12), texts)
def test_anything_but_prefix_is_not_startswith(prefix: str, value: str) -> None:
    assert match([{"anything-but": {"prefix": prefix}}], value) is not value.startswith(prefix)


@given(texts, texts)
def test_equals_ignore_case_is_lower_equality(a: str, b: str) -> None:
    assert match([{"equals-ignore-case": a}], b) is (a.lower() == b.lower())


@given(texts, texts)
def test_exact_and_anything_but_are_complements(a: str, b: str) -> None:
    assert match([a], b) is (a == b)
    assert match([{"anything-but": a}], b) is (a != b)


@given(numbers, numbers, st.sampled_from(["<", "<=", "=", ">=", ">"]))
def test_numeric_agrees_with_python(bound, value, op) -> None:
    expected = {
        "<": value < bound,
        "<=": value <= bound,
        "=": value == bound,
        ">=": value >= bound,
        ">": value > bound,
    }[op]
    assert match([{"numeric": [op, bound]}], value) is expected


@given(numbers, numbers, numbers)
def test_numeric_range_agrees_with_python(a, b, value) -> None:
    low, high = sorted((a, b))
    if low == high:
        return
    assert match([{"numeric": [">", low, "<=", high]}], value) is (low < value <= high)


@given(numbers)
def test_exact_number_ignores_int_float_spelling(value) -> None:
    assert match([value], float(value))
    assert not match([value], str(value))


@given(st.lists(st.sampled_from("ab*"), max_size=8).map("".join), st.text("abc", max_size=8))
def test_wildcard_is_glob_star(pattern: str, value: str) -> None:
    if "**" in pattern:
        return
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    assert match([{"wildcard": pattern}], value) is (re.fullmatch(regex, value) is not None)


@given(st.ip_addresses(v=4), st.integers(min_value=0, max_value=31), st.ip_addresses(v=4))
def test_cidr_v4_agrees_with_ipaddress(base, bits, address) -> None:
    network = ipaddress.ip_network(f"{base}/{bits}", strict=False)
    # AWS's range starts at the address as written, not at the network address
    expected = int(base) <= int(address) <= int(network.broadcast_address)
    assert match([{"cidr": f"{base}/{bits}"}], str(address)) is expected


@given(st.lists(texts, min_size=1, max_size=4), texts)
def test_array_event_matches_if_any_element_does(elements: list[str], wanted: str) -> None:
    assert match([wanted], elements) is (wanted in elements)
