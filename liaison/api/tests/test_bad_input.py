"""SECURITY.md S13 and S15: a bad-input corpus and hypothesis on every API endpoint that takes input.

Phones in every notation, empty and 10,000-character names, control and text-direction
characters, wrong types, huge and deeply nested bodies, unknown fields, paging out of range, and
SQL meta-characters in search, filters and ordering. The pass criteria: a 422 with a field error
(never a 5xx), the one error envelope in the caller's language, and not one database row changed
by a rejected write.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from liaison.accounts.models import ApiToken
from liaison.core.personal_data import normalize_phone
from liaison.deputies.models import Assignment, Deputy
from liaison.stations.models import Station
from liaison.testing.personas import World

JSON = "application/json"
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
SNAKE_CASE = re.compile(r"^[a-z]+(_[a-z]+)*$")
HAN = re.compile(r"[\u3400-\u9fff]")
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
_serial = itertools.count(1)


# ---- the envelope, and what "nothing changed" means ----------------------------------------


def assert_envelope(response: Any, status: int | None = None, *, chinese: bool = True) -> dict[str, Any]:
    """A 4xx answer is exactly {"code", "message", "fields"}: a snake_case code, a message in the
    expected language, and lists of non-empty messages per field."""
    assert response.status_code < 500, response.content[:500]
    if status is not None:
        assert response.status_code == status, response.content[:500]
    assert 400 <= response.status_code < 500, response.content[:500]
    assert response["Content-Type"].startswith(JSON)
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert SNAKE_CASE.match(body["code"]), body
    assert isinstance(body["message"], str) and body["message"].strip(), body
    assert isinstance(body["fields"], dict), body
    for name, messages in body["fields"].items():
        assert isinstance(name, str) and name, body
        assert isinstance(messages, list) and messages, body
        assert all(isinstance(m, str) and m.strip() for m in messages), body
    texts = [body["message"], *itertools.chain.from_iterable(body["fields"].values())]
    if chinese:
        assert HAN.search(body["message"]), f"not Chinese: {body}"
    else:
        assert not any(HAN.search(t) for t in texts), f"not English: {body}"
    return body


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every Liaison table (tokens aside, which the test clients create)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("liaison.") or model is ApiToken:
            continue
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return rows


def assert_unchanged(before: dict[str, list[dict[str, Any]]]) -> None:
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"a rejected write changed {changed}"


# ---- the endpoints that take a body ----------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """One write endpoint, called by `persona` with a valid body that a test then spoils."""

    persona: str
    method: str
    path: Callable[[World], str]
    valid: Callable[[World], dict[str, Any]]

    def send(
        self, world: World, client: Client, body: Any = None, *, raw: bytes | str | None = None, **headers: str
    ) -> Any:
        data: bytes | str = raw if raw is not None else json.dumps(body)
        call = getattr(client, self.method)
        return call(self.path(world), data, content_type=JSON, headers=headers or None)

    def with_fields(self, world: World, **fields: Any) -> dict[str, Any]:
        return {**self.valid(world), **fields}


def _station_version(world: World) -> int:
    return Station.objects.get(pk=world.stations["qianfeng"].pk).version


def _deputy_version(world: World) -> int:
    return Deputy.objects.get(pk=world.deputies["qianfeng"].pk).version


def _new_deputy(world: World) -> dict[str, Any]:
    return {
        "term_id": world.terms["wanbailin"].pk,
        "certificate_no": f"WBL17-9{next(_serial):03d}",
        "name": "王五",
        "constituency_id": world.constituencies["qianfeng"].pk,
    }


WRITES: dict[str, Write] = {
    "station_create": Write(
        "officer",
        "post",
        lambda w: "/api/v1/manage/stations",
        lambda w: {"name": "千峰街道第二联络站", "kind": "station", "region_code": "140109001"},
    ),
    "station_update": Write(
        "officer",
        "patch",
        lambda w: f"/api/v1/manage/stations/{w.stations['qianfeng'].pk}",
        lambda w: {"version": _station_version(w)},
    ),
    "station_update_by_its_staff": Write(
        "station_staff",
        "patch",
        lambda w: f"/api/v1/manage/stations/{w.stations['qianfeng'].pk}",
        lambda w: {"version": _station_version(w)},
    ),
    "deputy_create": Write("officer", "post", lambda w: "/api/v1/manage/deputies", _new_deputy),
    "deputy_update": Write(
        "officer",
        "patch",
        lambda w: f"/api/v1/manage/deputies/{w.deputies['qianfeng'].pk}",
        lambda w: {"version": _deputy_version(w)},
    ),
    "deputy_update_by_himself": Write(
        "deputy",
        "patch",
        lambda w: f"/api/v1/manage/deputies/{w.deputies['qianfeng'].pk}",
        lambda w: {"version": _deputy_version(w)},
    ),
    "assignment_create": Write(
        "officer",
        "post",
        lambda w: f"/api/v1/manage/deputies/{w.deputies['qianfeng2'].pk}/assignments",
        lambda w: {"station_id": w.stations["qianfeng"].pk, "start": dt.date.today().isoformat()},
    ),
    "assignment_end": Write(
        "officer",
        "post",
        lambda w: f"/api/v1/manage/assignments/{w.assignments['qianfeng'].pk}/end",
        lambda w: {"end": dt.date.today().isoformat(), "reason": "换届"},
    ),
    "auth_token": Write(
        "anonymous",
        "post",
        lambda w: "/api/v1/auth/token",
        lambda w: {"username": "p_officer", "password": "not-the-password"},
    ),
}
BODY_WRITES = sorted(WRITES)

# (write, field): the names, phones and other one-line or multi-line texts the API accepts.
NAME_FIELDS = [
    ("station_create", "name"),
    ("station_update", "name"),
    ("deputy_create", "name"),
    ("deputy_update", "name"),
]
PHONE_FIELDS = [
    ("station_create", "phone"),
    ("station_update", "phone"),
    ("station_update_by_its_staff", "phone"),
    ("deputy_create", "work_phone"),
    ("deputy_create", "public_phone"),
    ("deputy_update", "work_phone"),
    ("deputy_update", "public_phone"),
    ("deputy_update_by_himself", "public_phone"),
]
TEXT_FIELDS = [
    *NAME_FIELDS,
    ("station_create", "address"),
    ("station_create", "opening_hours"),
    ("station_create", "notice"),
    ("station_update_by_its_staff", "notice"),
    ("deputy_create", "certificate_no"),
    ("deputy_create", "occupation"),
    ("deputy_update", "occupation"),
    ("assignment_end", "reason"),
]


def _ids(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{write}.{field}" for write, field in pairs]


def _reject(world: World, write_name: str, body: Any = None, *, raw: bytes | str | None = None) -> dict[str, Any]:
    """Send a spoiled body: the answer is a 422 in the envelope, and not one row changes."""
    write = WRITES[write_name]
    client = world.api(write.persona)
    before = snapshot()
    response = write.send(world, client, body, raw=raw)
    result = assert_envelope(response, 422)
    assert_unchanged(before)
    return result


# ---- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("１３９１２３４５６７８", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("0086-139-1234-5678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("0351-6012345", "0351-6012345"),
        ("(0351) 6012345", "0351-6012345"),
        ("０３５１－６０１２３４５", "0351-6012345"),
    ],
)
@pytest.mark.parametrize(("write_name", "field"), PHONE_FIELDS, ids=_ids(PHONE_FIELDS))
def test_full_width_international_and_landline_numbers_are_accepted_and_normalized(
    world: World, write_name: str, field: str, raw: str, stored: str
) -> None:
    write = WRITES[write_name]
    response = write.send(world, world.api(write.persona), write.with_fields(world, **{field: raw}))
    assert response.status_code in (200, 201), response.content
    assert response.json()[field] == stored


@pytest.mark.parametrize("raw", ["12345", "abc", "+1 202 555 0100", "139123456789", "１３９１２３４", "电话"])
@pytest.mark.parametrize(("write_name", "field"), PHONE_FIELDS, ids=_ids(PHONE_FIELDS))
def test_a_malformed_phone_is_a_422_on_that_field_and_writes_nothing(
    world: World, write_name: str, field: str, raw: str
) -> None:
    body = _reject(world, write_name, WRITES[write_name].with_fields(world, **{field: raw}))
    assert list(body["fields"]) == [field], body
    assert "电话号码" in body["fields"][field][0]


MOBILE_PREFIXES = ["130", "135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "186", "188", "199"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def mobile_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(a mobile number written some way people write it, the 11 digits it must be stored as)."""
    digits = draw(st.sampled_from(MOBILE_PREFIXES)) + draw(st.text("0123456789", min_size=8, max_size=8))
    grouped = draw(
        st.sampled_from(
            [digits, f"{digits[:3]} {digits[3:7]} {digits[7:]}", f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"]
        )
    )
    prefix = draw(st.sampled_from(["", "+86 ", "+86", "0086 ", "+86-"]))
    written = prefix + grouped
    if draw(st.booleans()):
        written = written.translate(FULL_WIDTH)
    return written, digits


@given(number=mobile_numbers())
def test_mobile_numbers_in_any_common_notation_are_stored_as_eleven_digits(
    world: World, number: tuple[str, str]
) -> None:
    written, digits = number
    write = WRITES["deputy_update"]
    response = write.send(world, world.api("officer"), write.with_fields(world, work_phone=written))
    assert response.status_code == 200, (written, response.content)
    assert response.json()["work_phone"] == digits
    assert Deputy.objects.get(pk=world.deputies["qianfeng"].pk).work_phone == digits


PHONE_LIKE = st.text(alphabet="0123456789０１２３４５６７８９+-() .", max_size=24)


@given(raw=st.one_of(PHONE_LIKE, st.text(max_size=40)))
def test_any_text_in_a_phone_field_is_stored_canonical_or_refused_on_that_field(world: World, raw: str) -> None:
    write = WRITES["station_update"]
    client = world.api("officer")
    before = snapshot()
    response = write.send(world, client, write.with_fields(world, phone=raw))
    if response.status_code == 200:
        stored = Station.objects.get(pk=world.stations["qianfeng"].pk).phone
        assert response.json()["phone"] == stored
        # Blank input stores a blank; anything else is canonical: normalizing it again changes nothing.
        if raw.strip():
            assert normalize_phone(stored) == stored
        else:
            assert stored == ""
    else:
        body = assert_envelope(response, 422)
        assert list(body["fields"]) == ["phone"], (raw, body)
        assert_unchanged(before)


# ---- names and other free text ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["", " ", "\u3000\t "], ids=["empty", "a_space", "only_whitespace"])
@pytest.mark.parametrize(("write_name", "field"), NAME_FIELDS, ids=_ids(NAME_FIELDS))
def test_an_empty_name_is_a_422_with_a_name_error(world: World, write_name: str, field: str, name: str) -> None:
    body = _reject(world, write_name, WRITES[write_name].with_fields(world, **{field: name}))
    assert field in body["fields"], body


@pytest.mark.parametrize(("write_name", "field"), TEXT_FIELDS, ids=_ids(TEXT_FIELDS))
def test_a_ten_thousand_character_name_is_a_422(world: World, write_name: str, field: str) -> None:
    body = _reject(world, write_name, WRITES[write_name].with_fields(world, **{field: "长" * 10_000}))
    assert list(body["fields"]) == [field], body
    assert "不能超过" in body["fields"][field][0]


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u202d", "\u2066", "\u200f"],
    ids=["nul", "escape", "delete", "next_line", "rtl_override", "ltr_override", "ltr_isolate", "rtl_mark"],
)
@pytest.mark.parametrize(("write_name", "field"), TEXT_FIELDS, ids=_ids(TEXT_FIELDS))
def test_control_and_text_direction_characters_in_free_text_are_a_422(
    world: World, write_name: str, field: str, char: str
) -> None:
    body = _reject(world, write_name, WRITES[write_name].with_fields(world, **{field: f"张{char}海生"}))
    assert list(body["fields"]) == [field], body


