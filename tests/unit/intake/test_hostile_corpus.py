"""The hostile-file corpus through the core reader: every file is refused with a Dutch message that
names it, quickly, without building anything big; and a worker with limits catches the rest.

Findings of issue 9 reproduced here: a 2 kB XLSX with one cell at XFD1048576 (512 GiB asked), a
cell at row 2,000,000 column 500, an 874-byte ODS repeating a filled cell over rows × columns, a
CSV that is one line of semicolons, and bit-flipped or truncated archives that raised
BadZipFile, "zip file version" or "negative seek" instead of giving a message.
"""

from __future__ import annotations

import resource

import pytest
from hostile_files import corpus, crash, hang, hog_memory, xlsx_normal
from intake_words import action, message, reason

from proeftuin.core.instruments import LIFE_DOMAINS, load_instruments
from proeftuin.core.intake import (
    Limits,
    dry_run,
    safe_dry_run,
    safe_suggest_mapping,
    suggest_mapping,
)
from proeftuin.core.intake.errors import FileRefused
from proeftuin.core.intake.isolation import run_isolated

INSTRUMENT = load_instruments(environ={})[LIFE_DOMAINS]
SECRET = b"0123456789abcdef0123456789abcdef"
MAPPING = {
    "instrument": LIFE_DOMAINS,
    "sheets": [
        {
            "name": "Blad1",
            "phase": "baseline",
            "columns": [
                {"header": "Cliëntnummer", "target": "client_number"},
                {"header": "Wonen", "target": "score", "item": "housing"},
            ],
        }
    ],
}
CORPUS = list(corpus())
#: Files that are damaged by chance in a harmless place may still be read; all others refused.
MAY_BE_READ = ("bitflip-", "csv-als-xlsx", "xlsx-als-csv", "utf16")


