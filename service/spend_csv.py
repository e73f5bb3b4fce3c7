"""The ad spend CSV, as people's spreadsheets write it: our own columns, or Meta Ads Manager's export of a
campaign report (English or Portuguese headers, docs/REVENUE.md); `,`, `;` or tab between cells (sniffed
from the header line); amounts as 1.234,56 or 1,234.56; dates as YYYY-MM-DD or dd/mm/yyyy; UTF-8 with or
without BOM, else Windows-1252 (Excel's "CSV" on a Brazilian Windows). Every refusal names the line, the
column and what was expected."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date
from typing import Any

from service.errors import ApiError

OURS = ("date", "campaign_id", "spend", "campaign_name", "adset_id", "ad_id", "currency")
# header (lower case, accents and spaces folded) -> our column; Meta's export names come first in
# docs/REVENUE.md with where they were found
ALIASES = {
    "day": "date", "dia": "date", "data": "date",
    "reporting starts": "starts", "inicio dos relatorios": "starts",
    "reporting ends": "ends", "termino dos relatorios": "ends", "encerramento dos relatorios": "ends",
    "campaign id": "campaign_id", "identificacao da campanha": "campaign_id", "id da campanha": "campaign_id",
    "campaign name": "campaign_name", "nome da campanha": "campaign_name",
    "ad set id": "adset_id", "identificacao do conjunto de anuncios": "adset_id",
    "ad id": "ad_id", "identificacao do anuncio": "ad_id",
    "amount spent": "spend", "valor usado": "spend", "valor gasto": "spend",
    "moeda": "currency",
}
SPENT_IN = re.compile(r"^(amount spent|valor usado|valor gasto) \(([a-z]{3})\)$")
EXAMPLE_AMOUNT = "an amount such as 1.234,56 or 1234.56"


def decode(raw: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252; NUL refused."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise ApiError(400, "invalid_csv", "the file is neither UTF-8 nor Windows-1252 text: save it as"
                           " CSV UTF-8") from None
    if "\x00" in text:
        raise ApiError(400, "invalid_csv", "the file contains a NUL character")
    return text


def _fold(header: str) -> str:
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_]+", " ", plain).strip().lower()


def _column(header: str) -> tuple[str | None, str | None]:
    """(our column, the currency a Meta spend header names) for one header cell."""
    folded = _fold(header)
    if (m := SPENT_IN.match(folded)) is not None:
        return "spend", m[2].upper()
    name = folded.replace(" ", "_")
    if name in OURS:
        return name, None
    return ALIASES.get(folded), None


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    return max((";", ",", "\t"), key=unquoted.count)


def parse_amount(value: str) -> str | None:
    """'1.234,56' / '1,234.56' / '4,00' / 'R$ 12' -> '1234.56' / '1234.56' / '4.00' / '12'; None if not one.
    The last separator followed by 1 or 2 digits is the decimal one; otherwise separators group thousands
    (one kind, groups of 3: '1,234' is 1234)."""
    v = re.sub(r"^(R\$|US\$|\$)", "", value.replace("\u00a0", "").replace(" ", ""))
    m = re.fullmatch(r"(\d[\d.,]*?)(?:([.,])(\d{1,2}))?", v)
    if m is None:
        return None
    whole, point, cents = m[1], m[2], m[3]
    separators = set(re.findall(r"[.,]", whole))
    if separators and (len(separators) > 1 or point in separators or whole.startswith("0")
                       or not re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", whole)):
        return None
    units = str(int(re.sub(r"[.,]", "", whole)))
    return f"{units}.{cents}" if cents else units


def parse_day(value: str) -> str | None:
    """'2026-11-30' or '30/11/2026' -> '2026-11-30'; None if neither or not a calendar date."""
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", value) or re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", value)
    if m is None:
        return None
    y, mo, d = (m[1], m[2], m[3]) if "-" in value else (m[3], m[2], m[1])
    try:
        return date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return None


def parse(text: str) -> list[dict[str, Any]]:
    """CSV text -> rows for revenue.record_spend ({day, campaign_id, spend, ...})."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ApiError(400, "invalid_csv", f"line 1 is not valid CSV: {exc}") from None
    if not header or not any(h.strip() for h in header):
        raise ApiError(400, "invalid_csv", "the file is empty: the first line must name the columns")
    columns, currency = _columns(header, delimiter)
    rows = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if len(cells) > len(header):
                raise ApiError(422, "invalid_csv", f"line {line} has more cells than the header ({len(cells)} for"
                               f" {len(header)}, separated by {_name(delimiter)})")
            got = {col: cells[i].strip() for col, (i, _) in columns.items() if i < len(cells)}
            rows.append(_row(line, got, columns, currency))
    except csv.Error as exc:
        raise ApiError(400, "invalid_csv", f"line {reader.line_num} is not valid CSV: {exc}") from None
    if not rows:
        raise ApiError(422, "invalid_csv", "the file has a header but no rows")
    return rows


