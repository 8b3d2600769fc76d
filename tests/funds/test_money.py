"""Human amounts ↔ base units: exact both ways, never rounded, refusals with clear messages. No database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from seedbed.funds.models import Asset
from seedbed.funds.money import format_amount, format_decimal, parse_amount, to_decimal

USD = Asset(code="USD", name="US dollar", kind="fiat", decimals=2)
JPY = Asset(code="JPY", name="Yen", kind="fiat", decimals=0)
BHD = Asset(code="BHD", name="Bahraini dinar", kind="fiat", decimals=3)
ETH = Asset(code="ETH", name="Ether", kind="native", decimals=18, chain="ethereum")
BTC = Asset(code="BTC", name="Bitcoin", kind="native", decimals=8, chain="bitcoin")
USDC = Asset(code="USDC", name="USD Coin", kind="token", decimals=6, chain="ethereum", contract_address="0x")
WEI = 10**18


def refusal(text, asset, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_amount(text, asset, **kwargs)
    return caught.value


# --- parse_amount ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "asset", "expected"),
    [
        ("1.5", ETH, 15 * 10**17),
        ("1.5 ETH", ETH, 15 * 10**17),
        ("1.5 eth", ETH, 15 * 10**17),
        ("ETH 1.5", ETH, 15 * 10**17),
        ("2,267 ETH", ETH, 2267 * WEI),
        ("2267.000000000000000001", ETH, 2267 * WEI + 1),
        ("0.000000000000000001", ETH, 1),
        ("100,000.00 USD", USD, 10_000_000),
        ("USD 100,000.00", USD, 10_000_000),
        ("1,234.56", USD, 123_456),
        ("1,234,567.8", USD, 123_456_780),
        ("1234567.89", USD, 123_456_789),
        ("100 000.00", USD, 10_000_000),
        ("100\u00a0000.00", USD, 10_000_000),  # no-break space, as copied from a formatted report
        ("100\u202f000", USD, 10_000_000),  # narrow no-break space
        ("  42  ", USD, 4200),
        ("0.5", USD, 50),
        (".5", USD, 50),
        ("5.", USD, 500),
        ("+5", USD, 500),
        ("007", USD, 700),
        ("0", USD, 0),
        ("-0.00", USD, 0),
        ("1000", JPY, 1000),
        ("1.234 BHD", BHD, 1234),
        ("0.00000001 BTC", BTC, 1),
        ("21,000,000 BTC", BTC, 21_000_000 * 10**8),
        ("1.000001 USDC", USDC, 1_000_001),
    ],
)
def test_parse_reads_exactly(text, asset, expected):
    assert parse_amount(text, asset) == expected


def test_negative_amounts_only_when_allowed():
    assert parse_amount("-1,234.56", USD, allow_negative=True) == -123_456
    assert parse_amount("\u22121.5 ETH", ETH, allow_negative=True) == -15 * 10**17  # typographic minus
    error = refusal("-1.00", USD)
    assert error.code == "negative"
    assert error.messages == ["The amount cannot be negative."]


def test_more_decimals_than_the_asset_has_is_refused_never_rounded():
    error = refusal("10.005", USD)
    assert error.code == "too_precise"
    assert error.messages == ["USD has 2 decimals; 10.005 has 3."]
    assert refusal("1.5", JPY).messages == ["JPY has 0 decimals; 1.5 has 1."]
    assert refusal("0.0000000000000000001 ETH", ETH).messages == [
        "ETH has 18 decimals; 0.0000000000000000001 has 19."
    ]
    # As written, so "10.000" (ten thousand where "." groups thousands) is never read as ten.
    assert refusal("10.000", USD).code == "too_precise"


@pytest.mark.parametrize("text", ["", "   ", "\u00a0"])
def test_empty_is_refused(text):
    error = refusal(text, USD)
    assert (error.code, error.messages) == ("required", ["Enter an amount."])


@pytest.mark.parametrize("text", ["1e5", "1E5", "1.5e-3", ".5e3", "2e18 ETH", "-1e2"])
def test_exponents_are_refused(text):
    asset = ETH if "ETH" in text else USD
    error = refusal(text, asset, allow_negative=True)
    assert error.code == "exponent"
    assert "without an exponent" in error.messages[0]


@pytest.mark.parametrize("text", ["NaN", "nan", "-inf", "Infinity", "inf USD", "sNaN"])
def test_nan_and_infinities_are_refused(text):
    error = refusal(text, USD, allow_negative=True)
    assert error.code == "invalid"
    assert "finite" in error.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "USD",
        "1.2.3",
        "1..5",
        ".",
        "-",
        "--5",
        "- 5",
        "1 2",  # a space groups exactly three digits
        "12 345 6",
        "$100",
        "1.5ETH",
        "0x10",
        "1_000",
        "١٢٣",  # Arabic-Indic digits: Python's Decimal would accept them; we read ASCII digits only
        "1.234 567",  # no grouping after the decimal mark
        "1,234 567",  # one kind of separator per amount
        "USD 1 USD",
    ],
)
def test_what_is_not_a_plain_number_is_refused(text):
    error = refusal(text, USD, allow_negative=True)
    assert error.code == "invalid"


@pytest.mark.parametrize("text", ["1,5", "100 000,00", "1.234,56", "1,2345", "12,34"])
def test_a_decimal_comma_is_refused_with_a_hint_never_misread(text):
    error = refusal(text, USD)
    assert error.code == "invalid"
    assert "use “.” for decimals" in error.messages[0]


def test_an_amount_in_another_asset_is_refused():
    error = refusal("1.5 BTC", ETH)
    assert error.code == "wrong_asset"
    assert error.messages == ["This amount is in BTC, but ETH is expected."]
    assert refusal("EUR 5", USD).code == "wrong_asset"


def test_amounts_beyond_the_database_column_are_refused():
    assert parse_amount("9" * 60, ETH) == int("9" * 60) * WEI  # 78 digits in wei
    assert refusal("9" * 61, ETH).code == "too_large"
    assert refusal("1" * 300, USD).code == "invalid"


def test_parse_takes_only_text():
    with pytest.raises(TypeError):
        parse_amount(1.5, USD)  # type: ignore[arg-type]


# --- format_amount and to_decimal ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "asset", "expected"),
    [
        (10_000_000, USD, "100,000.00 USD"),
        (3_500_000_000, USD, "35,000,000.00 USD"),
        (5, USD, "0.05 USD"),
        (0, USD, "0.00 USD"),
        (-123_456, USD, "-1,234.56 USD"),
        (1234, JPY, "1,234 JPY"),
        (1, BHD, "0.001 BHD"),
        (15 * 10**17, ETH, "1.5 ETH"),
        (2267 * WEI, ETH, "2,267 ETH"),
        (2267 * WEI + 1, ETH, "2,267.000000000000000001 ETH"),
        (1, ETH, "0.000000000000000001 ETH"),
        (0, ETH, "0 ETH"),
        (8 * 10**8, BTC, "8 BTC"),
        (1, BTC, "0.00000001 BTC"),
        (-1_500_000, USDC, "-1.5 USDC"),
    ],
)
def test_format_shows_exact_human_amounts(value, asset, expected):
    assert format_amount(value, asset) == expected


def test_format_options():
    assert format_amount(10_000_000, USD, with_code=False) == "100,000.00"
    assert format_amount(10_000_000, USD, grouping=False) == "100000.00 USD"
    assert format_amount(2267 * WEI, ETH, with_code=False, grouping=False) == "2267"


def test_format_never_uses_scientific_notation():
    huge = 10**77 + 1
    assert "e" not in format_amount(huge, ETH).lower().replace("eth", "")
    assert format_amount(huge, ETH, with_code=False, grouping=False) == "1" + "0" * 59 + "." + "0" * 17 + "1"


def test_format_refuses_what_is_not_an_int():
    for wrong in (1.5, Decimal("1.5"), True, "150"):
        with pytest.raises(TypeError):
            format_amount(wrong, USD)  # type: ignore[arg-type]


def test_to_decimal_is_exact_whatever_the_size():
    assert to_decimal(10_000_000, USD) == Decimal("100000.00")
    assert str(to_decimal(10_000_000, USD)) == "100000.00"
    assert to_decimal(2267 * WEI + 1, ETH) == Decimal("2267.000000000000000001")
    assert to_decimal(-5, USD) == Decimal("-0.05")
    assert to_decimal(0, JPY) == 0
    big = 10**77 + 1  # more digits than Decimal's default 28-digit precision
    assert str(to_decimal(big, ETH)) == "1" + "0" * 59 + "." + "0" * 17 + "1"


def test_format_decimal_shows_a_valuation_in_full():
    assert format_decimal(Decimal("3000.180"), USD) == "3,000.18 USD"
    assert format_decimal(Decimal("3000.1805"), USD) == "3,000.1805 USD"
    assert format_decimal(Decimal("3000"), USD) == "3,000.00 USD"
    assert format_decimal(Decimal("-0.5"), USD, with_code=False) == "-0.50"
    assert format_decimal(Decimal("1.500"), ETH) == "1.5 ETH"
    assert format_decimal(Decimal("1E+3"), ETH, grouping=False) == "1000 ETH"
    assert format_decimal(Decimal("1E-20"), ETH) == "0.00000000000000000001 ETH"


# --- properties --------------------------------------------------------------------------------------------


@st.composite
def assets(draw) -> Asset:
    decimals = draw(st.integers(min_value=0, max_value=18))
    kind = draw(st.sampled_from(["fiat", "native", "token"]))
    return Asset(code="XYZ", name="test", kind=kind, decimals=decimals, chain="test", contract_address="0x")


AMOUNTS = st.integers(min_value=-(10**78) + 1, max_value=10**78 - 1)


@given(asset=assets(), value=AMOUNTS, with_code=st.booleans(), grouping=st.booleans())
def test_parse_reads_back_whatever_format_writes(asset, value, with_code, grouping):
    text = format_amount(value, asset, with_code=with_code, grouping=grouping)
    assert parse_amount(text, asset, allow_negative=True) == value


@given(asset=assets(), value=AMOUNTS)
def test_to_decimal_scales_exactly(asset, value):
    number = to_decimal(value, asset)
    sign, digits, exponent = number.as_tuple()
    assert exponent == -asset.decimals
    assert (-1 if sign else 1) * int("".join(map(str, digits))) == value
    assert format_decimal(number, asset, grouping=False, with_code=False) == format_amount(
        value, asset, grouping=False, with_code=False
    )


@given(
    asset=assets(),
    whole=st.integers(min_value=0, max_value=10**40),
    fraction=st.text(alphabet="0123456789", max_size=18),
)
def test_typed_amounts_read_exactly_or_are_refused(asset, whole, fraction):
    text = f"{whole}.{fraction}" if fraction else str(whole)
    if len(fraction) > asset.decimals:
        with pytest.raises(ValidationError):
            parse_amount(text, asset)
    else:
        assert parse_amount(text, asset) == int(whole) * 10**asset.decimals + int(
            fraction.ljust(asset.decimals, "0") or "0"
        )
