"""Assets, funds and their rules, and the double-entry ledger (accounts, journal entries, postings).

Amounts are exact integers in an asset's base units (``AmountField``). Per entry and per asset the
postings sum to zero; a posted entry and its postings are never changed or deleted; a correction is a
reversing entry. These rules are enforced by the services and again by the database (see
``funds/ledger_sql.py`` and docs/adr/0008).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.core.models import Organization
from seedbed.funds.fields import AmountField, ExactDecimalField, amount_as_number


class AssetKind(models.TextChoices):
    FIAT = "fiat", _("Fiat currency")
    NATIVE = "native", _("Native coin")
    TOKEN = "token", _("Token")


class Asset(models.Model):
    """A currency or crypto asset. ``decimals`` says how many base units make one unit (USD 2, ETH 18)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=AssetKind.choices)
    decimals = models.PositiveSmallIntegerField(_("decimals"), validators=[MaxValueValidator(36)])
    chain = models.CharField(_("chain"), max_length=40, blank=True, help_text=_("e.g. ethereum, bitcoin"))
    contract_address = models.CharField(_("contract address"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="fiat") | ~models.Q(chain=""), name="crypto_asset_has_chain"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="token") | ~models.Q(contract_address=""), name="token_has_contract"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_crypto(self) -> bool:
        return self.kind != AssetKind.FIAT


class FundKind(models.TextChoices):
    VENTURE = "venture", _("Venture fund")
    ACCELERATION = "acceleration", _("Acceleration fund")
    CRYPTO = "crypto", _("Crypto fund")
    OTHER = "other", _("Other fund")


class Instrument(models.TextChoices):
    GRANT = "grant", _("Equity-free investment or grant")
    EQUITY = "equity", _("Equity")
    DEBT = "debt", _("Debt")
    GUARANTEE = "guarantee", _("Guarantee")


