"""Reading customer files from other systems: every format and the quirks of real exports.

No Qt, no database: only files in, ``ParsedFile`` out. The sample files in import_files/ are
written byte for byte (BOM, CRLF, Windows-1252, UTF-16), so each quirk is real.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.importing.dates import DateError, parse_birthday, parse_moment
from models.importing.generic_csv import TARGETS
from models.importing.reading import (
    FORMATS,
    ImportFileError,
    detect_format,
    guess_mapping,
    read_bytes,
    read_file,
    read_table,
)
from models.importing.records import ImportedNote, ImportRecord, ParsedFile, SkippedRow

FILES = Path(__file__).parent / "import_files"
NOT_RECOGNISABLE = "no name, nickname or memo to recognise them by"


def read(name: str, format: str = "auto") -> ParsedFile:
    return read_file(FILES / name, format)


def by_line(parsed: ParsedFile) -> dict[int, ImportRecord]:
    return {record.line: record for record in parsed.records}


@pytest.fixture
def pacific(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shop's computer is in California (a POSIX rule: no time zone database needed)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "PST8PDT,M3.2.0,M11.1.0")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# --- the public surface ----------------------------------------------------------------------


def test_formats_are_offered_in_this_order() -> None:
    assert list(FORMATS.items()) == [
        ("auto", "Detect from the file"),
        ("square", "Square customer directory"),
        ("shopify", "Shopify customers"),
        ("google", "Google Contacts"),
        ("vcard", "vCard (.vcf)"),
        ("csv", "Other CSV (choose the columns)"),
        ("json", "Velvet Rope export (JSON)"),
    ]
    assert list(TARGETS) == [
        "name", "first_name", "last_name", "goes_by", "phone", "email", "birthday", "tags",
        "note", "description", "usuals", "allergies", "preferences", "first_visit",
        "last_visit", "visit_count",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("square_bom_crlf.csv", "square"),
        ("square_customer_reference_id.csv", "square"),
        ("square_cp1252.csv", "square"),
        ("birthdays.csv", "square"),
        ("excel_unicode_text.txt", "square"),
        ("shopify_customers.csv", "shopify"),
        ("shopify_legacy.csv", "shopify"),
        ("shopify_import_template.csv", "shopify"),
        ("google_contacts.csv", "google"),
        ("google_contacts_legacy.csv", "google"),
        ("contacts_v3.vcf", "vcard"),
        ("contacts_v4.vcf", "vcard"),
        ("contacts_v21.vcf", "vcard"),
        ("generic_guests.csv", "csv"),
        ("semicolon_european.csv", "csv"),
    ],
)
def test_each_format_is_detected_by_its_columns(name: str, expected: str) -> None:
    data = (FILES / name).read_bytes()
    assert detect_format(data) == expected
    assert read_bytes(data).format == expected


def test_detection_ignores_case_spaces_and_order() -> None:
    data = b"  square customer id ,MEMO,  first name,Phone number\nSQ1,hi,Ann,555 0100\n"
    assert detect_format(data) == "square"
    assert read_bytes(data).records[0].name == "Ann"
    assert detect_format(b'{"format": "velvet-rope"}') == "json"
    assert detect_format(b"\r\nbegin:vcard\r\nFN:A\r\nend:vcard\r\n") == "vcard"
    assert detect_format(b"Name,Phone\nAnn,555\n") == "csv"
    assert detect_format(b"") == "csv"


# --- Square --------------------------------------------------------------------------------


def test_square_export_with_bom_crlf_and_a_memo_over_two_lines(pacific: None) -> None:
    parsed = read("square_bom_crlf.csv")
    assert (parsed.format, parsed.format_label) == ("square", "Square customer directory")
    assert parsed.encoding == "utf-8-sig"
    assert parsed.columns[:3] == ["Reference ID", "First Name", "Last Name"]
    rows = by_line(parsed)
    assert sorted(rows) == [2, 4, 5, 7, 10, 11]  # the memo on lines 2-3 moves the rest down
    kate = rows[2]
    assert kate.name == "Kate Smith"
    assert kate.goes_by == "Katie"
    assert kate.phone == "+15623972052"  # the spreadsheet's apostrophe is gone
    assert kate.email == "kate@example.com"
    assert (kate.birthday_month, kate.birthday_day, kate.birthday_year) == (4, 12, 1985)
    assert kate.notes == [
        ImportedNote("Oat flat white, extra hot\nAsk about the Lisbon trip", "Square memo")
    ]
    assert kate.description == ""  # she has a name; the company is ignored
    assert kate.source_id == "SQ1AAA"
    # A date alone is noon in the shop (PST: UTC-8); a time without zone is shop time (PDT).
    assert kate.first_visit == datetime(2023, 1, 5, 20, 0, tzinfo=UTC)
    assert kate.last_visit == datetime(2024, 7, 4, 16, 15, tzinfo=UTC)
    assert kate.visit_count == 12
    assert kate.warnings == []
    # Payment data, marketing status and consent are never read.
    assert kate.consent_given is None
    assert kate.history is None


def test_square_rows_without_a_name(pacific: None) -> None:
    rows = by_line(read("square_bom_crlf.csv"))
    nickname_only = rows[4]
    assert (nickname_only.name, nickname_only.goes_by, nickname_only.description) == (
        "", "Zoë", "")
    assert (nickname_only.birthday_month, nickname_only.birthday_day) == (4, 12)
    assert nickname_only.birthday_year == 1990
    memo_only = rows[5]
    assert memo_only.name == ""
    assert memo_only.description == "Tall, red fixie"  # the memo's first line …
    assert memo_only.notes == [  # … and the memo is still kept as a note
        ImportedNote("Tall, red fixie\nDouble espresso, no sugar", "Square memo")]
    assert memo_only.phone == "(562) 555-0199"
    company_only = rows[7]
    assert (company_only.name, company_only.description) == ("", "Bike Barn")
    assert company_only.email == "orders@bikebarn.example"


def test_square_skips_empty_and_unrecognisable_rows_but_not_trailing_blanks() -> None:
    parsed = read("square_bom_crlf.csv")
    assert parsed.skipped == [
        SkippedRow(8, "empty row"),
        SkippedRow(9, NOT_RECOGNISABLE),  # a phone and an email alone are not enough
    ]


def test_square_bad_values_leave_the_field_empty_with_a_warning(pacific: None) -> None:
    ana = by_line(read("square_bom_crlf.csv"))[10]
    assert ana.name == "Ana Lima"
    assert (ana.birthday_month, ana.birthday_day, ana.birthday_year) == (None, None, None)
    assert ana.first_visit is None
    assert ana.last_visit == datetime(2024, 3, 5, 20, 0, tzinfo=UTC)
    assert ana.visit_count is None
    assert ana.warnings == [
        "Line 10, column “Birthday”: “02-30-1990” is not a date we understand; the birthday "
        "was left empty.",
        "Line 10, column “First Visit”: “yesterday” is not a date we understand; it was left "
        "empty.",
        "Line 10, column “Transaction Count”: “lots” is not a number of visits; it was left "
        "empty.",
    ]


def test_square_spaces_and_spreadsheet_apostrophes(pacific: None) -> None:
    mary = by_line(read("square_bom_crlf.csv"))[11]
    assert mary.name == "Mary Ann O'Brien"  # an apostrophe inside a name stays
    assert (mary.birthday_month, mary.birthday_day, mary.birthday_year) == (7, 4, None)
    assert mary.source_id == "SQ7GGG"
    assert mary.first_visit == datetime(2022, 12, 31, 20, 0, tzinfo=UTC)
    assert mary.last_visit == datetime(2024, 1, 31, 18, 0, tzinfo=UTC)  # "Z": already UTC
    assert mary.visit_count == 7


def test_square_customer_reference_id_variant_in_another_column_order() -> None:
    parsed = read("square_customer_reference_id.csv", "square")
    assert parsed.encoding == "utf-8"
    [linh] = parsed.records
    assert (linh.line, linh.name, linh.phone, linh.email) == (
        2, "Linh Nguyen", "4155550123", "linh@example.com")
    assert (linh.birthday_month, linh.birthday_day, linh.birthday_year) == (9, 21, None)
    assert linh.notes == [ImportedNote("Likes the window seat", "Square memo")]
    assert (linh.visit_count, linh.source_id) == (3, "SQ9ZZZ")
    assert (linh.first_visit, linh.last_visit) == (None, None)


def test_windows_1252_from_old_excel() -> None:
    parsed = read("square_cp1252.csv")
    assert parsed.encoding == "cp1252"
    jose, zoe = parsed.records
    assert (jose.name, jose.goes_by, jose.phone) == ("José García", "Pepe", "+34 600 123 456")
    assert jose.notes == [ImportedNote("Café con leche", "Square memo")]
    assert zoe.name == "Zoë O’Neill"
    assert zoe.notes == [ImportedNote("“Regular” on Fridays", "Square memo")]


def test_excel_unicode_text_is_utf16_with_tabs() -> None:
    parsed = read("excel_unicode_text.txt")
    assert (parsed.format, parsed.encoding) == ("square", "utf-16")
    [wei] = parsed.records
    assert (wei.name, wei.phone, wei.email) == ("Wei Zhang", "+86 138 0013 8000",
                                                "wei@example.cn")
    assert wei.notes == [ImportedNote("王芳的朋友", "Square memo")]


@pytest.mark.parametrize(
    ("line", "value", "month", "day", "year"),
    [
        (2, "1985-04-12", 4, 12, 1985),
        (3, "04-12-1985", 4, 12, 1985),
        (4, "04/12/1985", 4, 12, 1985),
        (5, "04-12", 4, 12, None),
        (6, "--04-12", 4, 12, None),
        (7, "19850412", 4, 12, 1985),
        (8, "1604-04-12", 4, 12, None),  # Apple's "no year"
        (9, "0000-04-12", 4, 12, None),
        (14, "--0412", 4, 12, None),
        (15, "'04/12/1985", 4, 12, 1985),
    ],
)
def test_every_birthday_shape(
    line: int, value: str, month: int, day: int, year: int | None
) -> None:
    record = by_line(read("birthdays.csv"))[line]
    assert (record.birthday_month, record.birthday_day, record.birthday_year) == (
        month, day, year), value
    assert record.warnings == []


@pytest.mark.parametrize(
    ("line", "warning"),
    [
        (10, "Line 10, column “Birthday”: “02-30-1990” is not a date we understand; the "
             "birthday was left empty."),
        (11, "Line 11, column “Birthday”: “someday” is not a date we understand; the birthday "
             "was left empty."),
        (13, "Line 13, column “Birthday”: “13-45” is not a date we understand; the birthday "
             "was left empty."),
    ],
)
def test_impossible_or_unreadable_birthdays_are_left_empty(line: int, warning: str) -> None:
    record = by_line(read("birthdays.csv"))[line]
    assert (record.birthday_month, record.birthday_day, record.birthday_year) == (
        None, None, None)
    assert record.warnings == [warning]


def test_an_impossible_birth_year_keeps_the_day_and_month() -> None:
    record = by_line(read("birthdays.csv"))[12]
    assert (record.birthday_month, record.birthday_day, record.birthday_year) == (4, 12, None)
    assert record.warnings == [
        "Line 12, column “Birthday”: 1850 cannot be the year they were born; only the day and "
        "month were kept."
    ]


# --- Shopify -------------------------------------------------------------------------------


def test_shopify_export_ignores_metafields_and_payment_data() -> None:
    parsed = read("shopify_customers.csv")
    assert (parsed.format, parsed.format_label) == ("shopify", "Shopify customers")
    priya, tom, company = parsed.records
    assert priya.line == 2
    assert priya.name == "Priya Patel"
    assert priya.phone == "+1 416-555-0199"  # Phone before Default Address Phone
    assert priya.source_id == "7012345678901"  # the leading apostrophe is gone
    assert priya.tags == ["vip", "oat milk", "Regulars"]
    assert priya.notes == [ImportedNote("Prefers oat milk, no foam", "Shopify note")]
    assert priya.visit_count == 9  # Total Orders
    # "Birthday (customer.metafields…)", "Note (…)", "Allergies (…)": not our columns.
    assert (priya.birthday_month, priya.allergies) == (None, [])
    assert tom.name == "Tom"
    assert tom.phone == "+44 20 7946 0958"  # Default Address Phone, apostrophe dropped
    assert (tom.visit_count, tom.tags, tom.notes) == (0, [], [])
    assert (company.name, company.description) == ("", "Café Nero Supplies")
    assert company.notes == []  # a metafield note is not the customer note


def test_shopify_legacy_export() -> None:
    [lena] = read("shopify_legacy.csv", "shopify").records
    assert (lena.name, lena.email, lena.phone) == ("Lena Fischer", "lena@example.de",
                                                   "+49 30 1234567")
    assert lena.tags == ["espresso", "window"]
    assert lena.notes == [ImportedNote("Always brings her dog", "Shopify note")]
    assert (lena.visit_count, lena.source_id) == (4, "")


def test_shopify_import_template() -> None:
    [omar] = read("shopify_import_template.csv").records
    assert (omar.name, omar.phone, omar.tags) == ("Omar Haddad", "+1 212-555-0147", ["decaf"])
    assert omar.notes == [ImportedNote("Decaf after 3pm", "Shopify note")]
    assert omar.visit_count is None


# --- Google Contacts -----------------------------------------------------------------------


def test_google_contacts_takes_the_first_of_several_values() -> None:
    parsed = read("google_contacts.csv")
    assert parsed.format_label == "Google Contacts"
    sofia, mike, bakery = parsed.records
    assert sofia.name == "Sofia Maria Rossi"
    assert sofia.goes_by == "Sofi"
    assert sofia.phone == "+39 333 123 4567"
    assert sofia.email == "sofia@example.com"
    assert sofia.tags == ["Regulars"]  # "* myContacts" and "* starred" are Google's own
    assert (sofia.birthday_month, sofia.birthday_day, sofia.birthday_year) == (4, 12, 1985)
    assert sofia.notes == [ImportedNote("Cortado\nAllergic to almonds", "Google Contacts notes")]
    assert (mike.line, mike.name, mike.goes_by, mike.phone) == (  # Sofia's notes: 2 lines
        4, "", "Big Mike", "(555) 010-2000")
    assert (mike.birthday_month, mike.birthday_day, mike.birthday_year) == (11, 3, None)
    assert mike.tags == []
    assert (bakery.name, bakery.description, bakery.tags) == ("", "Corner Bakery",
                                                              ["Suppliers"])


def test_google_contacts_legacy_header() -> None:
    hana, ben = read("google_contacts_legacy.csv", "google").records
    assert (hana.name, hana.phone, hana.email) == ("Hana Kim", "+82 10-1234-5678",
                                                   "hana@example.com")
    assert hana.tags == ["Cafe regulars"]
    assert (hana.birthday_month, hana.birthday_day, hana.birthday_year) == (8, 30, 1992)
    assert hana.notes == [ImportedNote("Matcha latte", "Google Contacts notes")]
    assert (ben.line, ben.name, ben.phone, ben.tags) == (3, "Ben Carter", "555 0102 333", [])


# --- vCard ---------------------------------------------------------------------------------


def test_vcard_3_folding_escapes_and_parameters() -> None:
    parsed = read("contacts_v3.vcf")
    assert (parsed.format, parsed.format_label, parsed.columns) == ("vcard", "vCard (.vcf)", [])
    chi, catering, etienne = parsed.records
    assert chi.line == 1
    assert chi.name == "Chinwe Ada Okafor"
    assert chi.goes_by == "Chi"
    assert chi.phone == "+1 (555) 010-3001"  # the preferred one
    assert chi.email == "chi@example.com"
    assert (chi.birthday_month, chi.birthday_day, chi.birthday_year) == (2, 29, 1988)
    assert chi.notes == [ImportedNote(
        "Flat white, extra shot; no lid.\nAsk about the marathon – she ran Boston in April. "
        "Path: C:\\cafe", "vCard note")]
    assert chi.tags == ["Regulars", "Runners, Club"]
    assert (catering.line, catering.name, catering.description, catering.phone) == (
        15, "", "Green Leaf Catering", "555-010-4000")
    assert (etienne.name, etienne.email) == ("Étienne Dubois", "etienne@example.fr")
    assert (etienne.birthday_month, etienne.birthday_day, etienne.birthday_year) == (12, 24,
                                                                                       None)
    assert parsed.skipped == [SkippedRow(30, NOT_RECOGNISABLE)]


def test_vcard_4_uri_phones_tab_folding_and_birthdays() -> None:
    rafael, ingrid, scarf = read("contacts_v4.vcf", "vcard").records
    assert rafael.name == "Rafael Souza"
    assert rafael.phone == "+1-555-555-0151"  # PREF=1 wins over PREF=2
    assert (rafael.birthday_month, rafael.birthday_day, rafael.birthday_year) == (4, 12, None)
    assert rafael.notes == [ImportedNote("Likes his cappuccino dry.\nTalk football.",
                                         "vCard note")]
    assert rafael.tags == ["regulars"]
    assert (ingrid.line, ingrid.name, ingrid.goes_by) == (12, "Ingrid", "Inge")
    assert (ingrid.birthday_month, ingrid.birthday_day, ingrid.birthday_year) == (4, 12, 1985)
    assert ingrid.notes == [ImportedNote("Comes in with the twins on Saturdays.", "vCard note")]
    assert (scarf.line, scarf.name, scarf.goes_by, scarf.birthday_month) == (
        20, "", "Red Scarf", None)
    assert scarf.warnings == [
        "Line 24, BDAY: “--04-31” is not a date we understand; the birthday was left empty."]


def test_vcard_uri_phone_extension() -> None:
    data = (b"BEGIN:VCARD\nVERSION:4.0\nFN:Al\n"
            b"TEL;VALUE=uri;TYPE=work:tel:+1-555-555-0150;ext=12\nEND:VCARD\n")
    assert read_bytes(data).records[0].phone == "+1-555-555-0150 ext. 12"


def test_vcard_2_1_quoted_printable() -> None:
    [jurgen] = read("contacts_v21.vcf").records
    assert jurgen.name == "Jürgen Müller"
    assert jurgen.phone == "+49 170 1234567"
    assert jurgen.notes == [ImportedNote("Grüße an die Familie, trinkt Kaffee schwarz.",
                                         "vCard note")]


def test_a_csv_is_not_a_vcard() -> None:
    with pytest.raises(ImportFileError, match="no vCard in it"):
        read("generic_guests.csv", "vcard")


# --- any other CSV -------------------------------------------------------------------------


def test_guess_mapping_from_header_names() -> None:
    columns = read_table((FILES / "generic_guests.csv").read_bytes()).columns
    assert guess_mapping(columns) == {
        0: "name", 1: "goes_by", 2: "phone", 3: "email", 4: "birthday", 5: "visit_count",
        6: "first_visit", 7: "last_visit", 8: "usuals", 9: "allergies", 10: "tags", 11: "note",
        12: "note",  # "Average Spend" and "Accepts Email Marketing" are left out
    }
    assert guess_mapping([
        "First", "Surname", "Nickname", "Cell", "Tel.", "Email Address", "Date of birth",
        "Labels", "Groups", "Notes", "Usual order", "Order", "Orders", "Transaction Count",
        "Visit count", "Full name", "Customer", "Customer ID", "Phone 1 - Label",
        "E-mail 1 - Type", "Email Subscription Status", "Allergies (customer.metafields.a.b)",
        "Preferences", "Description", "Given Name", "Family Name", "Last Visit", "Goes by",
    ]) == {
        0: "first_name", 1: "last_name", 2: "goes_by", 3: "phone", 4: "phone", 5: "email",
        6: "birthday", 7: "tags", 8: "tags", 9: "note", 10: "usuals", 11: "usuals",
        12: "visit_count", 13: "visit_count", 14: "visit_count", 15: "name", 16: "name",
        22: "preferences", 23: "description", 24: "first_name", 25: "last_name",
        26: "last_visit", 27: "goes_by",
    }


def test_other_csv_with_the_guessed_mapping(pacific: None) -> None:
    parsed = read("generic_guests.csv", "csv")
    assert (parsed.format, parsed.format_label) == ("csv", "Other CSV (choose the columns)")
    grace, comment_only = parsed.records
    assert grace.name == "Grace Hopper"
    assert grace.goes_by == "Amazing Grace"
    assert (grace.phone, grace.email) == ("(555) 010-9999", "grace@example.com")
    assert (grace.birthday_month, grace.birthday_day, grace.birthday_year) == (12, 9, 1906)
    assert grace.usuals == ["Earl grey", "lemon tart"]
    assert grace.allergies == ["nuts", "dairy"]
    assert grace.tags == ["vip", "navy"]
    assert grace.notes == [ImportedNote("Sits by the window", "CSV note (Memo)"),
                           ImportedNote("Tips well", "CSV note (Comments)")]
    assert grace.visit_count == 27
    assert grace.first_visit == datetime(2019, 5, 1, 19, 0, tzinfo=UTC)
    assert grace.last_visit == datetime(2024, 5, 4, 22, 30, tzinfo=UTC)  # 3:30 PM PDT
    assert (comment_only.line, comment_only.description) == (3, "Only a comment here")


def test_other_csv_with_a_chosen_mapping_and_semicolons() -> None:
    data = (FILES / "semicolon_european.csv").read_bytes()
    table = read_table(data)
    assert table.columns == ["Name", "Telefon", "E-Mail", "Geburtstag", "Notizen", "Umsatz"]
    assert table.rows == [(2, ["Müller, Jürgen", "+49 170 1234567", "jm@example.de",
                               "12.04.1985", "Kaffee schwarz, kein Zucker", "12,50"])]
    mapping = {0: "name", 1: "phone", 2: "email", 3: "birthday", 4: "note"}
    [jurgen] = read_bytes(data, "csv", mapping).records
    assert (jurgen.name, jurgen.phone, jurgen.email) == ("Müller, Jürgen", "+49 170 1234567",
                                                         "jm@example.de")
    assert (jurgen.birthday_month, jurgen.birthday_day, jurgen.birthday_year) == (4, 12, 1985)
    assert jurgen.notes == [ImportedNote("Kaffee schwarz, kein Zucker", "CSV note (Notizen)")]


def test_one_target_on_several_columns() -> None:
    data = (b"First,Last,Mobile,Home phone,Mail,Likes,Also likes,Tag A,Tag B,Allergy\n"
            b"Ann,Lee,,555 0100,ann@example.com,Oat latte,Scone,vip,early,nuts\n")
    mapping = {0: "first_name", 1: "last_name", 2: "phone", 3: "phone", 4: "email",
               5: "usuals", 6: "usuals", 7: "tags", 8: "tags", 9: "allergies"}
    [ann] = read_bytes(data, "csv", mapping).records
    assert (ann.name, ann.phone) == ("Ann Lee", "555 0100")  # the first non-empty phone
    assert ann.usuals == ["Oat latte", "Scone"]
    assert ann.tags == ["vip", "early"]
    assert ann.allergies == ["nuts"]
    with pytest.raises(ValueError, match="not an import target"):
        read_bytes(data, "csv", {0: "favourite_colour"})


def test_other_csv_needs_a_column_to_recognise_people_by() -> None:
    data = b"Phone,Email\n555 0100,a@example.com\n"
    with pytest.raises(ImportFileError, match="choose which column holds the name"):
        read_bytes(data, "csv")
    with pytest.raises(ImportFileError, match="choose which column holds the name"):
        read_bytes(data, "csv", {0: "phone"})


def test_read_table_counts_physical_lines() -> None:
    table = read_table((FILES / "square_bom_crlf.csv").read_bytes())
    assert table.encoding == "utf-8-sig"
    assert len(table.columns) == 23
    assert [line for line, _cells in table.rows] == [2, 4, 5, 7, 8, 9, 10, 11]
    assert table.rows[0][1][13] == "Oat flat white, extra hot\r\nAsk about the Lisbon trip"
    assert [line for line, _ in read_table((FILES / "square_bom_crlf.csv").read_bytes(),
                                           limit=3).rows] == [2, 4, 5]


def test_excel_sep_line_names_the_delimiter() -> None:
    parsed = read_bytes(b"sep=;\r\nName;Phone\r\nAnn, the baker;555 0100\r\n", "csv")
    assert [(r.line, r.name, r.phone) for r in parsed.records] == [
        (3, "Ann, the baker", "555 0100")]


def test_tab_separated_without_bom() -> None:
    parsed = read_bytes(b"Name\tPhone\tNotes\nAnn\t555 0100\tcomma, inside\n")
    assert [(r.name, r.phone, r.notes[0].text) for r in parsed.records] == [
        ("Ann", "555 0100", "comma, inside")]


def test_control_characters_are_left_for_the_validator() -> None:
    [record] = read_bytes(b"Name,Notes\nAnn\x07,hi\n").records
    assert record.name == "Ann\x07"


# --- whole files that cannot be read ---------------------------------------------------------


def test_wrong_format_names_the_missing_columns() -> None:
    with pytest.raises(ImportFileError) as error:
        read("google_contacts.csv", "square")
    assert str(error.value) == (
        "This does not look like a Square customer directory file: it has no “Phone Number”, "
        "“Email Address”, “Memo” or “Square Customer ID” column."
    )
    with pytest.raises(ImportFileError, match="not look like a Shopify customers file"):
        read("square_bom_crlf.csv", "shopify")
    with pytest.raises(ImportFileError, match="not look like a Google Contacts file"):
        read("shopify_customers.csv", "google")


def test_excel_workbooks_and_binary_files_are_refused() -> None:
    with pytest.raises(ImportFileError) as error:
        read("customers.xlsx")
    assert str(error.value) == "This looks like an Excel workbook; save it as CSV first."
    with pytest.raises(ImportFileError, match="not a text file"):
        read_bytes(b"Name\x00,Phone\n")
    with pytest.raises(ImportFileError, match="Excel workbook"):
        detect_format((FILES / "customers.xlsx").read_bytes())


def test_a_quote_that_never_closes_is_refused() -> None:
    with pytest.raises(ImportFileError) as error:
        read("unclosed_quote.csv", "csv")
    assert str(error.value) == (
        "Line 3 opens a quote (\") that never closes, so the rows after it cannot be read.")


def test_a_missing_file_is_one_plain_sentence(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as error:
        read_file(tmp_path / "gone.csv")
    assert str(error.value) == "“gone.csv” could not be opened (No such file or directory)."


@pytest.mark.parametrize("format", ["auto", "square", "shopify", "google", "vcard", "csv"])
@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_an_empty_file_has_no_records(format: str, data: bytes) -> None:
    parsed = read_bytes(data, format)
    assert (parsed.records, parsed.skipped) == ([], [])


def test_a_header_only_file_has_no_records() -> None:
    header = (FILES / "square_bom_crlf.csv").read_bytes().split(b"\r\n")[0] + b"\r\n"
    parsed = read_bytes(header, "square")
    assert (parsed.format, len(parsed.columns), parsed.records, parsed.skipped) == (
        "square", 23, [], [])
    assert read_bytes(b"First Name,Memo,Square Customer ID\n").records == []


def test_unknown_format_key_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown import format"):
        read_bytes(b"Name\nAnn\n", "excel")


def test_json_is_handed_to_the_json_reader() -> None:
    if importlib.util.find_spec("models.importing.vre_json") is None:
        pytest.skip("the JSON reader is not there yet")
    with pytest.raises(ImportFileError):
        read_bytes(b'{"not": "ours"}', "json")


# --- the date shapes on their own ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985/4/12", (4, 12, 1985)),
        ("4/12/85", (4, 12, 1985)),
        ("12.04.1985", (4, 12, 1985)),  # dotted dates are day first
        ("April 12, 1985", (4, 12, 1985)),
        ("12 Apr", (4, 12, None)),
        ("2/29", (2, 29, None)),  # no year: February 29 is fine
        ("1985-04-12T00:00:00Z", (4, 12, 1985)),
    ],
)
def test_more_birthday_shapes(text: str, expected: tuple[int, int, int | None]) -> None:
    birthday = parse_birthday(text)
    assert birthday is not None
    assert (birthday.month, birthday.day, birthday.year) == expected


@pytest.mark.parametrize("text", ["2/29/1991", "00-12", "12/31/19851", "tomorrow"])
def test_birthdays_that_cannot_be(text: str) -> None:
    with pytest.raises(DateError):
        parse_birthday(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", datetime(2024, 3, 5, 20, 0, tzinfo=UTC)),  # noon, PST
        ("03/05/2024", datetime(2024, 3, 5, 20, 0, tzinfo=UTC)),
        ("2024-03-05 00:00:00", datetime(2024, 3, 5, 20, 0, tzinfo=UTC)),  # a spreadsheet date
        ("3/5/24 2:30 PM", datetime(2024, 3, 5, 22, 30, tzinfo=UTC)),
        ("2024-07-04 09:15", datetime(2024, 7, 4, 16, 15, tzinfo=UTC)),  # PDT
        ("2024-03-05T14:30:00-05:00", datetime(2024, 3, 5, 19, 30, tzinfo=UTC)),
        ("", None),
    ],
)
def test_visit_moments_are_shop_local(
    pacific: None, text: str, expected: datetime | None
) -> None:
    assert parse_moment(text) == expected
