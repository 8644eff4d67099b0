"""A bounded schemathesis pass over the whole OpenAPI document, as a province officer and as
a commune officer: no server error, every answer as the document describes it (status,
content type, body). Fixed seed and few examples per operation so that it stays a few minutes
on two cores; `schemathesis run` against a served demo goes further (docs/api.md)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from danso.accounts.models import Role
from danso.register import services
from danso.wsgi import application

# The examples and fuzzing phases, bounded below; the coverage phase (hundreds of boundary
# cases an operation) runs in the longer `schemathesis run` of docs/api.md.
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI app sends request_started/finished, whose close_old_connections would close
    the test's connection (it is in a transaction) after the first request: on PostgreSQL the
    next one then fails. Django's test client disconnects them the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["province", "commune"])
def caller(request, two_communes, make_user):
    """A token of a province officer or a commune officer, with a household and a person of
    the commune so that some generated ids exist."""
    from danso.accounts.models import AccessToken

    a = two_communes["a"]
    services.create_household(a["village"], number="1", address="", user=a["user"])
    if request.param == "province":
        user = make_user("tinh", Role.PROVINCE, two_communes["province"])
    else:
        user = a["user"]
    _, token = AccessToken.issue(user, "schemathesis")
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@seed(16)
@settings(max_examples=3, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_api_answers_as_documented(case, caller):
    case.call_and_validate(headers=caller, checks=CHECKS)
