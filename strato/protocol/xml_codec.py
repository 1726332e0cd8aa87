"""Shape-driven conversion between XML elements and provider values (rest-xml and query)."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from botocore.model import Shape

from .scalars import BadValue, format_scalar, parse_scalar

_NS = re.compile(r"^\{[^}]*\}")
_BODY_LOCATIONS = (None, "")


def parse_xml(data: bytes) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as e:
        raise BadValue(f"The XML you provided was not well-formed: {e}") from e


def tag(el: ElementTree.Element) -> str:
    return _NS.sub("", el.tag)


def member_xml_name(member: Shape, name: str) -> str:
    if member.type_name == "list" and member.serialization.get("flattened"):
        inner = member.member.serialization.get("name")
        if inner:
            return inner
    return member.serialization.get("name", name)


def from_xml(shape: Shape, el: ElementTree.Element | list[ElementTree.Element]) -> Any:
    t = shape.type_name
    if t == "structure":
        node = el[0] if isinstance(el, list) else el
        children: dict[str, list[ElementTree.Element]] = {}
        for child in node:
            children.setdefault(tag(child), []).append(child)
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            if member.serialization.get("location") not in _BODY_LOCATIONS:
                continue
            if member.serialization.get("xmlAttribute"):
                attr = _attribute(node, member.serialization.get("name", name))
                if attr is not None:
                    out[name] = parse_scalar(member.type_name, attr)
                continue
            flattened = member.type_name in ("list", "map") and member.serialization.get(
                "flattened"
            )
            found = children.get(member_xml_name(member, name))
            if found is None and flattened:
                found = children.get(member.serialization.get("name", name))
            if found is None:
                continue
            out[name] = from_xml(member, found if flattened else found[0])
        return out
    if t == "list":
        items = el if isinstance(el, list) else list(el)
        return [from_xml(shape.member, item) for item in items]
    if t == "map":
        entries = el if isinstance(el, list) else list(el)
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        result = {}
        for entry in entries:
            k = v = None
            for part in entry:
                if tag(part) == key_name:
                    k = from_xml(shape.key, part)
                elif tag(part) == value_name:
                    v = from_xml(shape.value, part)
            if k is not None:
                result[k] = v
        return result
    node = el[0] if isinstance(el, list) else el
    return parse_scalar(t, node.text or "")


def _attribute(node: ElementTree.Element, name: str) -> str | None:
    local = name.split(":")[-1]
    for key, value in node.attrib.items():
        if key == name or _NS.sub("", key) == local:
            return value
    return None


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def _ns_attr(shape: Shape) -> str:
    ns = shape.serialization.get("xmlNamespace")
    if not ns:
        return ""
    if isinstance(ns, dict):
        prefix = ns.get("prefix")
        attr = f"xmlns:{prefix}" if prefix else "xmlns"
        return f' {attr}="{_escape_attr(ns["uri"])}"'
    return f' xmlns="{_escape_attr(ns)}"'


INTERLEAVE = "__interleave__"


def _interleave(
    members, value: dict, sequence: list[str], out: list[str], timestamp_format: str
) -> None:
    """Write flattened list items in the order `sequence` names their members."""
    positions = dict.fromkeys(sequence, 0)
    for key in sequence:
        member = members[key]
        item = value[key][positions[key]]
        positions[key] += 1
        name = member.member.serialization.get("name", member.serialization.get("name", key))
        to_xml(member.member, item, name, out, timestamp_format=timestamp_format)


def to_xml(
    shape: Shape,
    value: Any,
    name: str,
    out: list[str],
    attrs: str = "",
    timestamp_format: str = "iso8601",
) -> None:
    """Append the XML for `value` as element `name` to `out`."""
    t = shape.type_name
    if t == "structure":
        members = shape.members
        head = [attrs or _ns_attr(shape)]
        body: list[str] = []
        # INTERLEAVE names flattened list members whose items share one document order.
        sequence = value.get(INTERLEAVE)
        interleaved = set(sequence or ())
        written = False
        for key, v in value.items():
            member = members.get(key)
            if v is None or member is None:
                continue
            if key in interleaved:
                if not written:
                    _interleave(members, value, sequence, body, timestamp_format)
                    written = True
                continue
            if member.serialization.get("location") not in _BODY_LOCATIONS:
                continue
            mname = member.serialization.get("name", key)
            if member.serialization.get("xmlAttribute"):
                head.append(f' {mname}="{_escape_attr(format_scalar(member.type_name, v))}"')
                continue
            to_xml(member, v, mname, body, timestamp_format=timestamp_format)
        out.append(f"<{name}{''.join(head)}>")
        out.extend(body)
        out.append(f"</{name}>")
    elif t == "list":
        member = shape.member
        if shape.serialization.get("flattened"):
            item_name = member.serialization.get("name", name)
            for item in value:
                to_xml(member, item, item_name, out, timestamp_format=timestamp_format)
        else:
            item_name = member.serialization.get("name", "member")
            out.append(f"<{name}{attrs or _ns_attr(shape)}>")
            for item in value:
                to_xml(member, item, item_name, out, timestamp_format=timestamp_format)
            out.append(f"</{name}>")
    elif t == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        flattened = shape.serialization.get("flattened")
        if not flattened:
            out.append(f"<{name}{attrs or _ns_attr(shape)}>")
        for k, v in value.items():
            out.append(f"<{name}>" if flattened else "<entry>")
            to_xml(shape.key, k, key_name, out, timestamp_format=timestamp_format)
            to_xml(shape.value, v, value_name, out, timestamp_format=timestamp_format)
            out.append(f"</{name}>" if flattened else "</entry>")
        if not flattened:
            out.append(f"</{name}>")
    else:
        fmt = shape.serialization.get("timestampFormat", timestamp_format)
        text = escape(format_scalar(t, value, fmt))
        out.append(f"<{name}{attrs or _ns_attr(shape)}>{text}</{name}>")