@pytest.mark.parametrize(("write_name", "field"), NAME_FIELDS, ids=_ids(NAME_FIELDS))
def test_a_newline_in_a_one_line_name_is_a_422(world: World, write_name: str, field: str) -> None:
    body = _reject(world, write_name, WRITES[write_name].with_fields(world, **{field: "张海生\n李秀英"}))
    assert field in body["fields"], body


@pytest.mark.parametrize("char", ["\u2028", "\u2029"], ids=["line_separator", "paragraph_separator"])
def test_a_unicode_line_separator_in_a_one_line_name_is_a_422(world: World, char: str) -> None:
    body = _reject(world, "station_create", WRITES["station_create"].with_fields(world, name=f"千峰{char}联络站"))
    assert "name" in body["fields"], body


def test_tabs_and_newlines_are_kept_in_a_multi_line_notice(world: World) -> None:
    write = WRITES["station_update_by_its_staff"]
    response = write.send(world, world.api(write.persona), write.with_fields(world, notice="第一条\n\t第二条"))
    assert response.status_code == 200, response.content
    assert response.json()["notice"] == "第一条\n\t第二条"


def test_a_reason_that_nfc_normalization_makes_too_long_is_a_422(world: World) -> None:
    # U+0958 (DEVANAGARI LETTER QA) is one code point that NFC turns into two.
    body = _reject(world, "assignment_end", WRITES["assignment_end"].with_fields(world, reason="\u0958" * 200))
    assert "reason" in body["fields"], body


