"""Clients and deployments for the example applications' end-to-end tests (session server)."""

from __future__ import annotations

import pytest
from example_helpers import delete_functions, deploy


@pytest.fixture(scope="session")
def lambda_client(client_factory):
    return client_factory("lambda", read_timeout=60)


@pytest.fixture(scope="session")
def logs_client(client_factory):
    return client_factory("logs")


@pytest.fixture(scope="session")
def cloudwatch_client(client_factory):
    return client_factory("cloudwatch")


@pytest.fixture
def deploy_example(endpoint, lambda_client):
    """Run an example's deploy.py with --name; its functions are deleted afterwards.

    The function is called `name` unless `functions` lists the names the example derives.
    """
    names: list[str] = []

    def run(example: str, name: str, *args: str, functions: tuple[str, ...] = ()) -> str:
        names.extend(functions or (name,))
        return deploy(example, endpoint, "--name", name, *args)

    yield run
    delete_functions(lambda_client, names)
