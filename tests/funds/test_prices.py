"""Prices and valuation: exact prices by hand and from CSV, valuation at a moment, revaluation of a fund."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from seedbed.core.models import AuditEvent
from seedbed.funds.ledger import Line, entry_post
from seedbed.funds.models import Asset, Price
from seedbed.funds.prices import (
    parse_price,
    price_at,
    price_record,
    prices_import_csv,
    revaluation,
    revaluation_total,
    value_in,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
WEI = 10**18
SATOSHI = 10**8


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def record(books, price, as_of=dt.date(2021, 6, 30), asset=None, quote=None, source="test feed", **kwargs):
    return price_record(
        actor=None,
        asset=asset or books.eth,
        quote=quote or books.usd,
        as_of=as_of,
        price=price,
        source=source,
        **kwargs,
    )


def csv_file(*lines: str) -> io.StringIO:
    return io.StringIO("\n".join(lines) + "\n")


def import_csv(*lines: str, source="CoinDesk daily close"):
    return prices_import_csv(actor=None, file=csv_file(*lines), source=source)


# --- price_record ---


def test_a_price_is_recorded_exactly_and_audited(books):
    price = record(books, "2267.123456789012345678")
    stored = Price.objects.get(pk=price.pk)
    assert stored.price == Decimal("2267.123456789012345678")
    assert str(stored.price) == "2267.123456789012345678"
    assert stored.as_of == at(2021, 6, 30)  # a date means 00:00 UTC
    assert (stored.source, stored.is_sample) == ("test feed", False)
    event = AuditEvent.objects.get(action="price.record")
    assert event.object_id == str(price.pk)
    assert event.changes["price"] == [None, "2267.123456789012345678"]


def test_a_price_takes_a_decimal_an_int_or_text_but_never_a_float(books):
    assert record(books, Decimal("1.50"), as_of=at(2021, 1, 1)).price == Decimal("1.5")
    assert record(books, 3, as_of=at(2021, 1, 2)).price == 3
    with pytest.raises(ValidationError) as caught:
        record(books, 1.5, as_of=at(2021, 1, 3))
    assert caught.value.code == "float"
    assert "not as a float" in caught.value.messages[0]
    assert Price.objects.count() == 2


@pytest.mark.parametrize(
    ("price", "code"),
    [
        ("0", "not_positive"),
        ("-5", "not_positive"),
        (Decimal("-0.01"), "not_positive"),
        ("", "required"),
        ("abc", "invalid"),
        ("1,234.5", "invalid"),
        ("NaN", "invalid"),
        (Decimal("Infinity"), "invalid"),
        ("0.0000000000000000001", "too_precise"),  # 19 places: the column keeps 18, and we never round
        ("1" + "0" * 22, "too_large"),
        ("1e999999999", "too_large"),
        (True, "invalid"),
    ],
)
def test_bad_prices_are_refused_and_nothing_is_written(books, price, code):
    with pytest.raises(ValidationError) as caught:
        record(books, price)
    assert caught.value.code == code
    assert not Price.objects.exists()
    assert not AuditEvent.objects.filter(action="price.record").exists()


def test_parse_price_keeps_exactly_what_was_given():
    assert parse_price("0.000000000000000001") == Decimal("1E-18")
    assert parse_price("1.2300000000000000000000") == Decimal("1.23")  # trailing zeros are not precision
    assert parse_price("3.1e-5") == Decimal("0.000031")
    assert parse_price("2E+3") == 2000
    assert str(parse_price("2E+3")) == "2000"


def test_recording_the_same_price_again_changes_nothing_and_a_different_one_is_refused(books):
    first = record(books, "2000.5")
    again = record(books, "2000.50", source="another feed")
    assert again.pk == first.pk
    with pytest.raises(ValidationError) as caught:
        record(books, "2001", as_of=at(2021, 6, 30, 0, 0))
    assert caught.value.code == "conflict"
    assert "already recorded" in caught.value.messages[0]
    assert "2000.5" in caught.value.messages[0]
    assert Price.objects.count() == 1
    assert AuditEvent.objects.filter(action="price.record").count() == 1


def test_times_are_instants_in_utc(books):
    plus_two = dt.timezone(dt.timedelta(hours=2))
    price = record(books, "1", as_of=dt.datetime(2021, 6, 30, 14, 0, tzinfo=plus_two))
    assert Price.objects.get(pk=price.pk).as_of == at(2021, 6, 30, 12, 0)
    naive = record(books, "2", as_of=dt.datetime(2021, 6, 30, 13, 0))  # no offset: read as UTC
    assert Price.objects.get(pk=naive.pk).as_of == at(2021, 6, 30, 13, 0)


def test_an_assets_price_in_itself_and_a_missing_source_are_refused(books):
    with pytest.raises(ValidationError):
        record(books, "1", asset=books.usd, quote=books.usd)
    with pytest.raises(ValidationError) as caught:
        record(books, "1", source="  ")
    assert caught.value.code == "source"
    assert not Price.objects.exists()


# --- CSV import ---

GOOD = (
    "asset,quote,as_of,price",
    "ETH,USD,2021-06-29,2087.52",
    "ETH,USD,2021-06-30,2274.29",
    "BTC,USD,2021-06-30T00:00:00Z,35040.8371",
    "eth,usd,2021-07-01T12:30:00+02:00,2113.6",
)


def test_a_good_file_is_imported_with_counts(books):
    result = import_csv(*GOOD)

    assert (result.ok, result.rows, result.created, result.skipped) == (True, 4, 4, 0)
    assert Price.objects.get(asset=books.btc).price == Decimal("35040.8371")
    assert Price.objects.get(asset=books.eth, as_of=at(2021, 6, 30)).price == Decimal("2274.29")
    assert Price.objects.filter(as_of=at(2021, 7, 1, 10, 30)).exists()
    assert set(Price.objects.values_list("source", flat=True)) == {"CoinDesk daily close"}
    event = AuditEvent.objects.get(action="prices.import")
    assert event.changes["created"] == [None, 4]


def test_rerunning_the_same_file_changes_nothing(books):
    import_csv(*GOOD)
    before = list(Price.objects.order_by("pk").values())

    result = import_csv(*GOOD)

    assert (result.ok, result.created, result.skipped) == (True, 0, 4)
    assert list(Price.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.filter(action="prices.import").count() == 1


def test_a_file_overlapping_recorded_prices_adds_only_the_new_ones(books):
    import_csv(*GOOD[:3])
    result = import_csv(*GOOD)
    assert (result.created, result.skipped) == (2, 2)
    assert Price.objects.count() == 4


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(books):
    record(books, "2000", as_of=dt.date(2021, 5, 1))
    result = import_csv(
        "asset,quote,as_of,price",
        "ETH,USD,2021-06-29,2087.52",  # line 2: fine
        "ETC,USD,2021-06-29,50",  # line 3: unknown asset
        "ETH,XYZ,2021-06-29,50",  # line 4: unknown quote
        "ETH,USD,29/06/2021,2087.52",  # line 5: not an ISO date
        "ETH,USD,2021-06-31,2087.52",  # line 6: no such day
        "BTC,USD,2021-06-29,-35000",  # line 7: negative
        "BTC,USD,2021-06-30,0",  # line 8: zero
        "BTC,USD,2021-07-01,35 000",  # line 9: not a number
        "ETH,USD,2021-06-29T00:00:00Z,2087.52",  # line 10: the same instant as line 2
        "ETH,USD,2021-05-01,2001",  # line 11: differs from the recorded price
        "USD,USD,2021-05-01,1",  # line 12: a price in itself
        "BTC,USD",  # line 13: too few columns
        "",  # a blank line is skipped, but counts for line numbers
        "BTC,USD,2021-07-02,1.5e400",  # line 15: too large
    )

    assert not result.ok
    assert result.created == 0
    by_line = {error.line: error.message for error in result.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15]
    assert by_line[3] == "Unknown asset “ETC”."
    assert by_line[4] == "Unknown quote currency “XYZ”."
    assert "not an ISO date" in by_line[5]
    assert "not an ISO date" in by_line[6]
    assert "greater than zero" in by_line[7]
    assert "greater than zero" in by_line[8]
    assert "is not a number" in by_line[9]
    assert by_line[10] == "Duplicate of line 2: the same asset, quote and time."
    assert "already recorded" in by_line[11]
    assert "in itself" in by_line[12]
    assert by_line[13] == "Expected 4 columns, found 2."
    assert "too large" in by_line[15]
    assert str(result.errors[0]) == "Line 3: Unknown asset “ETC”."
    assert Price.objects.count() == 1  # only the one recorded before
    assert not AuditEvent.objects.filter(action="prices.import").exists()


def test_a_row_with_several_problems_lists_them_all(books):
    result = import_csv("asset,quote,as_of,price", "ETC,USD,yesterday,-1")
    [error] = result.errors
    assert error.line == 2
    assert error.message == (
        "Unknown asset “ETC”."
        " “yesterday” is not an ISO date or date-time (2021-06-30 or 2021-06-30T12:00:00Z)."
        " A price must be greater than zero; -1 is not."
    )


def test_the_header_must_name_the_columns(books):
    result = import_csv("asset,as_of,price,price", "ETH,2021-06-29,2087.52,1")
    [error] = result.errors
    assert error.line == 1
    assert "missing column(s) quote" in error.message
    assert "repeated column(s) price" in error.message
    assert import_csv("").errors[0].line == 1
    empty = prices_import_csv(actor=None, file=io.StringIO(""), source="x")
    assert "empty" in empty.errors[0].message


def test_columns_in_any_order_extra_columns_and_an_uploaded_file_with_a_bom(books):
    upload = io.BytesIO("\ufeffPrice,As_Of,Quote,Asset,Volume\r\n2274.29,2021-06-30,USD,ETH,12\r\n".encode())
    result = prices_import_csv(actor=None, file=upload, source="upload", is_sample=True)
    assert (result.ok, result.created) == (True, 1)
    price = Price.objects.get()
    assert (price.price, price.is_sample) == (Decimal("2274.29"), True)


def test_a_file_that_is_not_utf8_is_refused(books):
    result = prices_import_csv(
        actor=None, file=io.BytesIO(b"asset,quote,as_of,price\nETH,USD,2021-06-30,1\n\xff\xfe\n"), source="x"
    )
    assert not result.ok
    assert "UTF-8" in result.errors[0].message
    assert not Price.objects.exists()


def test_the_source_is_required(books):
    with pytest.raises(ValidationError):
        import_csv(*GOOD, source="")


def test_a_long_file_takes_a_few_queries_however_long(books, django_assert_max_num_queries):
    start = dt.date(2016, 1, 1)
    lines = ["asset,quote,as_of,price"] + [
        f"ETH,USD,{start + dt.timedelta(days=day)},{1000 + day}.25" for day in range(1500)
    ]
    # Inserts are batched (SQLite binds at most 999 parameters, so ~160 rows a query); the reads do not
    # grow with the file.
    with django_assert_max_num_queries(25):
        result = import_csv(*lines)
    assert result.created == 1500
    with django_assert_max_num_queries(6):
        assert import_csv(*lines).skipped == 1500


# --- price_at and value_in ---


def test_price_at_is_the_latest_price_at_or_before_never_interpolated(books):
    record(books, "1000", as_of=dt.date(2021, 1, 1))
    record(books, "3000", as_of=dt.date(2021, 1, 3))

    assert price_at(books.eth, books.usd, at(2020, 12, 31, 23, 59)) is None
    assert price_at(books.eth, books.usd, at(2021, 1, 1)).price == 1000
    assert price_at(books.eth, books.usd, at(2021, 1, 2, 23)).price == 1000  # not 2000
    assert price_at(books.eth, books.usd, dt.date(2021, 1, 3)).price == 3000  # a date: its end
    assert price_at(books.eth, books.usd, at(2030, 1, 1)).price == 3000
    assert price_at(books.btc, books.usd, at(2030, 1, 1)) is None
    assert price_at(books.usd, books.eth, at(2030, 1, 1)) is None  # never inverted


def test_a_price_too_old_counts_as_missing_when_asked(books):
    record(books, "1000", as_of=dt.date(2021, 1, 1))
    assert price_at(books.eth, books.usd, dt.date(2021, 1, 5), max_age=dt.timedelta(days=7)).price == 1000
    assert price_at(books.eth, books.usd, dt.date(2021, 3, 1), max_age=dt.timedelta(days=7)) is None


def test_an_assets_price_in_itself_is_one(books):
    price = price_at(books.usd, books.usd, at(2021, 1, 1))
    assert price.price == 1
    assert price.pk is None
    assert value_in(amount=123_456, asset=books.usd, quote=books.usd, at=at(2021, 1, 1)) == Decimal("1234.56")


def test_value_in_is_exact_and_missing_is_none(books):
    record(books, "2274.293456789012345678")
    amount = 2267 * WEI + 1  # 2267 ETH and one wei

    value = value_in(amount=amount, asset=books.eth, quote=books.usd, at=dt.date(2021, 6, 30))

    # The exact product, worked out with integers: 40 significant digits, beyond Decimal's default 28.
    product = amount * 2274293456789012345678
    assert value == Decimal((0, tuple(int(digit) for digit in str(product)), -36))
    assert len(str(product)) > 28
    assert value_in(amount=amount, asset=books.eth, quote=books.usd, at=dt.date(2021, 6, 29)) is None
    assert value_in(amount=SATOSHI, asset=books.btc, quote=books.usd, at=dt.date(2021, 6, 30)) is None


# --- revaluation ---


def donate(books, amount, account, income, on):
    entry_post(
        actor=None,
        fund=books.venture,
        kind="donation",
        effective_date=on,
        lines=[Line(account, amount), Line(income, -amount)],
    )


@pytest.fixture
def holdings(books):
    """Venture Fund: USD 35M and 2267 ETH in 2021; 8 BTC arrive in 2022."""
    from seedbed.funds.ledger import account_for

    btc_cash = account_for(fund=books.venture, type="asset", asset=books.btc, purpose="wallet")
    btc_income = account_for(fund=books.venture, type="income", asset=books.btc, purpose="donations")
    donate(books, 3_500_000_000, books.cash_usd, books.income_usd, dt.date(2021, 3, 1))
    donate(books, 2267 * WEI, books.cash_eth, books.income_eth, dt.date(2021, 6, 1))
    donate(books, 8 * SATOSHI, btc_cash, btc_income, dt.date(2022, 1, 10))
    return books


def test_revaluation_values_each_holding_and_shows_missing_prices(holdings):
    books = holdings
    record(books, "3000.5", as_of=dt.date(2021, 12, 30))
    record(books, "9999", as_of=dt.date(2022, 1, 1))  # after the reporting date: not used

    rows = revaluation(fund=books.venture, quote=books.usd, at=dt.date(2021, 12, 31))

    assert [(row.asset.code, row.amount) for row in rows] == [("ETH", 2267 * WEI), ("USD", 3_500_000_000)]
    eth, usd = rows
    assert eth.holding == Decimal("2267.000000000000000000")
    assert eth.value == Decimal("6802133.5")
    assert (eth.price.price, eth.price_as_of, eth.price_source) == (
        Decimal("3000.5"),
        at(2021, 12, 30),
        "test feed",
    )
    assert usd.value == Decimal("35000000.00")
    assert revaluation_total(rows) == Decimal("41802133.5")


def test_revaluation_never_guesses_a_missing_price(holdings):
    books = holdings
    record(books, "3000", as_of=dt.date(2021, 12, 30))

    rows = revaluation(fund=books.venture, quote=books.usd, at=at(2022, 1, 31, 18, 0))

    by_code = {row.asset.code: row for row in rows}
    assert set(by_code) == {"BTC", "ETH", "USD"}
    assert by_code["BTC"].amount == 8 * SATOSHI
    assert by_code["BTC"].is_missing
    assert (by_code["BTC"].value, by_code["BTC"].price, by_code["BTC"].price_as_of) == (None, None, None)
    assert by_code["ETH"].value == Decimal("6801000")
    assert revaluation_total(rows) is None  # a partial total would mislead

    stale = revaluation(
        fund=books.venture, quote=books.usd, at=dt.date(2022, 1, 31), max_age=dt.timedelta(days=7)
    )
    assert {row.asset.code for row in stale if row.is_missing} == {"BTC", "ETH"}


def test_revaluation_of_an_empty_fund_is_empty(books):
    assert revaluation(fund=books.crypto, quote=books.usd, at=dt.date(2021, 12, 31)) == []
    assert revaluation_total([]) == 0


def test_revaluation_is_a_report_not_entries(holdings):
    books = holdings
    from seedbed.funds.models import JournalEntry

    entries = JournalEntry.objects.count()
    record(books, "3000", as_of=dt.date(2021, 12, 30))
    revaluation(fund=books.venture, quote=books.usd, at=dt.date(2021, 12, 31))
    assert JournalEntry.objects.count() == entries


# --- the command ---


def test_command_imports_a_file(books, tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    out = io.StringIO()

    call_command("prices", "import", str(path), "--source", "CoinDesk", stdout=out)
    again = io.StringIO()
    call_command("prices", "import", str(path), "--source", "CoinDesk", stdout=again)

    assert out.getvalue().strip() == "4 prices imported, 0 already recorded (4 rows read)."
    assert again.getvalue().strip() == "0 prices imported, 4 already recorded (4 rows read)."
    assert Price.objects.filter(source="CoinDesk").count() == 4


def test_command_lists_bad_rows_and_fails(books, tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("asset,quote,as_of,price\nETH,USD,2021-06-30,1\nETC,USD,2021-06-30,1\n", encoding="utf-8")
    errors = io.StringIO()

    with pytest.raises(CommandError, match=r"1 row with errors .* nothing was imported"):
        call_command("prices", "import", str(path), "--source", "x", stderr=errors)

    assert errors.getvalue().strip() == "Line 3: Unknown asset “ETC”."
    assert not Price.objects.exists()


def test_command_refuses_a_missing_file(books, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("prices", "import", str(tmp_path / "nope.csv"), "--source", "x")


def test_assets_are_not_created_by_an_import(books):
    import_csv("asset,quote,as_of,price", "SOL,USD,2021-06-30,35")
    assert not Asset.objects.filter(code="SOL").exists()