@pytest.mark.parametrize(("write_name", "field"), NAME_FIELDS, ids=_ids(NAME_FIELDS))
def test_a_name_that_nfc_normalization_makes_too_long_is_a_422(world: World, write_name: str, field: str) -> None:
    limit = 100 if write_name.startswith("station") else 64
    body = _reject(world, write_name, WRITES[write_name].with_fields(world, **{field: "\u0958" * limit}))
    assert field in body["fields"], body


def _is_clean(text: str) -> bool:
    return not any(unicodedata.category(ch) == "Cc" or ch in _BIDI for ch in text)


@given(name=st.text(max_size=120))
def test_any_station_name_is_stored_clean_or_refused_with_a_name_error(world: World, name: str) -> None:
    write = WRITES["station_create"]
    client = world.api(write.persona)
    before = snapshot()
    response = write.send(world, client, write.with_fields(world, name=name))
    if response.status_code == 201:
        stored = Station.objects.get(pk=response.json()["id"]).name
        assert stored == unicodedata.normalize("NFC", name).strip()
        assert stored and _is_clean(stored) and len(stored) <= 100
    else:
        body = assert_envelope(response, 422)
        assert list(body["fields"]) == ["name"], (name, body)
        assert_unchanged(before)


@given(name=st.text(max_size=80), occupation=st.text(max_size=220))
def test_any_deputy_name_and_occupation_are_stored_clean_or_refused_on_those_fields(
    world: World, name: str, occupation: str
) -> None:
    write = WRITES["deputy_update"]
    client = world.api(write.persona)
    before = snapshot()
    response = write.send(world, client, write.with_fields(world, name=name, occupation=occupation))
    if response.status_code == 200:
        deputy = Deputy.objects.get(pk=world.deputies["qianfeng"].pk)
        assert deputy.name == unicodedata.normalize("NFC", name).strip()
        assert deputy.occupation == unicodedata.normalize("NFC", occupation).strip()
        assert _is_clean(deputy.name + deputy.occupation)
    else:
        body = assert_envelope(response, 422)
        assert set(body["fields"]) <= {"name", "occupation"} and body["fields"], (name, occupation, body)
        assert_unchanged(before)