class Fund(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=FundKind.choices)
    description = models.TextField(_("description"), blank=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    reporting_asset = models.ForeignKey(
        Asset, verbose_name=_("reporting currency"), on_delete=models.PROTECT, related_name="+"
    )
    # --- Rules (data a fund manager edits; every edit is audited) ---
    allowed_assets = models.ManyToManyField(Asset, verbose_name=_("allowed assets"), related_name="funds")
    crypto_only = models.BooleanField(
        _("crypto only"), default=False, help_text=_("Accepts and pays out only crypto assets.")
    )
    allows_conversion = models.BooleanField(
        _("allows conversion"),
        default=True,
        help_text=_("Whether an entry may exchange one asset for another inside this fund."),
    )
    target_new_investments_per_year = models.PositiveIntegerField(
        _("target of new investments per year"), null=True, blank=True
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(crypto_only=True, allows_conversion=True),
                name="crypto_fund_never_converts",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("fund_detail", args=[self.slug])


class InstrumentRule(models.Model):
    """An instrument a fund may use, with its ticket range in the fund's reporting currency."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="instrument_rules")
    instrument = models.CharField(_("instrument"), max_length=16, choices=Instrument.choices)
    min_amount = AmountField(_("smallest ticket"))
    max_amount = AmountField(_("largest ticket"))

    class Meta:
        verbose_name = _("instrument rule")
        verbose_name_plural = _("instrument rules")
        ordering = ["fund", "instrument"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "instrument"], name="one_rule_per_instrument"),
            models.CheckConstraint(
                condition=LessThanOrEqual(amount_as_number("min_amount"), amount_as_number("max_amount")),
                name="instrument_ticket_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(amount_as_number("min_amount"), 0),
                name="instrument_ticket_min_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund}: {self.get_instrument_display()}"


class AccountType(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")
    EQUITY = "equity", _("Equity")
    COMMITMENT = "commitment", _("Off-balance commitment")


# Accounts whose natural balance is a credit: shown with the sign turned round.
CREDIT_NORMAL = frozenset({AccountType.LIABILITY, AccountType.INCOME, AccountType.EQUITY})


class Account(models.Model):
    """One account of one fund, in one asset. ``balance`` is the running sum of its postings."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    code = models.CharField(_("code"), max_length=120)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=12, choices=AccountType.choices)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="accounts")
    counterparty = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    balance = AmountField(_("balance"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["fund", "type", "code"]
        constraints = [models.UniqueConstraint(fields=["fund", "code"], name="unique_account_code_per_fund")]

    def __str__(self) -> str:
        return f"{self.fund.slug}:{self.code}"

    @property
    def natural_balance(self) -> int:
        return -self.balance if self.type in CREDIT_NORMAL else self.balance


class EntryKind(models.TextChoices):
    DONATION = "donation", _("Donation")
    PLEDGE = "pledge", _("Pledge")
    PLEDGE_RECEIPT = "pledge_receipt", _("Pledge receipt")
    COMMITMENT = "commitment", _("Commitment")
    DISBURSEMENT = "disbursement", _("Disbursement")
    FEE = "fee", _("Fee")
    REFUND = "refund", _("Refund")
    REVERSAL = "reversal", _("Reversal")
    TRANSFER = "transfer", _("Transfer between funds")


class JournalEntry(models.Model):
    """A posted movement. Never changed or deleted: it is corrected by a reversing entry.

    ``seal`` points at the entry's own ``EntrySeal`` (same key). The foreign key is checked at commit,
    and the database admits a seal only when the entry's postings balance, so no unbalanced entry can
    be committed however it is written.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The seal key is indexed although it equals the key: SQLite looks entries up by it when it admits a
    # seal (the deferred foreign key). Single-column indexes that an index in Meta covers are left out:
    # every index costs on every posting.
    seal = models.ForeignKey(
        "EntrySeal", to_field="entry", db_column="seal_key", on_delete=models.PROTECT, related_name="+"
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries", db_index=False)
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    effective_date = models.DateField(_("effective date"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    memo = models.TextField(_("memo"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counterparty = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    cause_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    cause_id = models.CharField(max_length=64, blank=True)
    external_ref = models.CharField(_("external reference"), max_length=200, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-effective_date", "-id"]
        indexes = [
            models.Index(fields=["fund", "effective_date"]),
            models.Index(fields=["kind", "effective_date"]),
            models.Index(fields=["cause_type", "cause_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.effective_date}"

    def get_absolute_url(self) -> str:
        return reverse("entry_detail", args=[self.pk])


class EntrySeal(models.Model):
    """Admitted by the database only for a balanced entry of two postings or more. See ``JournalEntry``."""

    entry = models.OneToOneField(
        JournalEntry,
        to_field="key",
        db_column="entry_key",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("entry seal")
        verbose_name_plural = _("entry seals")

    def __str__(self) -> str:
        return f"seal {self.pk}"


class Posting(models.Model):
    """One line of an entry: a signed amount (debit positive, credit negative) on one account."""

    # Indexed with the asset below: the database's balance check groups an entry's postings by asset.
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings", db_index=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings", db_index=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+", db_index=False)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    amount = AmountField(_("amount"))
    effective_date = models.DateField(_("effective date"))

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["entry", "id"]
        indexes = [
            models.Index(fields=["entry", "asset"], name="funds_posting_entry_asset"),
            models.Index(fields=["account", "effective_date"]),
            models.Index(fields=["fund", "asset", "effective_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"


class AccountDay(models.Model):
    """What one account received (debits) and gave (credits) on one effective date.

    Maintained in the same transaction as the postings, so a balance at any date sums at most one row
    per account per day, however long the history. ``seedbed ledger verify`` recomputes them.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="days")
    date = models.DateField()
    debits = AmountField(default=0)
    credits = AmountField(default=0)  # a positive magnitude

    class Meta:
        ordering = ["account", "date"]
        constraints = [models.UniqueConstraint(fields=["account", "date"], name="one_row_per_account_day")]

    def __str__(self) -> str:
        return f"{self.account} {self.date}"


class Price(models.Model):
    """The price of one unit of ``asset`` in ``quote`` at ``as_of``, exact. Missing prices stay missing."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="prices")
    quote = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateTimeField(_("as of"))
    price = ExactDecimalField(_("price"))
    source = models.CharField(_("source"), max_length=120)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["asset", "quote", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "quote", "as_of"], name="one_price_per_instant")
        ]

    def __str__(self) -> str:
        return f"1 {self.asset} = {self.price} {self.quote} at {self.as_of:%Y-%m-%d %H:%M}"


class PaymentRequestKind(models.TextChoices):
    DISBURSEMENT = "disbursement", _("Disbursement")
    FEE = "fee", _("Fee")
    REFUND = "refund", _("Refund")
    TRANSFER = "transfer", _("Transfer between funds")


class PaymentRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    POSTED = "posted", _("Approved and posted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentRequest(models.Model):
    """Money going out: requested by one finance officer, approved by a different one, then posted."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="payment_requests")
    kind = models.CharField(_("kind"), max_length=16, choices=PaymentRequestKind.choices)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    amount = AmountField(_("amount"))
    counterparty = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_requests"
    )
    to_fund = models.ForeignKey(
        Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("to fund")
    )
    effective_date = models.DateField(_("payment date"))
    memo = models.TextField(_("purpose"))
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentRequestStatus.choices, default=PaymentRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    entry = models.OneToOneField(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_request"
    )
    cause_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cause_id = models.CharField(max_length=64, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["fund", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")),
                name="four_eyes_decider_is_not_requester",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="posted") | models.Q(entry__isnull=False),
                name="posted_request_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("payment_request_detail", args=[self.pk])
