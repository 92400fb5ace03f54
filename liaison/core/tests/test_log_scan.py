"""The S20 log scanner of the root conftest finds what it must, and only that."""

from __future__ import annotations

import logging

import pytest

from conftest import SensitiveLogScanner


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("liaison.test", logging.WARNING, __file__, 1, message, None, None)


@pytest.mark.parametrize(
    "message",
    [
        "resident 13500001234 submitted",
        "id 11010519491231002X",
        "login password=Secret-1 for x",
        'body {"password": "hunter22"}',
        "Authorization: Bearer abcdefghijklmnopqrstuvwx",
        "password demo12345 reset",
    ],
)
def test_sensitive_lines_are_caught(message: str) -> None:
    scanner = SensitiveLogScanner()
    scanner.handle(record(message))
    assert scanner.hits


@pytest.mark.parametrize(
    "message",
    ["GET /api/v1/stations/12 404", "resident 135****1234 submitted", "password=*** (masked)", "count 20000000000000"],
)
def test_harmless_lines_pass(message: str) -> None:
    scanner = SensitiveLogScanner()
    scanner.handle(record(message))
    assert scanner.hits == []