# ---- wrong types, bodies that are not objects, malformed JSON --------------------------------

WRONG_TYPES = [
    ("station_create", "parent_id", "abc"),
    ("station_create", "name", ["千峰"]),
    ("station_create", "name", {"zh": "千峰"}),
    ("station_create", "name", 42),
    ("station_create", "is_published", "maybe"),
    ("station_create", "latitude", "north"),
    ("station_create", "latitude", [1]),
    ("station_create", "kind", 1),
    ("station_update", "version", "one"),
    ("station_update", "version", None),
    ("station_update", "kind", None),
    ("station_update", "is_published", None),
    ("deputy_create", "term_id", "abc"),
    ("deputy_create", "term_id", 1.5),
    ("deputy_create", "constituency_id", [1]),
    ("deputy_create", "gender", "other"),
    ("deputy_update", "version", 2**40),
    ("deputy_update", "is_active", "yes please"),
    ("assignment_create", "station_id", "abc"),
    ("assignment_create", "start", "2024-02-30"),
    ("assignment_create", "start", 20240101),
    ("assignment_end", "end", "yesterday"),
    ("auth_token", "username", 123),
    ("auth_token", "password", None),
]


@pytest.mark.parametrize(
    ("write_name", "field", "value"), WRONG_TYPES, ids=[f"{w}.{f}={v!r}"[:60] for w, f, v in WRONG_TYPES]
)
def test_a_value_of_the_wrong_type_is_a_422_on_that_field(
    world: World, write_name: str, field: str, value: Any
) -> None:
    body = _reject(world, write_name, WRITES[write_name].with_fields(world, **{field: value}))
    assert field in body["fields"], body


