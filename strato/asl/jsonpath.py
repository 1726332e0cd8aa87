"""The JSONPath subset Step Functions accepts (Jayway semantics), read and write.

Written here rather than taken from jsonpath-ng: AWS needs Jayway's rules (definite vs
indefinite paths, `.length()`, its "No results for path" text, ResultPath writes that
create missing objects), which would mean wrapping most of a general library anyway.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from strato.asl.errors import PathNotFound

_MISSING = object()


@dataclass(frozen=True)
class Key:
    name: str


@dataclass(frozen=True)
class Index:
    index: int


@dataclass(frozen=True)
class Union:
    items: tuple  # of str or int


@dataclass(frozen=True)
class Wildcard:
    pass


@dataclass(frozen=True)
class Slice:
    start: int | None
    stop: int | None
    step: int | None


@dataclass(frozen=True)
class Filter:
    expr: Any


@dataclass(frozen=True)
class DeepScan:
    name: str | None  # None for `..*`


@dataclass(frozen=True)
class Length:
    pass


@dataclass(frozen=True)
class Path:
    text: str
    root: str  # "$" (data), "$$" (context) or "$name" (a variable)
    segments: tuple

    @property
    def definite(self) -> bool:
        return all(isinstance(s, Key | Index | Length) for s in self.segments)

    def normalized(self) -> str:
        """Jayway's canonical spelling, used in AWS's error messages: $['a'][0]."""
        out = self.root
        for s in self.segments:
            if isinstance(s, Key):
                out += f"['{s.name}']"
            elif isinstance(s, Index):
                out += f"[{s.index}]"
            elif isinstance(s, Wildcard):
                out += "[*]"
            elif isinstance(s, Length):
                out += ".length()"
            else:
                out += "[...]"
        return out


class JSONPathSyntaxError(ValueError):
    pass


_NAME_END = re.compile(r"[.\[]")
_cache: dict[str, Path] = {}


def parse(text: str) -> Path:
    cached = _cache.get(text)
    if cached is not None:
        return cached
    path = _Parser(text).parse()
    if len(_cache) < 4096:
        _cache[text] = path
    return path


def is_path(text: Any) -> bool:
    return isinstance(text, str) and text.startswith("$")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def fail(self, why: str) -> JSONPathSyntaxError:
        return JSONPathSyntaxError(f"Invalid JSONPath '{self.text}': {why}")

    def parse(self) -> Path:
        t = self.text.strip()
        self.text = t
        if not t.startswith("$"):
            raise self.fail("must start with '$'")
        if t.startswith("$$"):
            root, self.pos = "$$", 2
        else:
            m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)?", t)
            root, self.pos = m.group(0), m.end()
        segments = []
        while self.pos < len(t):
            segments.append(self.segment())
        return Path(t, root, tuple(segments))

    def segment(self):
        t = self.text
        if t.startswith("..", self.pos):
            self.pos += 2
            if self.pos < len(t) and t[self.pos] == "*":
                self.pos += 1
                return DeepScan(None)
            if self.pos < len(t) and t[self.pos] == "[":
                seg = self.bracket()
                if isinstance(seg, Key):
                    return DeepScan(seg.name)
                raise self.fail("unsupported deep scan")
            return DeepScan(self.name())
        if t[self.pos] == ".":
            self.pos += 1
            if self.pos >= len(t):
                raise self.fail("path must not end with '.'")
            if t[self.pos] == "*":
                self.pos += 1
                return Wildcard()
            name = self.name()
            if name == "length()" and self.pos >= len(t):
                return Length()
            return Key(name)
        if t[self.pos] == "[":
            return self.bracket()
        raise self.fail(f"unexpected character at position {self.pos}")

    def name(self) -> str:
        t = self.text
        if t.startswith("length()", self.pos):
            self.pos += len("length()")
            return "length()"
        m = _NAME_END.search(t, self.pos)
        end = m.start() if m else len(t)
        name = t[self.pos : end]
        if not name:
            raise self.fail("empty property name")
        self.pos = end
        return name

    def bracket(self):
        t = self.text
        end = _matching_bracket(t, self.pos)
        if end < 0:
            raise self.fail("unclosed '['")
        inner = t[self.pos + 1 : end].strip()
        self.pos = end + 1
        if inner == "*":
            return Wildcard()
        if inner.startswith("?"):
            body = inner[1:].strip()
            if body.startswith("(") and body.endswith(")"):
                body = body[1:-1]
            return Filter(_FilterParser(body, self.text).parse())
        parts = _split_top(inner, ",")
        items: list = []
        for part in parts:
            part = part.strip()
            if len(part) >= 2 and part[0] in "'\"" and part[-1] == part[0]:
                items.append(part[1:-1])
            elif ":" in part:
                if len(parts) != 1:
                    raise self.fail("slices cannot be combined")
                bits = [b.strip() for b in part.split(":")]
                nums = [int(b) if b else None for b in bits] + [None] * (3 - len(bits))
                return Slice(*nums[:3])
            elif re.fullmatch(r"-?\d+", part):
                items.append(int(part))
            else:
                raise self.fail(f"bad subscript '{part}'")
        if len(items) == 1:
            return Key(items[0]) if isinstance(items[0], str) else Index(items[0])
        return Union(tuple(items))


def _matching_bracket(t: str, start: int) -> int:
    depth, quote = 0, None
    for i in range(start, len(t)):
        c = t[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_top(s: str, sep: str) -> list[str]:
    out, cur, quote, depth = [], "", None, 0
    for c in s:
        if quote:
            cur += c
            if c == quote:
                quote = None
            continue
        if c in "'\"":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == sep and depth == 0:
            out.append(cur)
            cur = ""
            continue
        cur += c
    out.append(cur)
    return out


# --- filter expressions: [?(@.price < 10 && @.tag == 'x')] -------------------------

_FILTER_TOKEN = re.compile(
    r"\s*(?:(?P<op>==|!=|<=|>=|<|>|&&|\|\||!|\(|\))"
    r"|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<path>[@$](?:\.\.?[A-Za-z0-9_\-]+|\.length\(\)|\[[^\]]*\])*)"
    r"|(?P<word>(?:true|false|null)\b)"
    # An unquoted word is a string, as AWS reads `[?(@.category==home)]`.
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_\-]*))"
)


class _FilterParser:
    def __init__(self, body: str, full: str):
        self.tokens: list[tuple[str, Any]] = []
        pos = 0
        body = body.strip()
        while pos < len(body):
            m = _FILTER_TOKEN.match(body, pos)
            if not m or m.end() == pos:
                raise JSONPathSyntaxError(f"Invalid JSONPath '{full}': bad filter")
            pos = m.end()
            kind = m.lastgroup
            val = m.group(kind)
            if kind == "str":
                val = val[1:-1]
            elif kind == "num":
                val = json.loads(val)
            elif kind == "word":
                val = {"true": True, "false": False, "null": None}[val]
                kind = "lit"
            if kind in ("str", "num", "bare"):
                kind = "lit"
            self.tokens.append((kind, val))
        self.i = 0
        self.full = full

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def parse(self):
        expr = self.or_()
        if self.i != len(self.tokens):
            raise JSONPathSyntaxError(f"Invalid JSONPath '{self.full}': bad filter")
        return expr

    def or_(self):
        left = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            left = ("or", left, self.and_())
        return left

    def and_(self):
        left = self.unary()
        while self.peek() == ("op", "&&"):
            self.take()
            left = ("and", left, self.unary())
        return left

    def unary(self):
        if self.peek() == ("op", "!"):
            self.take()
            return ("not", self.unary())
        if self.peek() == ("op", "("):
            self.take()
            inner = self.or_()
            if self.take() != ("op", ")"):
                raise JSONPathSyntaxError(f"Invalid JSONPath '{self.full}': missing ')'")
            return inner
        left = self.operand()
        kind, val = self.peek()
        if kind == "op" and val in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return ("cmp", val, left, self.operand())
        return ("exists", left)

    def operand(self):
        kind, val = self.take()
        if kind == "lit":
            return ("lit", val)
        if kind == "path":
            rest = val[1:]
            return ("path", val[0], parse("$" + rest) if rest else parse("$"))
        raise JSONPathSyntaxError(f"Invalid JSONPath '{self.full}': bad filter operand")


def _eval_filter(expr, item, root) -> bool:
    op = expr[0]
    if op == "or":
        return _eval_filter(expr[1], item, root) or _eval_filter(expr[2], item, root)
    if op == "and":
        return _eval_filter(expr[1], item, root) and _eval_filter(expr[2], item, root)
    if op == "not":
        return not _eval_filter(expr[1], item, root)
    if op == "exists":
        return _operand(expr[1], item, root) is not _MISSING
    _, cmp, left, right = expr
    a, b = _operand(left, item, root), _operand(right, item, root)
    if a is _MISSING or b is _MISSING:
        return False
    if cmp == "==":
        return _json_eq(a, b)
    if cmp == "!=":
        return not _json_eq(a, b)
    num = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if not (isinstance(a, num) and isinstance(b, num)) and not (
        isinstance(a, str) and isinstance(b, str)
    ):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[cmp]


def _operand(node, item, root):
    if node[0] == "lit":
        return node[1]
    base = item if node[1] == "@" else root
    matches = _walk(base, node[2].segments, root)
    return matches[0] if matches else _MISSING


def _json_eq(a, b) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return a == b


# --- evaluation -----------------------------------------------------------------------


def _walk(value, segments, root) -> list:
    current = [value]
    for seg in segments:
        nxt: list = []
        for v in current:
            _apply(seg, v, root, nxt)
        current = nxt
    return current


def _apply(seg, v, root, out: list) -> None:
    if isinstance(seg, Key):
        if isinstance(v, dict) and seg.name in v:
            out.append(v[seg.name])
    elif isinstance(seg, Index):
        if isinstance(v, list):
            i = seg.index
            if -len(v) <= i < len(v):
                out.append(v[i])
    elif isinstance(seg, Union):
        for item in seg.items:
            _apply(Key(item) if isinstance(item, str) else Index(item), v, root, out)
    elif isinstance(seg, Wildcard):
        if isinstance(v, dict):
            out.extend(v.values())
        elif isinstance(v, list):
            out.extend(v)
    elif isinstance(seg, Slice):
        if isinstance(v, list):
            out.extend(v[seg.start : seg.stop : seg.step])
    elif isinstance(seg, Filter):
        items = v if isinstance(v, list) else list(v.values()) if isinstance(v, dict) else []
        out.extend(i for i in items if _eval_filter(seg.expr, i, root))
    elif isinstance(seg, DeepScan):
        _deep(v, seg.name, out)
    elif isinstance(seg, Length):
        if isinstance(v, list | str | dict):
            out.append(len(v))


def _deep(v, name, out: list) -> None:
    if isinstance(v, dict):
        if name is None:
            out.extend(v.values())
        elif name in v:
            out.append(v[name])
        for child in v.values():
            _deep(child, name, out)
    elif isinstance(v, list):
        if name is None:
            out.extend(v)
        for child in v:
            _deep(child, name, out)


def evaluate(path: str | Path, data: Any) -> Any:
    """The value at `path`: one value for a definite path, a list for an indefinite one.

    Raises PathNotFound when a definite path matches nothing.
    """
    p = parse(path) if isinstance(path, str) else path
    matches = _walk(data, p.segments, data)
    if p.definite:
        if not matches:
            raise PathNotFound(p.text, p.normalized())
        return matches[0]
    return matches


def assign(data: Any, path: str | Path, value: Any) -> Any:
    """Return `data` with `value` written at the definite `path` (ResultPath semantics).

    Missing objects on the way are created; raises PathNotFound when the way is blocked
    by a value that is not an object (AWS: States.ResultPathMatchFailure).
    """
    p = parse(path) if isinstance(path, str) else path
    if not p.segments:
        return value
    if not p.definite:
        raise PathNotFound(p.text, p.normalized())
    root = _copy(data) if isinstance(data, dict | list) else data
    if not isinstance(root, dict | list):
        if isinstance(p.segments[0], Key) and root is None:
            root = {}
        else:
            raise PathNotFound(p.text, p.normalized())
    node = root
    for i, seg in enumerate(p.segments):
        last = i == len(p.segments) - 1
        if isinstance(seg, Key):
            if not isinstance(node, dict):
                raise PathNotFound(p.text, p.normalized())
            if last:
                node[seg.name] = value
            else:
                child = node.get(seg.name, _MISSING)
                if child is _MISSING or child is None:
                    child = {}
                elif isinstance(child, dict | list):
                    child = _copy(child)
                else:
                    raise PathNotFound(p.text, p.normalized())
                node[seg.name] = child
                node = child
        elif isinstance(seg, Index):
            if not isinstance(node, list) or not -len(node) <= seg.index < len(node):
                raise PathNotFound(p.text, p.normalized())
            if last:
                node[seg.index] = value
            else:
                child = node[seg.index]
                if not isinstance(child, dict | list):
                    raise PathNotFound(p.text, p.normalized())
                child = _copy(child)
                node[seg.index] = child
                node = child
        else:
            raise PathNotFound(p.text, p.normalized())
    return root


def _copy(v):
    return dict(v) if isinstance(v, dict) else list(v)
