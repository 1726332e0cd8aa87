"""ETags and the flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) S3 stores and checks."""

from __future__ import annotations

import base64
import hashlib
import zlib

from ...protocol import ServiceError

try:  # awscrt computes CRC32C and CRC64NVME in C; without it we store them unverified
    from awscrt import checksums as _crt
except ImportError:  # pragma: no cover
    _crt = None

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")


class _Crc:
    def __init__(self, fn, width: int) -> None:
        self._fn = fn
        self._width = width
        self._value = 0

    def update(self, data: bytes) -> None:
        self._value = self._fn(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._width, "big")


def hasher(algorithm: str):
    """An object with update()/digest() for `algorithm`, or None if it cannot be computed here."""
    if algorithm == "CRC32":
        return _Crc(zlib.crc32, 4)
    if algorithm == "SHA1":
        return hashlib.sha1()
    if algorithm == "SHA256":
        return hashlib.sha256()
    if _crt is None:
        return None
    if algorithm == "CRC32C":
        return _Crc(_crt.crc32c, 4)
    if algorithm == "CRC64NVME":
        return _Crc(_crt.crc64nvme, 8)
    return None


def encoded(h) -> str:
    return base64.b64encode(h.digest()).decode()


def requested(params: dict) -> dict[str, str]:
    """The checksums a request carries, by algorithm: {"CRC32": "base64..."}."""
    found = {}
    for alg in ALGORITHMS:
        value = params.get(f"Checksum{alg}")
        if value:
            found[alg] = value
    return found


def prepare(params: dict) -> tuple[dict[str, object], list]:
    """Hashers to run over the body for every checksum the client sent or asked for."""
    wanted = dict.fromkeys(requested(params))
    alg = params.get("ChecksumAlgorithm")
    if alg and alg.upper() in ALGORITHMS:
        wanted.setdefault(alg.upper(), None)
    hashers = {}
    for name in wanted:
        h = hasher(name)
        if h is not None:
            hashers[name] = h
    return hashers, list(hashers.values())


def verify(params: dict, hashers: dict[str, object]) -> dict[str, str]:
    """Compare computed checksums with the ones sent; return what to store."""
    sent = requested(params)
    result = dict(sent)
    for name, h in hashers.items():
        value = encoded(h)
        if name in sent and sent[name] != value:
            raise ServiceError(
                "BadDigest",
                f"The {name} you specified did not match the calculated checksum.",
                400,
            )
        result[name] = value
    return result


def check_content_md5(params: dict, md5_hex: str) -> None:
    sent = params.get("ContentMD5")
    if not sent:
        return
    try:
        sent_hex = base64.b64decode(sent, validate=True).hex()
    except ValueError as e:
        raise ServiceError(
            "InvalidDigest", "The Content-MD5 you specified was invalid.", 400, Content_MD5=sent
        ) from e
    if len(sent_hex) != 32:
        raise ServiceError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400)
    if sent_hex != md5_hex:
        raise ServiceError(
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
            400,
            ExpectedDigest=sent_hex,
            CalculatedDigest=md5_hex,
        )


def multipart_etag(part_md5_hexes: list[str]) -> str:
    joined = b"".join(bytes.fromhex(h) for h in part_md5_hexes)
    return f'"{hashlib.md5(joined).hexdigest()}-{len(part_md5_hexes)}"'
