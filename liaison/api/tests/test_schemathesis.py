"""SECURITY.md S16: schemathesis over the whole OpenAPI document, once per role.

Every operation of the document served at /api/v1/openapi.json is fuzzed as each persona,
in-process through the WSGI application (no network), with positive and negative data, once
with free path ids and once with ids of real objects in the persona's network. Each response
must not be a 5xx, must have a documented status code and content type, and must match the
documented schema of that status (errors included).

`LIAISON_FUZZ_EXAMPLES` sets the examples per operation and mode: 5 in CI, 500 for `make fuzz`.
The world is built once per test function; the fuzzed writes stay in its rolled-back transaction.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from liaison.api.api import api
from liaison.testing.case_world import build_case_world
from liaison.testing.personas import World

ROLES = (
    "anonymous",
    "officer",
    "neighbour_officer",
    "county_officer",
    "station_staff",
    "deputy",
    "handler",
    "sponsor",
    "resident",
    "system_admin",
)
EXAMPLES = int(os.environ.get("LIAISON_FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SCHEMA_URL = "/api/v1/openapi.json"

# The operations as the API object describes them, for parametrizing at collection time; the
# test below checks that the served document lists exactly these.
OPERATION_IDS = sorted(
    operation["operationId"] for path in api.get_openapi_schema()["paths"].values() for operation in path.values()
)

# Known bugs outside liaison/api/errors.py and parser.py, as (persona, operation_id): reason.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _params() -> list[Any]:
    return [
        pytest.param(
            persona,
            operation_id,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[persona, operation_id])]
            if (persona, operation_id) in KNOWN_BUGS
            else [],
            id=f"{persona}-{operation_id}",
        )
        for persona in ROLES
        for operation_id in OPERATION_IDS
    ]


@contextmanager
def _same_connection() -> Iterator[None]:
    """Keep the test's database connection open across in-process requests.

    Django closes "old" connections when a request starts and finishes; inside the test
    transaction that would break it, so (as Django's own test client does) the hook is
    disconnected while the fuzzer calls the application.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@functools.cache
def _application() -> WSGIHandler:
    return get_wsgi_application()


@functools.cache
def _served_schema() -> Any:
    """The document exactly as /api/v1/openapi.json serves it, bound to the WSGI app."""
    with _same_connection():
        return schemathesis.openapi.from_wsgi(SCHEMA_URL, _application())


def _operation(operation_id: str) -> Any:
    for result in _served_schema().get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") == operation_id:
            return operation
    raise LookupError(operation_id)


@pytest.fixture
def world(world: World) -> World:
    """The persona network with its cases (liaison.testing.case_world), so that the case and
    referral endpoints are fuzzed on real rows and the case lists answer with real items."""
    return build_case_world(world)


def _real_path_ids(world: World) -> dict[str, int]:
    """Ids of objects in the 千峰 network, so that fuzzed writes reach the services: the 千峰
    request referred to 住建局 (assigned to the 千峰 deputy) and that referral."""
    return {
        "station_id": world.stations["qianfeng"].pk,
        "deputy_id": world.deputies["qianfeng"].pk,
        "assignment_id": world.assignments["qianfeng"].pk,
        "case_id": world.cases["qianfeng"].pk,
        "referral_id": world.referrals["qianfeng"].pk,
    }


def _strategies(operation: Any, world: World) -> Iterator[tuple[str, Any]]:
    path_names = {p.name for p in operation.path_parameters}
    has_body = "requestBody" in operation.definition.raw
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        yield f"{mode.value}", operation.as_strategy(generation_mode=mode)
        # With the path pinned, negative data needs a body to break (a bare GET has nothing left).
        if path_names and (mode is GenerationMode.POSITIVE or has_body):
            pinned = {k: v for k, v in _real_path_ids(world).items() if k in path_names}
            yield f"{mode.value} on real objects", operation.as_strategy(generation_mode=mode, path_parameters=pinned)


def _run(strategy: Any, send: Callable[[Any], None]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        send(case)

    fuzz()


def test_the_served_document_lists_every_fuzzed_operation(db: None) -> None:
    served = sorted(r.ok().definition.raw["operationId"] for r in _served_schema().get_all_operations())
    assert served == OPERATION_IDS
    assert len(OPERATION_IDS) >= 18


@pytest.mark.parametrize(("persona", "operation_id"), _params())
def test_the_operation_answers_as_documented_with_no_server_error(
    world: World, persona: str, operation_id: str
) -> None:
    operation = _operation(operation_id)
    app = _application()

    def send(case: Any) -> None:
        # A fresh token per call: fuzzing /auth/logout must not sign the persona out for good.
        token = world.token(persona)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        case.call_and_validate(headers=headers, checks=CHECKS, app=app)

    failures: list[str] = []
    with _same_connection():
        for label, strategy in _strategies(operation, world):
            try:
                _run(strategy, send)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"[{persona} · {operation_id} · {label}]\n{exc}")
    assert not failures, "\n\n".join(failures)
