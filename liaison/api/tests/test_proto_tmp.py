from __future__ import annotations
import time
from contextlib import contextmanager
from typing import Iterator
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import given, settings, HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance, response_schema_conformance, content_type_conformance, negative_data_rejection

@contextmanager
def keep_conn() -> Iterator[None]:
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)

@pytest.mark.parametrize("persona", ["anonymous", "officer", "neighbour_officer", "county_officer", "station_staff", "deputy", "handler", "sponsor", "resident", "system_admin"])
def test_proto(world, persona):
    from config.wsgi import application
    t=time.time()
    with keep_conn():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        fails = []
        for res in schema.get_all_operations():
            op = res.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                @given(case=op.as_strategy(generation_mode=mode))
                @settings(max_examples=int(__import__("os").environ.get("N","5")), deadline=None, database=None, suppress_health_check=list(HealthCheck))
                def run(case):
                    tok = world.token(persona)
                    h = {"Authorization": f"Bearer {tok}"} if tok else {}
                    case.call_and_validate(headers=h, checks=[not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance, negative_data_rejection])
                try:
                    run()
                except (Exception, BaseExceptionGroup) as e:
                    fails.append(f"{op.label} {mode}: {type(e).__name__}: {str(e)[:1500]}")
    print(persona, time.time()-t)
    for f in fails: print("----", f)
    assert not fails
