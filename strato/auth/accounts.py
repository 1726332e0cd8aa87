"""Access keys and the accounts they belong to: built-in, from the config file, added at run time,
and temporary (STS) keys that carry a session token, a principal and an expiry."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from ..store import Store, keys

DEFAULT_ACCOUNT = "000000000000"
_NS = "auth:access_keys"
_TEMPORARY_NS = "auth:temporary_keys"


@dataclass(frozen=True)
class AccessKey:
    access_key_id: str
    secret_access_key: str
    account_id: str
    user_name: str | None = None
    # Temporary keys only (STS): the token requests must carry, when it lapses, who they act as.
    session_token: str | None = None
    expires_at: float | None = None
    principal: str | None = None
    user_id: str | None = None

    @property
    def temporary(self) -> bool:
        return self.session_token is not None

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    @property
    def principal_arn(self) -> str:
        if self.principal:
            return self.principal
        if self.user_name:
            return f"arn:aws:iam::{self.account_id}:user/{self.user_name}"
        return f"arn:aws:iam::{self.account_id}:root"


class AccountRegistry:
    """Looks access keys up: `test`/`test` always, then the config file, then the store."""

    def __init__(self, store: Store | None, config_path: str | None = None) -> None:
        self._store = store
        self._static: dict[str, AccessKey] = {
            "test": AccessKey("test", "test", DEFAULT_ACCOUNT),
        }
        if config_path and os.path.exists(config_path):
            with open(config_path) as f:
                for entry in json.load(f).get("accounts", []):
                    key = AccessKey(
                        entry["access_key_id"],
                        entry["secret_access_key"],
                        entry["account_id"],
                        entry.get("user_name"),
                    )
                    self._static[key.access_key_id] = key

    def lookup(self, access_key_id: str) -> AccessKey | None:
        found = self._static.get(access_key_id)
        if found is None and self._store is not None:
            record = self._store.get(_NS, keys.pack(access_key_id))
            if record is None:
                record = self._store.get(_TEMPORARY_NS, keys.pack(access_key_id))
            if record is not None:
                found = AccessKey(**record)
        return found

    def add_temporary(
        self,
        access_key_id: str,
        secret_access_key: str,
        session_token: str,
        account_id: str,
        principal_arn: str,
        user_id: str,
        expires_at: float,
    ) -> AccessKey:
        """Register STS credentials: valid until `expires_at` (epoch seconds, platform clock),
        only with their session token, acting as `principal_arn` in `account_id`.
        Kept in the store, so they survive a restart; expired ones stay to answer ExpiredToken."""
        if self._store is None:
            raise RuntimeError("no store to add the access key to")
        key = AccessKey(
            access_key_id,
            secret_access_key,
            account_id,
            session_token=session_token,
            expires_at=expires_at,
            principal=principal_arn,
            user_id=user_id,
        )
        self._store.put(_TEMPORARY_NS, keys.pack(access_key_id), asdict(key))
        return key

    def add(self, key: AccessKey) -> None:
        if self._store is None:
            raise RuntimeError("no store to add the access key to")
        if not (key.account_id.isdigit() and len(key.account_id) == 12):
            raise ValueError("an account id is 12 digits")
        self._store.put(_NS, keys.pack(key.access_key_id), asdict(key))

    def all(self) -> list[AccessKey]:
        found = dict(self._static)
        if self._store is not None:
            for _, record in self._store.scan(_NS):
                found[record["access_key_id"]] = AccessKey(**record)
        return list(found.values())
