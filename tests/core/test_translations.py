"""The French and Spanish catalogues: complete, well-formed, compiled, in step with the code, and used.

A small PO parser lives here so that the checks need no extra dependency. Refresh the catalogues with
``make messages`` after changing a marked string, translate the new entries, and commit the .po and .mo.
"""

from __future__ import annotations

import gettext
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from seedbed.core.models import OrganizationKind, Region
from seedbed.core.roles import Role

PACKAGE_DIR = Path(settings.LOCALE_PATHS[0]).parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ["fr", "es"]
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "es": "nplurals=2; plural=(n != 1);"}
LANGUAGE_TEAMS = {"fr": "French", "es": "Spanish"}

# printf-style directives as Python's % operator reads them, %% included.
FORMAT_DIRECTIVE = re.compile(r"%(?:\(\w+\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
HTML_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


# --- a small PO reader ---------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def is_plural(self) -> bool:
        return self.msgid_plural is not None

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid[:60]!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str, lineno: int) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"line {lineno}: expected a quoted string, got {text!r}")
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a PO file, header first. Obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    entry = Entry()
    started = False  # the current entry has a keyword line
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if started and target is not None and target[0] == "msgstr":
                finish()  # a comment after a msgstr starts the next entry even without a blank line
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        match = keyword.match(line)
        if match:
            name, index, value = match.group(1), match.group(2), _unquote(match.group(3), lineno)
            if name in {"msgctxt", "msgid"} and started and target is not None and target[0] == "msgstr":
                finish()
            if not started:
                entry.line = lineno
            started = True
            target = (name, int(index) if index is not None else None)
            if name == "msgstr" and index is not None:
                entry.msgstr_plural[int(index)] = value
            else:
                setattr(entry, name, value)
            continue
        if line.startswith('"') and target is not None:
            value = _unquote(line, lineno)
            name, index = target
            if name == "msgstr" and index is not None:
                entry.msgstr_plural[index] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        raise ValueError(f"{path}:{lineno}: cannot read {raw!r}")
    finish()
    return entries


def header_fields(entries: list[Entry]) -> dict[str, str]:
    header = entries[0]
    assert header.msgid == "" and header.msgctxt is None, "the first entry must be the header"
    fields: dict[str, str] = {}
    for line in header.msgstr.splitlines():
        name, _sep, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def messages(language: str) -> list[Entry]:
    return parse_po(po_path(language))[1:]


def translations_of(entry: Entry) -> list[str]:
    return (
        [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)] if entry.is_plural else [entry.msgstr]
    )


def directives(text: str) -> Counter[str]:
    return Counter(FORMAT_DIRECTIVE.findall(text))


def markup(text: str) -> Counter[str]:
    return Counter(HTML_TAG.findall(text) + HTML_ENTITY.findall(text))


# --- the parser itself ---------------------------------------------------------------------------------


