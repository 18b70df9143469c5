"""The neighbourhood statistics import on the shared intake (issue 13, the last gaps): the same
reader, limits, isolation and problem reporting as the Tel en vertel and portfolio imports.
Every hostile file (huge dimensions, zip bombs, corrupt and truncated zips) gets a page that
names the file, never a server error, and nothing is imported."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hostile_files import corpus, lying_zip, xlsx_cell_at, zip_bomb
from integration_support import login

from proeftuin.neighbourhoods import services
from proeftuin.neighbourhoods.models import Figure

#: Damaged by chance in a harmless place, or readable after all.
MAY_BE_READ = ("bitflip-", "csv-als-xlsx", "xlsx-als-csv", "utf16", "nul-bytes")
NAMED = [
    ("een-cel-op-XFD1048576.xlsx", xlsx_cell_at("XFD1048576")),
    ("rij-2000000-kolom-500.xlsx", xlsx_cell_at("SF2000000")),
    ("zipbom.xlsx", zip_bomb()),
    ("liegende-zip.xlsx", lying_zip()),
    ("kapotte-zip.xlsx", b"PK\x03\x04" + bytes(40)),
]


@pytest.fixture(autouse=True)
def isolated(settings):
    settings.PROEFTUIN_INTAKE_ISOLATE = True


def _upload(http, name: str, data: bytes):
    return http.post("/wijken/import/", {"file": SimpleUploadedFile(name, data)}, follow=True)


@pytest.mark.parametrize(("name", "data"), NAMED, ids=[n for n, _d in NAMED])
def test_huge_dimensions_and_broken_zips_are_refused_naming_the_file(users, name, data):
    http = login(users[("own", "beleidsadviseur")], raise_request_exception=False)
    response = _upload(http, name, data)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/wijken/import/"  # back to the upload form
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith(name), shown
    assert "Traceback" not in response.content.decode()
    assert not Figure.objects.exists()


def test_every_file_of_the_hostile_corpus_gets_a_page_never_a_500(users):
    http = login(users[("own", "beleidsadviseur")], raise_request_exception=False)
    for name, data in corpus(flipped=3):
        response = _upload(http, name, data)
        assert response.status_code == 200, name
        page = response.content.decode()
        assert "Traceback" not in page, name
        if response.redirect_chain and response.redirect_chain[-1][0] == "/wijken/import/":
            assert name in page, name  # refused: the message names the file
        elif not response.redirect_chain:
            assert response.context["form"].errors, name
        else:
            assert name.startswith(MAY_BE_READ), name  # read: the mapping page
    assert not Figure.objects.exists()


def test_the_file_is_read_in_the_intakes_isolated_worker(users, monkeypatch):
    calls = []
    real = services.run_isolated

    def spy(func, args, kwargs, *, file, limits):
        calls.append((func.__name__, file, limits))
        return real(func, args, kwargs, file=file, limits=limits)

    monkeypatch.setattr(services, "run_isolated", spy)
    http = login(users[("own", "beleidsadviseur")])
    data = "Codering;Wijken en buurten;Perioden;Misdrijven\nWK099901;Oost;2024;5\n"
    response = _upload(http, "kerncijfers.csv", data.encode())
    assert response.status_code == 200 and response.context["result"].ok
    assert calls and calls[0][0] == "read_sheet" and calls[0][1] == "kerncijfers.csv"
    assert calls[0][2].max_memory_bytes > 0 and calls[0][2].max_seconds > 0
