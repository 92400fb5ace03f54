"""SECURITY.md S13 for the web forms: hostile and random input in every field of every staff form
gets an answer, never a server error (the API has schemathesis for the same).

Each page is fetched, its POST forms are read from the HTML (so a new field is fuzzed without
touching this file), and hypothesis fills every field.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from liaison.testing.personas import World

BAD = [
    "",
    " ",
    "x" * 10_001,
    "\u202eevil",
    "a\x00b",
    "\u200b",
    "１３８００１３８０００",
    "+86 138 0013 8000",
    "0351-6012345",
    "11010519491231002Y",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "9" * 40,
    "-1",
    "0",
    "2026-13-45",
    "1e999",
    "NaN",
    "{{ 7*7 }}",
    '=HYPERLINK("x")',
]
TEXT = st.one_of(st.sampled_from(BAD), st.text(max_size=60))


class Forms(HTMLParser):
    """The POST forms of a page: (action, {field: [candidate values]})."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is not None and "name" in a and a["name"] != "csrfmiddlewaretoken":
            if tag in ("input", "textarea"):
                if a.get("type") == "file":
                    return
                self._fields.setdefault(a["name"], []).append(a.get("value", ""))
            elif tag == "select":
                self._select = a["name"]
                self._fields.setdefault(a["name"], [])
        elif tag == "option" and self._fields is not None and self._select:
            self._fields[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


PAGES: dict[str, tuple[str, Callable[[World], str]]] = {
    "station create": ("officer", lambda w: "/manage/stations/new/"),
    "station edit": ("officer", lambda w: f"/manage/stations/{w.stations['qianfeng'].pk}/edit/"),
    "station edit (staff)": ("station_staff", lambda w: f"/manage/stations/{w.stations['qianfeng'].pk}/edit/"),
    "deputy create": ("officer", lambda w: "/manage/deputies/new/"),
    "deputy page": ("officer", lambda w: f"/manage/deputies/{w.deputies['qianfeng'].pk}/"),
    "user create": ("officer", lambda w: "/manage/users/new/"),
    "user page": ("officer", lambda w: f"/manage/users/{w.users['station_staff'].pk}/"),  # type: ignore[union-attr]
    "password": ("officer", lambda w: "/accounts/password/"),
}


def forms_of(client: Client, url: str) -> list[tuple[str, dict[str, list[str]]]]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = Forms()
    parser.feed(response.content.decode())
    forms = [(action or url, fields) for action, fields in parser.forms if fields]
    assert forms, f"{url} has no POST form with fields"
    return forms


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_form_answers_hostile_input_without_a_server_error(world: World, page: str) -> None:
    persona, url_of = PAGES[page]
    client = world.web(persona)
    forms = forms_of(client, url_of(world))

    @given(data=st.data())
    def post(data: st.DataObject) -> None:
        action, fields = data.draw(st.sampled_from(forms))
        values = {}
        for name, candidates in fields.items():
            choices = [c for c in candidates if c]
            values[name] = data.draw(st.one_of(st.sampled_from(choices), TEXT) if choices else TEXT)
        response = client.post(action, values)
        assert response.status_code < 500, (action, values)

    post()
