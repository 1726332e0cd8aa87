"""IP addresses and CIDR blocks as EventBridge reads them."""

import ipaddress
import re

from .errors import InvalidEventPattern

# Only literals of these shapes count as IP addresses (AWS never resolves host names).
_IPV4 = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$")
_IPV6 = re.compile(r"^[0-9a-fA-F:]+(:[0-9]{1,3}(\.[0-9]{1,3}){3})?$")


def ip_value(text: str) -> tuple[int, int] | None:
    """(version, integer) for an IPv4/IPv6 literal, else None."""
    if not (_IPV4.match(text) or (":" in text and _IPV6.match(text))):
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.version, int(address)


def cidr_range(text: str) -> tuple[int, int, int]:
    """(version, low, high) for a `cidr` pattern; low is the address as written, as on AWS."""
    pieces = text.split("/")
    while pieces and pieces[-1] == "":  # Java's split drops trailing empty strings
        pieces.pop()
    if len(pieces) != 2:
        raise InvalidEventPattern("Malformed CIDR, one '/' required")
    try:
        mask = int(pieces[1])
    except ValueError:
        raise InvalidEventPattern("Malformed CIDR, mask bits must be an integer") from None
    if mask < 0:
        raise InvalidEventPattern("Malformed CIDR, mask bits must not be negative")
    ip = ip_value(pieces[0])
    if ip is None:
        raise InvalidEventPattern(f"Nonstandard IP address: {pieces[0]}")
    version, low = ip
    bits = 32 if version == 4 else 128
    if mask > bits - 1:
        raise InvalidEventPattern(f"IPv{version} mask bits must be < {bits}")
    host = (1 << (bits - mask)) - 1
    return version, low, low | host