@pytest.mark.parametrize("raw", ["[]", "null", '"text"', "42", "true", '[{"name": "千峰"}]'])
@pytest.mark.parametrize("write_name", BODY_WRITES)
def test_a_body_that_is_not_a_json_object_is_a_422(world: World, write_name: str, raw: str) -> None:
    body = _reject(world, write_name, raw=raw)
    assert body["code"] == "invalid_input"
    assert body["fields"], body


@pytest.mark.parametrize(
    "raw",
    [
        "{name:",
        "{'name': 'x'}",
        '{"name": NaN}',
        '{"a": 1e400}',
        b'{"name": "\xff"}',
        '{"name": "\\ud800"}',
        "\ufeff{}",
    ],
    ids=["truncated", "single_quotes", "nan", "huge_exponent", "invalid_utf8", "lone_surrogate", "bom"],
)
@pytest.mark.parametrize("write_name", BODY_WRITES)
def test_malformed_json_is_a_422_saying_so(world: World, write_name: str, raw: str | bytes) -> None:
    body = _reject(world, write_name, raw=raw)
    assert body["code"] == "invalid_input"
    assert body["fields"] == {"__all__": ["请求体不是有效的 JSON。"]}, body


@pytest.mark.parametrize("write_name", BODY_WRITES)
def test_an_empty_body_is_a_422(world: World, write_name: str) -> None:
    body = _reject(world, write_name, raw="")
    assert body["fields"], body


@pytest.mark.parametrize("write_name", BODY_WRITES)
def test_a_form_encoded_body_is_a_422(world: World, write_name: str) -> None:
    write = WRITES[write_name]
    client = world.api(write.persona)
    before = snapshot()
    response = getattr(client, write.method)(
        write.path(world), "name=x&kind=station", content_type="application/x-www-form-urlencoded"
    )
    assert assert_envelope(response, 422)["fields"]
    assert_unchanged(before)


# ---- huge and deeply nested bodies -------------------------------------------------------------


@pytest.mark.parametrize("write_name", BODY_WRITES)
def test_a_body_over_one_mebibyte_is_a_422_body_too_large(world: World, write_name: str) -> None:
    padding = "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1)  # 3 bytes each in UTF-8
    body = _reject(world, write_name, WRITES[write_name].with_fields(world, notice=padding))
    assert body["code"] == "body_too_large"
    assert body["fields"], body


def test_a_body_just_under_the_limit_is_read_and_validated(world: World) -> None:
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 200)
    body = _reject(world, "station_create", WRITES["station_create"].with_fields(world, notice=padding))
    assert body["code"] == "invalid_input"
    assert "notice" in body["fields"], body


@pytest.mark.parametrize(
    "raw",
    ["[" * 100_000, '{"a":' * 100_000, "[" * 2_000 + "]" * 2_000, '{"name":' + "[" * 1_000 + "]" * 1_000 + "}"],
    ids=["100k_open_brackets", "100k_open_objects", "2k_balanced_brackets", "1k_brackets_in_a_field"],
)
@pytest.mark.parametrize("write_name", BODY_WRITES)
def test_deeply_nested_json_is_a_422_not_a_500(world: World, write_name: str, raw: str) -> None:
    body = _reject(world, write_name, raw=raw)
    assert body["code"] == "invalid_input"
    assert body["fields"], body