def test_parser_reads_multiline_plural_and_flags(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                '"Language: fr\\n"',
                '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"',
                "",
                "#: a.py b.html",
                "#, fuzzy, python-format",
                'msgid ""',
                '"%(count)s long \\"quoted\\" "',
                '"message"',
                'msgid_plural "%(count)s messages"',
                'msgstr[0] "%(count)s message "',
                '"long"',
                'msgstr[1] "%(count)s messages"',
                "#, python-format",
                'msgctxt "menu"',
                'msgid "Open"',
                'msgstr "Ouvrir"',
                "",
                '#~ msgid "Old"',
                '#~ msgstr "Ancien"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    header, plural, contextual = parse_po(sample)
    assert header_fields([header])["Language"] == "fr"
    assert plural.msgid == '%(count)s long "quoted" message'
    assert plural.msgid_plural == "%(count)s messages"
    assert plural.msgstr_plural == {0: "%(count)s message long", 1: "%(count)s messages"}
    assert plural.flags == {"fuzzy", "python-format"}
    assert plural.references == ["a.py", "b.html"]
    assert (contextual.msgctxt, contextual.msgid, contextual.msgstr) == ("menu", "Open", "Ouvrir")


# --- the catalogues ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_header(language):
    fields = header_fields(parse_po(po_path(language)))
    assert fields["Language"] == language
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]
    assert fields["Language-Team"].startswith(LANGUAGE_TEAMS[language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_is_fuzzy(language):
    fuzzy = [entry.label for entry in parse_po(po_path(language)) if "fuzzy" in entry.flags]
    assert not fuzzy, f"{language}: fuzzy entries (check them, then remove the flag): {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated(language):
    entries = messages(language)
    assert len(entries) > 100
    untranslated = []
    for entry in entries:
        forms = translations_of(entry)
        if entry.is_plural and sorted(entry.msgstr_plural) != [0, 1]:
            untranslated.append(f"{entry.label} has plural forms {sorted(entry.msgstr_plural)}, not [0, 1]")
        if not all(form.strip() for form in forms):
            untranslated.append(entry.label)
    assert not untranslated, f"{language}: untranslated entries: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    """The same %(name)s placeholders (and %%) in the translation; a missing or misspelt one breaks pages."""
    wrong = []
    for entry in messages(language):
        for index, form in enumerate(translations_of(entry)):
            source = entry.msgid_plural if entry.is_plural and index > 0 else entry.msgid
            assert source is not None
            expected = directives(source)
            if entry.is_plural:  # the singular form may also serve other numbers (French 0), so it needs all
                expected = directives(entry.msgid_plural or "") | directives(entry.msgid)
            if "python-format" in entry.flags:
                ok = set(directives(form)) == set(expected)
            else:  # not a format string: a stray % would break {% blocktranslate %} rendering
                ok = not directives(form) or directives(form) == expected
            if not ok:
                wrong.append(f"{entry.label} [{index}]: {sorted(expected)} != {sorted(directives(form))}")
    assert not wrong, f"{language}: placeholders differ: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_markup_is_kept(language):
    wrong = [
        entry.label
        for entry in messages(language)
        for form in translations_of(entry)
        if markup(form) != markup(entry.msgid)
    ]
    assert not wrong, f"{language}: HTML tags or entities differ: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po(language):
    """The committed .mo is the compiled .po: a stale one fails here. Fix with `make messages`."""
    entries = parse_po(po_path(language))
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info().get("plural-forms") == header_fields(entries)["Plural-Forms"]
    po_plural = gettext.c2py(PLURAL_FORMS[language].split("plural=", 1)[1].rstrip(";"))
    stale = []
    compiled_ids = {""}  # msgfmt keeps the header, and only the translated entries that are not fuzzy
    for entry in entries[1:]:
        translated = all(translations_of(entry)) and "fuzzy" not in entry.flags
        if translated:
            compiled_ids.add(entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}")
        if entry.is_plural:
            assert entry.msgid_plural is not None
            for n in (0, 1, 2, 5, 21, 1000000):
                if translated:
                    expected = entry.msgstr_plural[po_plural(n)]
                else:
                    expected = entry.msgid if n == 1 else entry.msgid_plural
                if entry.msgctxt is not None:
                    got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if got != expected:
                    stale.append(f"{entry.label} n={n}: {got!r} != {expected!r}")
        else:
            expected = entry.msgstr if translated else entry.msgid
            if entry.msgctxt is not None:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = compiled.gettext(entry.msgid)
            if got != expected:
                stale.append(f"{entry.label}: {got!r} != {expected!r}")
    assert not stale, f"{language}: the .mo is stale, run `make messages`: {stale}"
    # Nor may the .mo hold messages that the .po no longer has.
    catalog = compiled._catalog  # type: ignore[attr-defined]
    catalog_ids = {key[0] if isinstance(key, tuple) else key for key in catalog}
    extra = sorted(catalog_ids - compiled_ids)
    assert not extra, f"{language}: the .mo is stale, it holds messages the .po has not: {extra}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogues_cover_every_marked_string(tmp_path, monkeypatch, settings):
    """Extract the strings again (as `make messages` does, in a copy) and compare with the committed .po."""
    copy = tmp_path / "seedbed"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo", "node_modules"),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=LANGUAGES,
        no_obsolete=True,
        add_location="file",
        ignore_patterns=["static/*"],
        verbosity=0,
    )
    for language in LANGUAGES:
        committed = {(entry.msgctxt, entry.msgid) for entry in messages(language)}
        extracted = {
            (entry.msgctxt, entry.msgid)
            for entry in parse_po(copy / "locale" / language / "LC_MESSAGES" / "django.po")[1:]
        }
        new = sorted(msgid for _ctx, msgid in extracted - committed)
        gone = sorted(msgid for _ctx, msgid in committed - extracted)
        assert not new and not gone, (
            f"{language}: run `make messages` and translate. "
            f"Not in the catalogue: {new}. No longer in the code: {gone}"
        )


# --- the catalogues in use -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            {
                Role.FUND_MANAGER.label: "Gestionnaire de fonds",
                Role.FOCAL_POINT.label: "Point focal du bureau de pays",
                Region.WCAR.label: "Afrique de l'Ouest et du Centre",
                OrganizationKind.COUNTRY_OFFICE.label: "Bureau de pays de l'UNICEF",
            },
        ),
        (
            "es",
            {
                Role.OSS_MENTOR.label: "Mentor de código abierto",
                Role.FOCAL_POINT.label: "Punto focal de la oficina de país",
                Region.EAPR.label: "Asia Oriental y el Pacífico",
                OrganizationKind.COUNTRY_OFFICE.label: "Oficina de país de UNICEF",
            },
        ),
    ],
)
def test_labels_in_code_are_translated(language, expected):
    with translation.override(language):
        assert [str(label) for label in expected] == list(expected.values())


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("fr", "1 organisation", "2 organisations"),
        ("es", "1 organización", "2 organizaciones"),
    ],
)
def test_plural_forms_at_runtime(language, one, two):
    with translation.override(language):
        for n, expected in ((1, one), (2, two)):
            text = translation.ngettext("%(counter)s organization", "%(counter)s organizations", n)
            assert text % {"counter": n} == expected
    with translation.override("fr"):
        assert (
            translation.ngettext("%(counter)s organization", "%(counter)s organizations", 0) % {"counter": 0}
            == "0 organisation"
        )


PAGES = {
    "fr": {
        "home": [
            "Organisations",
            "Pays",
            "Points nécessitant votre attention",
            "Enregistrer une organisation",
        ],
        "organization_list": ["Organisations", "Filtrer les organisations", "Exporter en CSV", "Trier par"],
    },
    "es": {
        "home": ["Organizaciones", "Países", "Requiere su atención", "Registrar una organización"],
        "organization_list": [
            "Organizaciones",
            "Filtrar las organizaciones",
            "Exportar a CSV",
            "Ordenar por",
        ],
    },
}
ENGLISH = {
    "home": ["Needs your attention", "Register an organization"],
    "organization_list": ["Filter organizations", "Export CSV", "Sort by"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_follow_the_language_cookie(language, personas, client_for, organization):
    client = client_for(personas["fund_manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for name, expected in PAGES[language].items():
        response = client.get(reverse(name))
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        for text in expected:
            assert text in html, f"{name} in {language}: {text!r} missing"
        for text in ENGLISH[name]:
            assert text not in html, f"{name} in {language}: English {text!r} left"


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_language_switcher(language, personas, client_for):
    client = client_for(personas["applicant"])
    response = client.post(
        reverse("set_language"), {"language": language, "next": reverse("organization_list")}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    html = client.get(reverse("organization_list")).content.decode()
    assert PAGES[language]["organization_list"][0] in html
    assert "Filter organizations" not in html


@pytest.mark.django_db
def test_anonymous_welcome_page_in_french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("home")).content.decode()
    assert "Se connecter" in html
    assert "biens publics numériques open source" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Bolivie", "États-Unis"]),
        ("es", ["Kenia", "Estados Unidos"]),
        ("en", ["Kenya", "United States"]),
    ],
)
def test_country_names_follow_the_interface_language(client_for, personas, organization, language, expected):
    client = client_for(personas["reviewer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    listing = client.get(reverse("country_list"), {"q": "", "sort": "name", "page": 1}).content.decode()
    detail = client.get(reverse("country_detail", args=["BO"])).content.decode()
    kenya = client.get(reverse("country_detail", args=["KE"])).content.decode()
    us = client.get(reverse("country_detail", args=["US"])).content.decode()
    assert expected[0] in detail + kenya
    assert expected[1] in us
    assert listing  # the list renders in every language
