"""The staff (back-office) web routes under /manage/, each with the test module that proves its
persona expectations (a neighbouring township's officer gets 404, anonymous is sent to login).
`liaison/portal/tests/test_pages.py` fails when a route is in neither this table nor its own."""

from __future__ import annotations

STAFF_PAGES: dict[str, str] = {
    "manage/deputies/": "liaison/deputies/tests/test_views.py",
    "manage/deputies/<int:deputy_id>/": "liaison/deputies/tests/test_views.py",
    "manage/stations/": "liaison/stations/tests/test_views.py",
    "manage/stations/<int:station_id>/": "liaison/stations/tests/test_views.py",
    "manage/stations/new/": "liaison/stations/tests/test_forms.py",
    "manage/stations/<int:station_id>/edit/": "liaison/stations/tests/test_forms.py",
    "manage/deputies/new/": "liaison/deputies/tests/test_forms.py",
    "manage/users/": "liaison/accounts/tests/test_user_admin.py",
    "manage/users/new/": "liaison/accounts/tests/test_user_admin.py",
    "manage/users/<int:user_id>/": "liaison/accounts/tests/test_user_admin.py",
    "manage/audit/": "liaison/accounts/tests/test_audit_log.py",
    "manage/exchange/": "liaison/exchange/tests/test_views.py",
    "manage/exchange/export/": "liaison/exchange/tests/test_views.py",
    "manage/exchange/template/": "liaison/exchange/tests/test_views.py",
    "manage/exchange/jobs/<int:job_id>/": "liaison/exchange/tests/test_views.py",
    "manage/exchange/jobs/<int:job_id>/progress/": "liaison/exchange/tests/test_views.py",
    "manage/exchange/jobs/<int:job_id>/commit/": "liaison/exchange/tests/test_views.py",
    "manage/exchange/jobs/<int:job_id>/download/": "liaison/exchange/tests/test_views.py",
}
