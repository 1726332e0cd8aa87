"""GetRandomPassword: AWS's character classes and its one-of-each rule."""

from __future__ import annotations

import secrets
import string
from typing import Any

from ...auth import RequestContext
from .errors import invalid_parameter

PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def random_password(params: dict[str, Any]) -> str:
    length = params.get("PasswordLength", 32)
    if not 1 <= length <= 4096:
        raise invalid_parameter("Password length must be between 1 and 4096 characters.")
    excluded = set(params.get("ExcludeCharacters") or "")
    classes = []
    for flag, chars in (
        ("ExcludeLowercase", string.ascii_lowercase),
        ("ExcludeUppercase", string.ascii_uppercase),
        ("ExcludeNumbers", string.digits),
        ("ExcludePunctuation", PUNCTUATION),
    ):
        if not params.get(flag):
            allowed = "".join(c for c in chars if c not in excluded)
            if allowed:
                classes.append(allowed)
    if params.get("IncludeSpace") and " " not in excluded:
        classes.append(" ")
    if not classes:
        raise invalid_parameter("No characters are left to make a password from.")
    pool = "".join(classes)
    chars = [secrets.choice(pool) for _ in range(length)]
    if params.get("RequireEachIncludedType", True):
        if length < len(classes):
            raise invalid_parameter(
                "The password length is too short to include every required character type."
            )
        # One character from each class, at distinct random positions.
        positions = list(range(length))
        for cls in classes:
            chars[positions.pop(secrets.randbelow(len(positions)))] = secrets.choice(cls)
    return "".join(chars)


class PasswordOperations:
    def get_random_password(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        return {"RandomPassword": random_password(params)}