@given(
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_document_posted_to_a_create_endpoint_is_never_a_server_error(world: World, document: Any) -> None:
    for write_name in ("station_create", "deputy_create", "assignment_create", "auth_token"):
        write = WRITES[write_name]
        client = world.api(write.persona)
        before = snapshot()
        response = write.send(world, client, document)
        # Practically always a 422; a document that happens to be a valid body may answer otherwise,
        # but never with a 5xx, and a rejected document changes nothing.
        if response.status_code >= 300:
            body = assert_envelope(response)
            if body["code"] == "invalid_input":
                assert_unchanged(before)


# ---- unknown fields ---------------------------------------------------------------------------


@pytest.mark.parametrize("extra", ["foo", "id", "created_at", "name_pinyin", "__class__"])
@pytest.mark.parametrize("write_name", BODY_WRITES)
def test_an_unknown_field_is_a_422_naming_it(world: World, write_name: str, extra: str) -> None:
    body = _reject(world, write_name, WRITES[write_name].with_fields(world, **{extra: 1}))
    assert body["fields"].get(extra) == ["不允许提交此字段。"], body


# ---- lists: paging, filters, search, ordering --------------------------------------------------

LISTS: dict[str, tuple[str, list[str]]] = {
    "regions": ("/api/v1/regions", ["q", "tier", "parent_code"]),
    "stations": ("/api/v1/stations", ["region", "kind"]),
    "deputies": ("/api/v1/deputies", ["region", "station", "level"]),
    "manage_stations": ("/api/v1/manage/stations", ["region", "kind", "q", "ordering"]),
    "manage_deputies": ("/api/v1/manage/deputies", ["region", "station", "level", "term", "q", "ordering"]),
}
SEARCH_LISTS = [name for name, (_, filters) in LISTS.items() if "q" in filters]
FILTERS = [(name, f) for name, (_, filters) in LISTS.items() for f in filters]
SQL = [
    "' OR 1=1 --",
    "name; DROP TABLE stations_station; --",
    '" OR ""="',
    "1' UNION SELECT password FROM accounts_user --",
    "%",
    "_",
    "\\",
    "1 OR 1=1",
    "name__contains",
    "*",
]


def _get(client: Client, url: str, params: dict[str, Any] | list[tuple[str, Any]], **headers: str) -> Any:
    return client.get(url, params, headers=headers or None)


def _ids_of(response: Any) -> set[Any]:
    return {item.get("id", item.get("code")) for item in response.json()["items"]}


@pytest.mark.parametrize(
    "params",
    [{"limit": 101}, {"limit": 0}, {"offset": -1}, {"limit": "abc"}, {"limit": "1e2"}, {"offset": 10**20}],
    ids=["limit_101", "limit_0", "offset_-1", "limit_abc", "limit_1e2", "offset_huge"],
)
@pytest.mark.parametrize("list_name", sorted(LISTS))
def test_paging_out_of_range_is_a_422_on_limit_or_offset(world: World, list_name: str, params: dict[str, Any]) -> None:
    body = assert_envelope(_get(world.api("officer"), LISTS[list_name][0], params), 422)
    assert list(body["fields"]) == list(params), body


@given(limit=st.integers(min_value=-(10**6), max_value=10**6), offset=st.integers(min_value=-(10**9), max_value=10**9))
def test_any_integer_paging_is_answered_or_refused_as_documented(world: World, limit: int, offset: int) -> None:
    response = _get(world.api("officer"), "/api/v1/manage/stations", {"limit": limit, "offset": offset})
    if 1 <= limit <= 100 and 0 <= offset <= 10_000_000:
        assert response.status_code == 200
        assert len(response.json()["items"]) <= limit
    else:
        body = assert_envelope(response, 422)
        assert set(body["fields"]) <= {"limit", "offset"} and body["fields"]


@pytest.mark.parametrize(("list_name", "param"), FILTERS, ids=[f"{n}.{p}" for n, p in FILTERS])
def test_sql_meta_characters_in_filters_find_nothing_or_are_a_422_never_a_500(
    world: World, list_name: str, param: str
) -> None:
    url = LISTS[list_name][0]
    client = world.api("county_officer")
    everything = _ids_of(_get(client, url, {"limit": 100}))
    for value in SQL:
        response = _get(client, url, {param: value, "limit": 100})
        if param == "q":
            # Free text is searched for literally: none of these strings is in a name.
            assert response.status_code == 200, (value, response.content)
            assert response.json()["count"] == 0, value
        else:
            # Codes, ids, enums and ordering have a format; none of these strings fits it.
            body = assert_envelope(response, 422)
            assert list(body["fields"]) == [param], (value, body)
    assert _ids_of(_get(client, url, {"limit": 100})) == everything


@pytest.mark.parametrize("list_name", ["manage_stations", "manage_deputies"])
def test_ordering_is_only_accepted_from_the_allow_list(world: World, list_name: str) -> None:
    url = LISTS[list_name][0]
    client = world.api("county_officer")
    allowed = ["name", "-name", "id", "-id", "region" if list_name == "manage_stations" else "level"]
    for ordering in allowed:
        assert _get(client, url, {"ordering": ordering}).status_code == 200, ordering
    refused = [
        "password",
        "-version",
        "name_pinyin",
        "region__code",
        "work_phone",
        "id,name",
        "name ",
        " name",
        "NAME",
        "--name",
        "name\n",
        "?",
        "(SELECT 1)",
    ]
    for ordering in refused:
        body = assert_envelope(_get(client, url, {"ordering": ordering}), 422)
        assert list(body["fields"]) == ["ordering"], (ordering, body)


@pytest.mark.parametrize("list_name", sorted(LISTS))
def test_unknown_query_parameters_change_nothing_and_never_fail(world: World, list_name: str) -> None:
    url = LISTS[list_name][0]
    client = world.api("county_officer")
    plain = _get(client, url, {"limit": 100}).json()
    odd = _get(
        client,
        url,
        {"limit": 100, "foo": "bar", "password": "x", "id__gt": "0", "region__code": "1", "is_published": "false"},
    )
    assert odd.status_code == 200
    assert odd.json() == plain


@pytest.mark.parametrize("list_name", sorted(LISTS))
def test_more_query_parameters_than_django_allows_is_a_422_not_a_500(world: World, list_name: str) -> None:
    params = [("x", "1")] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
    assert_envelope(_get(world.api("officer"), LISTS[list_name][0], params), 422)


@pytest.mark.parametrize(
    "value",
    ["\x00", "千峰\x00", "\x1b[2J", "千峰\u202e"],
    ids=["nul", "nul_after_text", "escape", "rtl_override"],
)
@pytest.mark.parametrize("list_name", SEARCH_LISTS)
def test_control_characters_in_the_search_text_are_a_422_on_q(world: World, list_name: str, value: str) -> None:
    # A NUL used to reach the LIKE query: a 500 on PostgreSQL, and on SQLite q=%00 matched every row.
    body = assert_envelope(_get(world.api("county_officer"), LISTS[list_name][0], {"q": value}), 422)
    assert list(body["fields"]) == ["q"], body


@given(text=st.text(max_size=60))
def test_any_search_text_narrows_the_list_or_is_a_422_on_q(world: World, text: str) -> None:
    client = world.api("county_officer")
    cleaned = unicodedata.normalize("NFC", text).strip()
    acceptable = _is_clean(cleaned) and len(cleaned) <= 50
    for list_name in SEARCH_LISTS:
        url = LISTS[list_name][0]
        response = _get(client, url, {"q": text, "limit": 100})
        if response.status_code == 200:
            assert acceptable, (text, response.content)
            assert _ids_of(response) <= _ids_of(_get(client, url, {"limit": 100}))
        else:
            assert list(assert_envelope(response, 422)["fields"]) == ["q"]
            assert not acceptable or len(text) > 50, text


@given(value=st.text(max_size=30), param=st.sampled_from(FILTERS))
def test_any_text_in_any_filter_is_answered_or_refused_never_a_500(
    world: World, value: str, param: tuple[str, str]
) -> None:
    list_name, name = param
    response = _get(world.api("county_officer"), LISTS[list_name][0], {name: value})
    if response.status_code != 200:
        assert list(assert_envelope(response, 422)["fields"]) == [name], (name, value)


# ---- path ids ---------------------------------------------------------------------------------

DETAIL_URLS = [
    "/api/v1/stations/{}",
    "/api/v1/deputies/{}",
    "/api/v1/manage/stations/{}",
    "/api/v1/manage/deputies/{}",
]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "99999999999999999999999", "1.5", "1e3", "%27%20OR%201=1"])
@pytest.mark.parametrize("template", DETAIL_URLS)
def test_a_path_id_that_is_not_a_positive_integer_is_a_422(world: World, template: str, value: str) -> None:
    body = assert_envelope(world.api("officer").get(template.format(value)), 422)
    assert body["code"] == "invalid_input"


