import pytest


@pytest.fixture(scope="session")
def sfn(client_factory):
    # StartSyncExecution's model asks for a `sync-` host prefix, which a loopback IP lacks.
    return client_factory("stepfunctions", inject_host_prefix=False)