def _name(delimiter: str) -> str:
    return {";": "semicolons", ",": "commas", "\t": "tabs"}[delimiter]


def _columns(header: list[str], delimiter: str) -> tuple[dict[str, tuple[int, str]], str | None]:
    """our column -> (index, the file's header); and the currency a Meta spend header names."""
    columns: dict[str, tuple[int, str]] = {}
    currency = None
    for i, h in enumerate(header):
        col, cur = _column(h)
        if col is not None and col not in columns:
            columns[col] = (i, h.strip())
            currency = currency or cur
    if "date" not in columns and "starts" in columns:
        columns["date"] = columns["starts"]
    if "campaign_id" not in columns and "campaign_name" in columns:
        columns["campaign_id"] = columns["campaign_name"]  # an export without ids: the name is the key
    missing = [c for c in ("date", "campaign_id", "spend") if c not in columns]
    if missing:
        raise ApiError(422, "invalid_csv", f"missing column(s): {', '.join(missing)}. The first line was read as"
                       f" {len(header)} column(s) separated by {_name(delimiter)}: {' | '.join(header)[:300]}."
                       f" Expected our columns ({', '.join(OURS)}) or Meta Ads Manager's export (Day or Reporting"
                       " starts, Campaign name, Campaign ID, Amount spent (BRL))")
    return columns, currency


def _row(line: int, got: dict[str, str], columns: dict[str, tuple[int, str]], currency: str | None) -> dict:
    def refuse(col: str, expected: str) -> ApiError:
        value = got.get(col, "")
        return ApiError(422, "invalid_csv", f"line {line}, column {columns[col][1]!r}: {value!r} is not"
                        f" {expected}")

    day = parse_day(got.get("date", ""))
    if day is None:
        raise refuse("date", "a date such as 2026-11-30 or 30/11/2026")
    if "ends" in columns and "date" in columns and columns["date"] == columns.get("starts"):
        ends = parse_day(got.get("ends", ""))
        if ends != day:
            raise ApiError(422, "invalid_csv", f"line {line}: the row covers {got.get('date')} to"
                           f" {got.get('ends')}; spend is stored per day: export the report broken down by day"
                           " (Breakdown > By time > Day)")
    spend = parse_amount(got.get("spend", ""))
    if spend is None:
        raise refuse("spend", EXAMPLE_AMOUNT)
    if not got.get("campaign_id") or len(got["campaign_id"]) > 200:
        raise refuse("campaign_id", "a campaign id (required, at most 200 characters)")
    row = {"day": day, "campaign_id": got["campaign_id"], "spend": spend}
    row.update({k: got[k] for k in ("campaign_name", "adset_id", "ad_id", "currency") if got.get(k)})
    if currency and "currency" not in row:
        row["currency"] = currency
    if "currency" in row and not re.match(r"^[A-Za-z]{3}$", row["currency"]):
        raise refuse("currency", "a currency code such as BRL")
    return row