# ---- auth token ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", ""), ("password", ""), ("username", "u" * 10_000), ("password", "p" * 10_000)],
    ids=["empty_username", "empty_password", "10k_username", "10k_password"],
)
def test_an_empty_or_huge_credential_is_a_422_before_any_login_attempt(world: World, field: str, value: str) -> None:
    body = _reject(world, "auth_token", WRITES["auth_token"].with_fields(world, **{field: value}))
    assert list(body["fields"]) == [field], body


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\u202e"], ids=["nul", "escape", "rtl_override"])
def test_a_control_character_in_the_username_is_a_422(world: World, char: str) -> None:
    # A NUL used to reach authenticate() and the lockout record: a 500 on PostgreSQL.
    body = _reject(world, "auth_token", WRITES["auth_token"].with_fields(world, username=f"p_officer{char}"))
    assert list(body["fields"]) == ["username"], body


# ---- assignments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [{"start": ""}, {"start": "2024-13-01"}, {"start": "0000-01-01"}, {"station_id": 0}, {"station_id": -5}],
    ids=["empty_date", "month_13", "year_0", "station_0", "station_negative"],
)
def test_a_bad_assignment_is_a_422_on_that_field(world: World, fields: dict[str, Any]) -> None:
    body = _reject(world, "assignment_create", WRITES["assignment_create"].with_fields(world, **fields))
    assert list(body["fields"]) == list(fields), body


