"""What every provider is built with: the store, the clock, the settings and the access keys."""

from __future__ import annotations

from dataclasses import dataclass

from .auth.accounts import AccountRegistry
from .clock import Clock
from .config import Settings
from .store import Store, open_store


@dataclass
class Platform:
    settings: Settings
    store: Store
    clock: Clock
    accounts: AccountRegistry

    @classmethod
    def open(cls, settings: Settings) -> Platform:
        store = open_store(settings.state_dir)
        return cls(
            settings=settings,
            store=store,
            clock=Clock(),
            accounts=AccountRegistry(store, settings.config_file),
        )

    def close(self) -> None:
        self.store.close()
