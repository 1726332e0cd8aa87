"""The States.* intrinsic functions: their own small parser and AWS's edge cases."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from strato.asl.errors import IntrinsicError

MAX_ARRAY_RANGE = 1000
MAX_BASE64_INPUT = 10000


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class PathArg:
    path: str


# Strings keep their escapes until Format sees them: `\{` must stay a literal brace there.
@dataclass(frozen=True)
class StringArg:
    raw: str

    @property
    def value(self) -> str:
        return re.sub(r"\\(.)", r"\1", self.raw, flags=re.S)


class IntrinsicSyntaxError(ValueError):
    pass


def is_intrinsic(text: Any) -> bool:
    return isinstance(text, str) and text.lstrip().startswith("States.")


def parse(text: str) -> Call:
    p = _Parser(text)
    node = p.expr()
    p.skip_ws()
    if p.pos != len(p.text) or not isinstance(node, Call):
        raise IntrinsicSyntaxError(f"The value for the field must be a valid intrinsic: {text}")
    return node


class _Parser:
    def __init__(self, text: str):
        self.text = text.strip()
        self.pos = 0

    def fail(self, why: str) -> IntrinsicSyntaxError:
        return IntrinsicSyntaxError(f"Invalid intrinsic function '{self.text}': {why}")

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def expr(self):
        self.skip_ws()
        t, i = self.text, self.pos
        if i >= len(t):
            raise self.fail("unexpected end")
        c = t[i]
        if c == "'":
            return self.string()
        if c == "$":
            return self.path()
        m = re.compile(r"States\.[A-Za-z0-9]+").match(t, i)
        if m:
            self.pos = m.end()
            self.skip_ws()
            if self.pos >= len(t) or t[self.pos] != "(":
                raise self.fail("expected '('")
            self.pos += 1
            args = []
            self.skip_ws()
            if self.pos < len(t) and t[self.pos] == ")":
                self.pos += 1
                return Call(m.group(0), ())
            while True:
                args.append(self.expr())
                self.skip_ws()
                if self.pos < len(t) and t[self.pos] == ",":
                    self.pos += 1
                    continue
                if self.pos < len(t) and t[self.pos] == ")":
                    self.pos += 1
                    return Call(m.group(0), tuple(args))
                raise self.fail("expected ',' or ')'")
        m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?").match(t, i)
        if m:
            self.pos = m.end()
            return Literal(json.loads(m.group(0)))
        for word, value in (("true", True), ("false", False), ("null", None)):
            if t.startswith(word, i):
                self.pos = i + len(word)
                return Literal(value)
        raise self.fail(f"unexpected '{c}'")

    def string(self) -> StringArg:
        t = self.text
        i = self.pos + 1
        out = []
        while i < len(t):
            c = t[i]
            if c == "\\" and i + 1 < len(t):
                out.append(t[i : i + 2])
                i += 2
                continue
            if c == "'":
                self.pos = i + 1
                return StringArg("".join(out))
            out.append(c)
            i += 1
        raise self.fail("unterminated string")

    def path(self) -> PathArg:
        t = self.text
        depth, quote = 0, None
        i = self.pos
        while i < len(t):
            c = t[i]
            if quote:
                if c == quote:
                    quote = None
            elif c in "'\"" and depth:
                quote = c
            elif c in "[(":
                depth += 1
            elif c in "])":
                if depth == 0:
                    break
                depth -= 1
            elif c == "," and depth == 0:
                break
            elif c.isspace() and depth == 0:
                break
            i += 1
        path = t[self.pos : i]
        self.pos = i
        return PathArg(path)


def evaluate(call: Call | str, resolve: Callable[[str], Any]) -> Any:
    """Run an intrinsic; `resolve` reads a path argument ($, $$ or $variable)."""
    if isinstance(call, str):
        call = parse(call)
    fn = FUNCTIONS.get(call.name)
    if fn is None:
        raise IntrinsicError(f"The function '{call.name}' is not supported")
    if call.name == "States.Format":
        args = [a if isinstance(a, StringArg) else _arg(a, resolve) for a in call.args]
    else:
        args = [_arg(a, resolve) for a in call.args]
    return fn(*args)


def _arg(node, resolve):
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, StringArg):
        return node.value
    if isinstance(node, PathArg):
        return resolve(node.path)
    return evaluate(node, resolve)


# --- the functions ---------------------------------------------------------------------


def _nargs(name: str, args: tuple, lo: int, hi: int | None = None) -> None:
    hi = lo if hi is None else hi
    if not lo <= len(args) <= hi:
        want = str(lo) if lo == hi else f"{lo} to {hi}"
        raise IntrinsicError(f"Function '{name}' expects {want} arguments but got {len(args)}")


def _is_int(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    return isinstance(v, int) or (isinstance(v, float) and v.is_integer())


def _need(cond: bool, msg: str) -> None:
    if not cond:
        raise IntrinsicError(msg)


def java_str(v: Any) -> str:
    """How AWS (Java) prints a JSON value inside States.Format."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, float):
        return json.dumps(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(java_str(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={java_str(x)}" for k, x in v.items()) + "}"
    return str(v)


def fn_format(*args):
    _need(len(args) >= 1, "Function 'States.Format' expects at least 1 argument")
    template = args[0]
    _need(isinstance(template, StringArg), "The first argument of States.Format must be a string")
    values = [a.value if isinstance(a, StringArg) else a for a in args[1:]]
    # Split on unescaped {} and unescape the rest.
    pieces = re.split(r"(?<!\\)\{\}", template.raw)
    _need(
        len(pieces) - 1 == len(values),
        f"Number of arguments in the format string ({len(pieces) - 1}) does not match "
        f"the number of arguments provided ({len(values)})",
    )
    out = []
    for i, piece in enumerate(pieces):
        out.append(re.sub(r"\\(.)", r"\1", piece, flags=re.S))
        if i < len(values):
            out.append(java_str(values[i]))
    return "".join(out)


def fn_string_to_json(*args):
    _nargs("States.StringToJson", args, 1)
    s = args[0]
    _need(isinstance(s, str), "The argument of States.StringToJson must be a string")
    if not s.strip():
        return None
    try:
        value = json.loads(s)
    except ValueError as exc:
        raise IntrinsicError(f"The string '{s}' is not valid JSON") from exc
    return value


def fn_json_to_string(*args):
    _nargs("States.JsonToString", args, 1)
    return json.dumps(args[0], separators=(",", ":"), ensure_ascii=False)


def fn_array(*args):
    return list(args)


def fn_array_partition(*args):
    _nargs("States.ArrayPartition", args, 2)
    arr, size = args
    _need(isinstance(arr, list), "The first argument of States.ArrayPartition must be an array")
    _need(_is_int(size) and size > 0, "Chunk size must be a positive integer")
    size = int(size)
    return [arr[i : i + size] for i in range(0, len(arr), size)]


def fn_array_contains(*args):
    _nargs("States.ArrayContains", args, 2)
    arr, value = args
    _need(isinstance(arr, list), "The first argument of States.ArrayContains must be an array")
    return any(_json_equal(x, value) for x in arr)


def _json_equal(a, b) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return a == b


def fn_array_range(*args):
    _nargs("States.ArrayRange", args, 3)
    start, end, step = args
    _need(all(_is_int(x) for x in args), "States.ArrayRange arguments must be integers")
    start, end, step = int(start), int(end), int(step)
    _need(step != 0, "States.ArrayRange step must not be 0")
    out = list(range(start, end + (1 if step > 0 else -1), step))
    _need(
        len(out) <= MAX_ARRAY_RANGE,
        f"States.ArrayRange cannot produce more than {MAX_ARRAY_RANGE} items",
    )
    return out


def fn_array_get_item(*args):
    _nargs("States.ArrayGetItem", args, 2)
    arr, index = args
    _need(isinstance(arr, list), "The first argument of States.ArrayGetItem must be an array")
    _need(_is_int(index) and index >= 0, "The index must be a non-negative integer")
    _need(int(index) < len(arr), f"Index {int(index)} is out of bounds for length {len(arr)}")
    return arr[int(index)]


def fn_array_length(*args):
    _nargs("States.ArrayLength", args, 1)
    _need(isinstance(args[0], list), "The argument of States.ArrayLength must be an array")
    return len(args[0])


def fn_array_unique(*args):
    _nargs("States.ArrayUnique", args, 1)
    _need(isinstance(args[0], list), "The argument of States.ArrayUnique must be an array")
    out: list = []
    for x in args[0]:
        if not any(_json_equal(x, y) for y in out):
            out.append(x)
    return out


def fn_base64_encode(*args):
    _nargs("States.Base64Encode", args, 1)
    s = args[0]
    _need(isinstance(s, str), "The argument of States.Base64Encode must be a string")
    _need(len(s) <= MAX_BASE64_INPUT, "The input is longer than 10000 characters")
    return base64.b64encode(s.encode()).decode()


def fn_base64_decode(*args):
    _nargs("States.Base64Decode", args, 1)
    s = args[0]
    _need(isinstance(s, str), "The argument of States.Base64Decode must be a string")
    _need(len(s) <= MAX_BASE64_INPUT, "The input is longer than 10000 characters")
    try:
        return base64.b64decode(s, validate=True).decode()
    except ValueError as exc:
        raise IntrinsicError(f"The string '{s}' is not valid base64") from exc


_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384"}
_HASHES["SHA-512"] = "sha512"


def fn_hash(*args):
    _nargs("States.Hash", args, 2)
    data, algorithm = args
    _need(data is not None, "The input data for States.Hash must not be null")
    _need(
        algorithm in _HASHES,
        f"The algorithm '{algorithm}' is not supported; use one of {', '.join(_HASHES)}",
    )
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    _need(len(text) <= MAX_BASE64_INPUT, "The input is longer than 10000 characters")
    return hashlib.new(_HASHES[algorithm], text.encode()).hexdigest()


def fn_json_merge(*args):
    _nargs("States.JsonMerge", args, 3)
    a, b, deep = args
    _need(isinstance(a, dict) and isinstance(b, dict), "States.JsonMerge merges two objects")
    _need(isinstance(deep, bool), "The third argument of States.JsonMerge must be a boolean")
    _need(not deep, "States.JsonMerge does not support deep merging (the flag must be false)")
    return {**a, **b}


def fn_math_random(*args):
    _nargs("States.MathRandom", args, 2, 3)
    _need(all(_is_int(x) for x in args), "States.MathRandom arguments must be integers")
    start, end = int(args[0]), int(args[1])
    _need(start < end, "The start of States.MathRandom must be less than its end")
    rng = random.Random(int(args[2])) if len(args) == 3 else random
    return rng.randrange(start, end)


def _round_half_up(v: float) -> int:
    return math.floor(v + 0.5)


def fn_math_add(*args):
    _nargs("States.MathAdd", args, 2)
    for v in args:
        _need(
            isinstance(v, int | float) and not isinstance(v, bool),
            "The arguments of States.MathAdd must be numbers",
        )
    return _round_half_up(args[0]) + _round_half_up(args[1])


def fn_string_split(*args):
    _nargs("States.StringSplit", args, 2)
    s, delims = args
    _need(isinstance(s, str) and isinstance(delims, str), "States.StringSplit takes two strings")
    if not delims:
        return [s] if s else []
    pieces = re.split("[" + re.escape(delims) + "]", s)
    return [p for p in pieces if p]


def fn_uuid(*args):
    _nargs("States.UUID", args, 0)
    return str(uuid.uuid4())


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "States.Format": fn_format,
    "States.StringToJson": fn_string_to_json,
    "States.JsonToString": fn_json_to_string,
    "States.Array": fn_array,
    "States.ArrayPartition": fn_array_partition,
    "States.ArrayContains": fn_array_contains,
    "States.ArrayRange": fn_array_range,
    "States.ArrayGetItem": fn_array_get_item,
    "States.ArrayLength": fn_array_length,
    "States.ArrayUnique": fn_array_unique,
    "States.Base64Encode": fn_base64_encode,
    "States.Base64Decode": fn_base64_decode,
    "States.Hash": fn_hash,
    "States.JsonMerge": fn_json_merge,
    "States.MathRandom": fn_math_random,
    "States.MathAdd": fn_math_add,
    "States.StringSplit": fn_string_split,
    "States.UUID": fn_uuid,
}
