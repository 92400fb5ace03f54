"""The staff (back-office) web routes under /manage/, each with the test module that proves its
persona expectations (a neighbouring township's officer gets 404, anonymous is sent to login).
`liaison/portal/tests/test_pages.py` fails when a route is in neither this table nor its own."""

from __future__ import annotations

STAFF_PAGES: dict[str, str] = {}