@pytest.fixture(autouse=True, scope="module")
def memory_cap():
    """The whole module runs with a 3 GiB address space: a reader that asks for 512 GiB fails
    here as a test failure, instead of taking the machine down."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = 3 << 30
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def check_refusal(errors, name: str) -> None:
    for error in errors:
        assert error.file == name, error
        assert reason(error) and action(error)
        assert "Traceback" not in message(error)


@pytest.mark.parametrize(("name", "data"), CORPUS, ids=[n for n, _ in CORPUS])
def test_suggestion_refuses_hostile_file_by_name(name, data):
    suggestion = suggest_mapping(data, INSTRUMENT, filename=name)
    check_refusal(suggestion.errors, name)
    if not name.startswith(MAY_BE_READ):
        assert suggestion.errors, name


@pytest.mark.parametrize(("name", "data"), CORPUS, ids=[n for n, _ in CORPUS])
def test_dry_run_refuses_hostile_file_by_name(name, data):
    result = dry_run(data, MAPPING, INSTRUMENT, secret=SECRET, filename=name)
    check_refusal(result.errors, name)
    if not name.startswith(MAY_BE_READ):
        assert not result.ok and result.records.height == 0, name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("een-cel-op-XFD1048576.xlsx", "too_many_columns"),
        ("gelogen-dimensie.xlsx", "too_many_columns"),
        ("rij-2000000-kolom-500.xlsx", "too_many_rows"),
        ("herhaalde-rijen-en-kolommen.ods", "too_many_columns"),
        ("puntkomma-regel.csv", "line_too_long"),
        ("spaties.ods", "too_much_text"),
        ("zipbom.xlsx", "zip_refused"),
        ("liegende-zip.xlsx", "zip_refused"),
        ("leeg.csv", "empty_file"),
        ("nul-bytes.csv", "not_spreadsheet"),
        ("alleen-pk.xlsx", "corrupt_file"),
    ],
)
def test_each_finding_gets_its_own_message(name, code):
    data = dict(CORPUS)[name]
    errors = suggest_mapping(data, INSTRUMENT, filename=name).errors
    assert [e.code for e in errors] == [code]


def test_xfd_message_says_where_the_sheet_ends():
    data = dict(CORPUS)["een-cel-op-XFD1048576.xlsx"]
    (error,) = suggest_mapping(data, INSTRUMENT, filename="a.xlsx").errors
    assert "kolom XFD" in reason(error) and "16384" in reason(error)
    assert "Verwijder" in action(error)


def test_cell_limit_counts_the_rectangle():
    from hostile_files import xlsx_cell_at

    limits = Limits(max_cells=1_000)
    errors = suggest_mapping(xlsx_cell_at("J200"), INSTRUMENT, filename="f.xlsx", limits=limits)
    assert [e.code for e in errors.errors] == ["too_many_cells"]


def test_a_few_cells_over_a_large_rectangle_are_refused():
    """Found by bench/fuzz_intake.py: one cell at AB600000 is within the cell limit, but the
    reader builds all 16.8 million cells of its rectangle (a 2 GiB worker ran out of memory)."""
    from hostile_files import xlsx_cell_at

    (error,) = suggest_mapping(xlsx_cell_at("AB600000"), INSTRUMENT, filename="f.xlsx").errors
    assert error.code == "sparse_sheet"
    assert "rij 600000" in reason(error) and "kolom AB" in reason(error)


def test_one_filled_cell_repeated_millions_of_times_is_refused():
    from hostile_files import ods_repeated

    (error,) = suggest_mapping(ods_repeated(900_000, 20), INSTRUMENT, filename="f.ods").errors
    assert error.code == "repeated_cells"


def test_a_normal_workbook_still_reads_after_the_checks():
    suggestion = suggest_mapping(xlsx_normal(5), INSTRUMENT, filename="goed.xlsx")
    assert suggestion.ok
    assert [c.target for c in suggestion.mapping.sheets[0].columns][:1] == ["client_number"]


# --- the worker with limits ------------------------------------------------------------------------


def test_worker_turns_running_out_of_memory_into_a_refusal():
    limits = Limits(max_memory_bytes=1 << 30, max_seconds=60)
    with pytest.raises(FileRefused) as refused:
        run_isolated(hog_memory, (4 << 30,), {}, file="groot.xlsx", limits=limits)
    assert refused.value.error.code == "too_complex"
    assert refused.value.error.file == "groot.xlsx"


def test_worker_is_killed_after_its_time():
    limits = Limits(max_seconds=0.5)
    with pytest.raises(FileRefused) as refused:
        run_isolated(hang, (60,), {}, file="traag.ods", limits=limits)
    assert refused.value.error.code == "too_complex"


def test_worker_that_aborts_is_a_refusal_not_a_crash():
    with pytest.raises(FileRefused) as refused:
        run_isolated(crash, (), {}, file="kapot.xlsx", limits=Limits())
    assert "te groot of te ingewikkeld" in reason(refused.value.error)


def test_worker_returns_the_result_of_a_good_file():
    suggestion = safe_suggest_mapping(xlsx_normal(3), INSTRUMENT, filename="goed.xlsx")
    assert suggestion.ok and suggestion.mapping.sheets
    result = safe_dry_run(xlsx_normal(3), MAPPING, INSTRUMENT, secret=SECRET, filename="goed.xlsx")
    assert [str(e) for e in result.errors if e.is_error] == []
    assert result.records.height == 3


@pytest.mark.parametrize("name", ["een-cel-op-XFD1048576.xlsx", "bitflip-2.zip", "leeg.csv"])
def test_worker_passes_refusals_through(name):
    data = dict(CORPUS)[name]
    result = safe_dry_run(data, MAPPING, INSTRUMENT, secret=SECRET, filename=name)
    assert result.errors and all(e.file == name for e in result.errors)


def test_fuzz_finding_a_malformed_csv_names_the_file():
    """Found by bench/fuzz_intake.py (seed 9, file 150): polars' CSV error in the suggestion
    came back without the file name."""
    import random

    import hostile_files

    rng = random.Random(9 * 1_000_003 + 150)
    _name, data = rng.choice(hostile_files.mutators())(rng)
    suggestion = suggest_mapping(data, INSTRUMENT, filename="kapot.csv")
    assert suggestion.errors
    assert all(e.file == "kapot.csv" for e in suggestion.errors)


def test_a_shared_string_copied_into_every_cell_is_stopped_by_the_worker():
    """A 1 MB shared string in 6,000 cells: small as a file, 6 GB once a reader copies it into
    each cell. The prescan does not count text; the worker's memory limit catches it."""
    from hostile_files import xlsx_shared_string_bomb

    data = xlsx_shared_string_bomb()
    limits = Limits(max_memory_bytes=2 << 30, max_ratio=1e9)
    suggestion = safe_suggest_mapping(data, INSTRUMENT, filename="gedeeld.xlsx", limits=limits)
    assert [e.code for e in suggestion.errors] == ["too_complex"]
    assert suggestion.errors[0].file == "gedeeld.xlsx"