def test_an_assignment_ending_before_it_started_is_a_422_on_end(world: World) -> None:
    body = _reject(world, "assignment_end", WRITES["assignment_end"].with_fields(world, end="1999-01-01"))
    assert list(body["fields"]) == ["end"], body
    assert Assignment.objects.get(pk=world.assignments["qianfeng"].pk).end is None


# ---- language of the answers --------------------------------------------------------------------

BAD_REQUESTS: list[tuple[str, Callable[[World, Client, dict[str, str]], Any]]] = [
    ("paging", lambda w, c, h: c.get("/api/v1/manage/stations?limit=101&offset=-1", headers=h)),
    ("ordering", lambda w, c, h: c.get("/api/v1/manage/deputies?ordering=password", headers=h)),
    ("enum", lambda w, c, h: c.get("/api/v1/regions?tier=planet", headers=h)),
    (
        "phone",
        lambda w, c, h: WRITES["station_create"].send(
            w, c, WRITES["station_create"].with_fields(w, phone="12345"), **h
        ),
    ),
    (
        "control_character",
        lambda w, c, h: WRITES["station_create"].send(
            w, c, WRITES["station_create"].with_fields(w, name="千峰\u202e"), **h
        ),
    ),
    (
        "long_name",
        lambda w, c, h: WRITES["deputy_update"].send(w, c, WRITES["deputy_update"].with_fields(w, name="长" * 65), **h),
    ),
    (
        "gender",
        lambda w, c, h: WRITES["deputy_create"].send(w, c, WRITES["deputy_create"].with_fields(w, gender="x"), **h),
    ),
    (
        "unknown_field",
        lambda w, c, h: WRITES["station_create"].send(w, c, WRITES["station_create"].with_fields(w, x=1), **h),
    ),
    ("missing_fields", lambda w, c, h: WRITES["station_create"].send(w, c, {}, **h)),
    ("malformed_json", lambda w, c, h: WRITES["station_create"].send(w, c, raw="{", **h)),
    ("nested_json", lambda w, c, h: WRITES["station_create"].send(w, c, raw="[" * 100_000, **h)),
    ("huge_body", lambda w, c, h: WRITES["station_create"].send(w, c, raw="x" * (2**20 + 1), **h)),
    ("too_many_parameters", lambda w, c, h: c.get("/api/v1/stations?" + "&x=1" * 1_001, headers=h)),
    ("not_found", lambda w, c, h: c.get("/api/v1/stations/999999", headers=h)),
    ("stale_version", lambda w, c, h: WRITES["station_update"].send(w, c, {"version": 99, "name": "新名"}, **h)),
]


@pytest.mark.parametrize("make", [m for _, m in BAD_REQUESTS], ids=[n for n, _ in BAD_REQUESTS])
def test_every_rejection_is_the_envelope_in_chinese_by_default(
    world: World, make: Callable[[World, Client, dict[str, str]], Any]
) -> None:
    assert_envelope(make(world, world.api("officer"), {}), chinese=True)


@pytest.mark.parametrize("make", [m for _, m in BAD_REQUESTS], ids=[n for n, _ in BAD_REQUESTS])
def test_every_rejection_is_in_english_when_the_client_asks_for_it(
    world: World, make: Callable[[World, Client, dict[str, str]], Any]
) -> None:
    response = make(world, world.api("officer"), {"Accept-Language": "en"})
    body = assert_envelope(response, chinese=False)
    chinese = assert_envelope(make(world, world.api("officer"), {}), chinese=True)
    assert body["code"] == chinese["code"]
    assert set(body["fields"]) == set(chinese["fields"])
