"""Verify AWS request signatures: SigV4 (header and presigned query) and S3's legacy SigV2."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from ..protocol.request import HttpRequest
from .accounts import AccessKey, AccountRegistry

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED = "UNSIGNED-PAYLOAD"


class AuthFailure(Exception):
    """kind: 'unknown_key', 'bad_signature', 'expired', 'bad_token', 'expired_token', 'malformed'."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class Credential:
    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str
    amz_date: str
    presigned: bool = False
    expires: int | None = None
    sigv2: bool = False

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def read_credential(req: HttpRequest) -> Credential | None:
    """The signature a request carries, if any (no verification yet)."""
    auth = req.headers.get("authorization")
    if auth:
        if auth.startswith(ALGORITHM):
            parts = {}
            for item in auth[len(ALGORITHM) :].split(","):
                k, _, v = item.strip().partition("=")
                parts[k] = v
            scope = parts.get("Credential", "").split("/")
            if len(scope) != 5:
                raise AuthFailure("malformed", "Authorization header is malformed")
            return Credential(
                access_key_id=scope[0],
                date=scope[1],
                region=scope[2],
                service=scope[3],
                signed_headers=parts.get("SignedHeaders", "").split(";"),
                signature=parts.get("Signature", ""),
                amz_date=req.headers.get("x-amz-date") or req.headers.get("date", ""),
            )
        if auth.startswith("AWS "):
            key, _, sig = auth[4:].partition(":")
            return Credential(key, "", "us-east-1", "s3", [], sig, "", sigv2=True)
        raise AuthFailure("malformed", "Unsupported Authorization Type")
    q = req.query_dict()
    if "X-Amz-Credential" in q:
        scope = q["X-Amz-Credential"].split("/")
        if len(scope) != 5 or q.get("X-Amz-Algorithm") != ALGORITHM:
            raise AuthFailure("malformed", "X-Amz-Credential is malformed")
        try:
            expires = int(q.get("X-Amz-Expires", "0"))
        except ValueError as e:
            raise AuthFailure("malformed", "X-Amz-Expires must be a number") from e
        return Credential(
            access_key_id=scope[0],
            date=scope[1],
            region=scope[2],
            service=scope[3],
            signed_headers=q.get("X-Amz-SignedHeaders", "host").split(";"),
            signature=q.get("X-Amz-Signature", ""),
            amz_date=q.get("X-Amz-Date", ""),
            presigned=True,
            expires=expires,
        )
    if "AWSAccessKeyId" in q and "Signature" in q:
        try:
            expires = int(q.get("Expires", "0"))
        except ValueError as e:
            raise AuthFailure("malformed", "Expires must be a number") from e
        return Credential(
            q["AWSAccessKeyId"],
            "",
            "us-east-1",
            "s3",
            [],
            q["Signature"],
            "",
            presigned=True,
            expires=expires,
            sigv2=True,
        )
    return None


