"""For any text and every user_data field, normalising never errors and is idempotent, and the hash is
NULL exactly when the normal form is, and otherwise Python's SHA-256 of its UTF-8 (pre-hashed values
pass through). A phone's normal form carries its country code, so it is read back as the international
number it is ("+" in front): bare digits such as 34911234567 are read as Brazilian when they are a valid
Brazilian number (tracking.normalize_phone). Values are checked in batches: one SQL round trip per
Hypothesis example."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = ["em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id", "unknown"]
HEX64 = re.compile(r"[0-9a-f]{64}")

# the `conn` fixture is per test function, but these functions are pure: one connection per test is fine
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def no_nul(s: str) -> str:
    return s.replace("\x00", "")  # Postgres text cannot hold NUL


def cpf(nine: list[int]) -> str:
    digits = list(nine)
    for n in (10, 11):
        digits.append(sum(d * w for d, w in zip(digits, range(n, 1, -1), strict=True)) * 10 % 11 % 10)
    return "".join(map(str, digits))


def date_text(d: date, style: int) -> str:
    return [f"{d:%Y%m%d}", f"{d:%Y-%m-%d}", f"{d:%d/%m/%Y}", f"{d.month}/{d.day}/{d.year}",
            f"{d:%d.%m.%Y}", f"{d:%Y-%m-%d}T12:00:00Z"][style]


shaped = st.one_of(
    st.emails().map(lambda e: f" {e.upper()} "),
    st.from_regex(r"\A\+?(00|0)?(55 ?)?\(?[1-9][0-9]\)? ?9?[2-9][0-9]{3}[- .]?[0-9]{4}\Z"),
    st.from_regex(r"\A\+?1 ?\(?[2-9][0-9]{2}\)? ?[0-9]{3}-?[0-9]{4}\Z"),
    st.text(st.characters(categories=["L", "M", "Zs", "Pd", "Po", "Nd"]), max_size=30),
    st.builds(date_text, st.dates(date(1890, 1, 1), date(2100, 12, 31)), st.integers(0, 5)),
    st.builds(lambda n, s: [n, f"{n[:3]}.{n[3:6]}.{n[6:9]}-{n[9:]}"][s],
              st.lists(st.integers(0, 9), min_size=9, max_size=9).map(cpf), st.integers(0, 1)),
    st.from_regex(r"\A[0-9]{5}-?[0-9]{3,4}\Z"),
    st.binary(min_size=32, max_size=32).map(lambda b: f" {b.hex().upper()}"),
    st.sampled_from(["São Paulo", "SAO PAULO", "rio grande do sul", "RJ", "Texas", "Brasil", "Estados Unidos",
                     " br ", "Feminino", "masc.", "F", "Reino Unido", "México", "M1 1AE", "n/a"]),
)
values = st.one_of(st.text(max_size=60), shaped).map(no_nul)
batches = st.lists(values, min_size=1, max_size=25)

QUERY = """
select f, v, n, tracking.normalize_user_field(f, case when f = 'ph' and n !~ '^[0-9a-f]{64}$' then '+' || n else n end),
       tracking.hash_user_field(f, v)
from (select f, v, tracking.normalize_user_field(f, v) as n
      from unnest(%(fields)s::text[]) as f, unnest(%(values)s::text[]) as v) as s
"""


def check(conn, vals: list[str | None]) -> None:
    rows = conn.execute(QUERY, {"fields": FIELDS, "values": vals}).fetchall()
    assert len(rows) == len(FIELDS) * len(vals)
    for field, value, norm, renorm, hashed in rows:
        if field == "unknown":
            assert norm is None and hashed is None, (field, value)
            continue
        if norm is None:
            assert hashed is None, (field, value, hashed)
            continue
        assert renorm == norm, f"not idempotent for {field} {value!r}: {norm!r} -> {renorm!r}"
        want = norm if HEX64.fullmatch(norm) else hashlib.sha256(norm.encode()).hexdigest()
        assert hashed == want, (field, value, norm)


@PROPERTY
@given(batches)
def test_normalise_is_idempotent_and_hash_is_sha256_of_it(conn, vals):
    check(conn, vals)


@PROPERTY
@given(st.lists(st.text(st.characters(codec="utf-8"), max_size=200).map(no_nul), min_size=1, max_size=25))
def test_any_unicode_text_is_handled(conn, vals):
    check(conn, vals)


def test_null_empty_and_huge_values_are_null_or_handled(conn):
    check(conn, [None, "", " ", "\t\n", "9" * 1_000_000, "é" * 300_000, "a@" * 100_000 + ".com"])
    rows = conn.execute(
        "select tracking.normalize_user_field(f, %s) from unnest(%s::text[]) f", ("x" * 1_000_000, FIELDS)
    ).fetchall()
    assert rows == [(None,)] * len(FIELDS)


@pytest.mark.parametrize(("field", "value", "normal"), [
    ("ph", "(11) 98765-4321", "5511987654321"),
    ("ph", "12345678901", "12345678901"),
    ("ph", "+34 911 234 567", "34911234567"),
    ("fn", "Valéry", "valéry"),
    ("db", "2/16/1997", "19970216"),
    ("external_id", "529.982.247-25", "52998224725"),
])
def test_hash_matches_python_for_known_values(conn, field, value, normal):
    norm, hashed = conn.execute(
        "select tracking.normalize_user_field(%s, %s), tracking.hash_user_field(%s, %s)",
        (field, value, field, value)).fetchone()
    assert norm == normal
    assert hashed == hashlib.sha256(normal.encode()).hexdigest()
