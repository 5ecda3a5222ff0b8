"""schemathesis over the whole OpenAPI (bounded examples per operation), anonymous and signed in as programme
staff: no server error, every status code and content type documented, every answer valid against its
schema."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from django.test import Client
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories.accounts import UserFactory
from tests.factories.places import PlaceFactory


@pytest.fixture
def api_schema(db):
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    PlaceFactory.create_batch(5)
    # As Django's test client does: requests must not close the test's connection (its transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Operations with a rule OpenAPI cannot state, so a schema-valid request may get a (documented) 400.
SEMANTIC_CHECKS = {
    "GET /api/v1/places/clusters",
    "GET /api/v1/places",
}  # bbox: south ≤ north; around_insee: a code no commune bears
SETTINGS = hypothesis.settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)


def _staff_cookie() -> str:
    from tierslieux.accounts.roles import Role
    from tierslieux.accounts.services import user_grant_role

    user = UserFactory()
    user_grant_role(user=user, role=Role.PROGRAMME_STAFF)
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _runner(operation, headers: dict[str, str]):
    excluded = [positive_data_acceptance] if operation.label in SEMANTIC_CHECKS else []

    @hypothesis.given(case=operation.as_strategy())
    @SETTINGS
    def run(case):
        # The WSGI client does not decompress: ask for identity (gzip is tested in tests/core/test_health.py).
        case.call_and_validate(headers={"Accept-Encoding": "identity", **headers}, excluded_checks=excluded)

    return run


def _fuzz(schema, headers: dict[str, str]) -> tuple[int, list[str]]:
    """Run every operation with bounded generated examples (pytest 9 and schemathesis's pytest plugin do not
    get along, so the loop is here); returns (operations, failures)."""
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        run = _runner(operation, headers)
        try:
            run()
        except BaseException as error:  # schemathesis raises groups; every operation still runs
            if isinstance(error, KeyboardInterrupt):
                raise
            lines = [line.strip(" |+-") for line in str(error).splitlines()]
            found = sorted(
                {line for line in lines if line.startswith(("Received", "Documented", "ST", "Server"))}
            )
            failures.append(f"{operation.label}: {'; '.join(found) or lines[:3]}")
    return operations, failures


def test_api_anonymous(api_schema):
    operations, failures = _fuzz(api_schema, {})
    assert operations >= 20
    assert not failures, "\n\n".join(failures)


def test_api_signed_in_as_programme_staff(api_schema):
    operations, failures = _fuzz(api_schema, {"Cookie": _staff_cookie()})
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