def verify(
    req: HttpRequest,
    cred: Credential,
    accounts: AccountRegistry,
    now: float,
    *,
    check_signature: bool = True,
) -> AccessKey:
    """The caller's access key if the signature is right; AuthFailure otherwise."""
    key = accounts.lookup(cred.access_key_id)
    if key is None:
        if not check_signature:
            default = accounts.lookup("test")
            assert default is not None
            return default
        raise AuthFailure(
            "unknown_key", "The AWS Access Key Id you provided does not exist in our records."
        )
    if not check_signature:
        return key
    if key.temporary:
        _check_session_token(req, key, now)
    if cred.sigv2:
        _verify_sigv2(req, cred, key, now)
        return key
    expected = signature_v4(req, cred, key.secret_access_key)
    if not hmac.compare_digest(expected, cred.signature):
        raise AuthFailure(
            "bad_signature",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
        )
    if cred.presigned:
        try:
            signed_at = dt.datetime.strptime(cred.amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError as e:
            raise AuthFailure("malformed", "X-Amz-Date is malformed") from e
        if now > signed_at.timestamp() + (cred.expires or 0):
            raise AuthFailure("expired", "Request has expired")
    return key


def _check_session_token(req: HttpRequest, key: AccessKey, now: float) -> None:
    """Temporary keys work only with their own session token, and only until they expire."""
    token = req.headers.get("x-amz-security-token") or req.query_dict().get("X-Amz-Security-Token")
    if not token or not hmac.compare_digest(token, key.session_token or ""):
        raise AuthFailure("bad_token", "The security token included in the request is invalid.")
    if key.expired(now):
        raise AuthFailure("expired_token", "The security token included in the request is expired")


def signature_v4(req: HttpRequest, cred: Credential, secret: str) -> str:
    canonical = canonical_request(req, cred)
    string_to_sign = "\n".join(
        [ALGORITHM, cred.amz_date, cred.scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = signing_key(secret, cred.date, cred.region, cred.service)
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=256)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    k = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def canonical_request(req: HttpRequest, cred: Credential) -> str:
    if cred.service == "s3":
        path = req.raw_path or "/"
    else:
        # Every service but S3 signs the path encoded a second time.
        path = quote(req.raw_path or "/", safe="/~")
    pairs = []
    for k, v in req.query:
        if cred.presigned and k == "X-Amz-Signature":
            continue
        pairs.append((quote(k, safe="-_.~"), quote(v, safe="-_.~")))
    pairs.sort()
    query = "&".join(f"{k}={v}" for k, v in pairs)
    headers = []
    for name in cred.signed_headers:
        value = req.headers.get(name, "")
        headers.append(f"{name}:{' '.join(value.split())}\n")
    if cred.presigned:
        payload = UNSIGNED if cred.service == "s3" else EMPTY_SHA256
        payload = req.query_dict().get("X-Amz-Content-Sha256", payload)
    else:
        payload = req.headers.get("x-amz-content-sha256") or _body_sha256(req)
    return "\n".join(
        [req.method, path, query, "".join(headers), ";".join(cred.signed_headers), payload]
    )


def _body_sha256(req: HttpRequest) -> str:
    h = hashlib.sha256()
    if isinstance(req.body, (bytes, bytearray)):
        h.update(req.body)
    else:
        req.body.seek(0)
        for chunk in iter(lambda: req.body.read(1 << 20), b""):
            h.update(chunk)
        req.body.seek(0)
    return h.hexdigest()


def payload_hash_matches(req: HttpRequest) -> bool:
    """A body whose x-amz-content-sha256 is a real digest must hash to it."""
    claimed = req.headers.get("x-amz-content-sha256")
    if not claimed or len(claimed) != 64:
        return True
    return hmac.compare_digest(claimed, _body_sha256(req))


# -- S3's legacy signature (generate_presigned_url's default) ---------------
_SIGV2_SUBRESOURCES = (
    "acl cors delete lifecycle location logging notification partNumber policy requestPayment "
    "restore tagging torrent uploadId uploads versionId versioning versions website "
    "response-cache-control response-content-disposition response-content-encoding "
    "response-content-language response-content-type response-expires"
).split()


def _verify_sigv2(req: HttpRequest, cred: Credential, key: AccessKey, now: float) -> None:
    h = req.headers
    if cred.presigned:
        date_part = str(cred.expires)
    else:
        date_part = "" if "x-amz-date" in h else h.get("date", "")
    amz = sorted((k, v.strip()) for k, v in h.items() if k.startswith("x-amz-"))
    amz_lines = "".join(f"{k}:{v}\n" for k, v in amz)
    q = req.query_dict()
    sub = sorted(k for k in q if k in _SIGV2_SUBRESOURCES)
    resource = req.extras_path or req.raw_path
    if sub:
        resource += "?" + "&".join(f"{k}={q[k]}" if q[k] != "" else k for k in sub)
    string_to_sign = (
        f"{req.method}\n{h.get('content-md5', '')}\n{h.get('content-type', '')}\n"
        f"{date_part}\n{amz_lines}{resource}"
    )
    digest = hmac.new(
        key.secret_access_key.encode(), string_to_sign.encode(), hashlib.sha1
    ).digest()
    expected = base64.b64encode(digest).decode()
    if not hmac.compare_digest(expected, cred.signature):
        raise AuthFailure(
            "bad_signature",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
        )
    if cred.presigned and now > (cred.expires or 0):
        raise AuthFailure("expired", "Request has expired")


def verify_chunk_signatures(cred: Credential, secret: str, chunks: list[tuple[str, str]]) -> None:
    """Each chunk of a signed stream signs its data and the previous chunk's signature."""
    key = signing_key(secret, cred.date, cred.region, cred.service)
    previous = cred.signature
    for data_sha256, sig in chunks:
        string_to_sign = "\n".join(
            [f"{ALGORITHM}-PAYLOAD", cred.amz_date, cred.scope, previous, EMPTY_SHA256, data_sha256]
        )
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, sig):
            raise AuthFailure(
                "bad_signature",
                "The request signature we calculated does not match the signature you provided.",
            )
        previous = sig
