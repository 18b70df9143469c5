"""Import problems in words: the intake's codes and parameters as a reason and an action.

The pure core (:mod:`proeftuin.core.intake`, :mod:`proeftuin.core.portfolio_exchange`) reports a
problem as an :class:`~proeftuin.core.intake.IntakeError`: a ``code``, a ``key`` when one code has
several sentences, ``params`` and where it is (file, sheet, row, column). This module is the one
place that says it in words, in the active language: Dutch is the source text here, English is in
``locale/en/LC_MESSAGES/django.po``. Every reason says what is wrong and every action what to do.

Parameters are rendered per language: ``{"nl": …, "en": …}`` (an instrument's name, a measurement
moment) picks the active one, a list is joined with commas, and large counts get the language's
thousands separator. Problems stored before codes existed (a ``reason`` and ``action`` in Dutch)
are shown as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from proeftuin.core.intake import IntakeError

#: Parameters that are counts large enough to need a thousands separator.
GROUPED = frozenset({"cells", "max_cells"})

#: Message key → (reason, action), Dutch source text with ``%(name)s`` parameters.
MESSAGES: dict[str, tuple[Any, Any]] = {
    # The neighbourhood statistics (wijkcijfers, core.neighbourhoods.reading).
    "area_no_sheet": (
        _lazy("Het bestand heeft geen blad."),
        _lazy("Kies een ander bestand."),
    ),
    "area_no_code_column": (
        _lazy("Geen kolom gekoppeld aan de gebiedscode."),
        _lazy("Kies bij de kolommen welke de code van het gebied bevat."),
    ),
    "area_no_name_column": (
        _lazy("Geen kolom gekoppeld aan de naam van het gebied."),
        _lazy("Kies bij de kolommen welke de naam van het gebied bevat."),
    ),
    "area_no_year_column": (
        _lazy("Geen kolom met het jaar en geen jaar gekozen."),
        _lazy("Koppel de kolom met het jaar, of kies één jaar voor het hele bestand."),
    ),
    "area_no_indicator": (
        _lazy("Geen enkele indicator gekoppeld."),
        _lazy("Koppel ten minste één kolom aan een indicator."),
    ),
    "area_bad_code": (
        _lazy("Geen geldige gebiedscode: '%(value)s'."),
        _lazy("Gebruik de CBS-code (GM, WK of BU met cijfers) of de eigen code van de gemeente."),
    ),
    "area_no_year": (
        _lazy("Geen jaar gevonden."),
        _lazy("Vul het jaar in (bijvoorbeeld 2024)."),
    ),
    "area_duplicate": (
        _lazy("%(code)s %(year)s staat er twee keer in."),
        _lazy("Laat één regel per gebied en jaar staan."),
    ),
    "area_not_a_number": (
        _lazy("Geen getal: '%(value)s'."),
        _lazy("Vul een getal in, of een punt (.) als de waarde onbekend is."),
    ),
    "file_too_large": (
        _lazy("Het bestand is %(size)s; de grens is %(limit)s."),
        _lazy(
            "Splits het bestand, bijvoorbeeld per jaar of per project, en importeer de "
            "delen na elkaar.",
        ),
    ),
    "empty_file": (
        _lazy("Het bestand is leeg."),
        _lazy("Kies het bestand met de gegevens en probeer het opnieuw."),
    ),
    "not_spreadsheet_xls": (
        _lazy("Dit is een oud Excel-bestand (.xls) of een ander Office-bestand."),
        _lazy("Open het in Excel of LibreOffice en sla het op als .xlsx, .ods of .csv."),
    ),
    "not_spreadsheet_pdf": (
        _lazy("Dit is een PDF, geen spreadsheet."),
        _lazy("Lever de gegevens aan als .xlsx, .ods of .csv."),
    ),
    "not_spreadsheet_binary": (
        _lazy("Dit bestand is geen spreadsheet en geen tekstbestand (CSV)."),
        _lazy("Lever de gegevens aan als .xlsx, .ods of .csv."),
    ),
    "not_spreadsheet_office": (
        _lazy("Dit is een Word- of PowerPoint-bestand, geen spreadsheet."),
        _lazy("Lever de gegevens aan als .xlsx, .ods of .csv."),
    ),
    "not_spreadsheet_opendocument": (
        _lazy("Dit is een OpenDocument-bestand, maar geen rekenblad (.ods)."),
        _lazy("Lever de gegevens aan als .xlsx, .ods of .csv."),
    ),
    "not_spreadsheet_zip": (
        _lazy("Dit is een zip-bestand, geen spreadsheet."),
        _lazy("Lever de gegevens aan als .xlsx, .ods of .csv."),
    ),
    "corrupt_file": (
        _lazy("Het bestand is beschadigd of geen geldig spreadsheetbestand (%(error)s)."),
        _lazy(
            "Open het in Excel of LibreOffice, sla het opnieuw op en probeer het nog "
            "eens; lukt dat niet, lever dan een CSV-bestand aan.",
        ),
    ),
    "zip_members": (
        _lazy(
            "Het bestand bestaat uit %(members)s onderdelen; een spreadsheet heeft er veel minder.",
        ),
        _lazy(
            "Open het bestand in Excel of LibreOffice, controleer de inhoud en sla het "
            "opnieuw op; lukt dat niet, lever dan een CSV-bestand aan.",
        ),
    ),
    "encrypted_file": (
        _lazy("Het bestand is beveiligd met een wachtwoord."),
        _lazy(
            "Haal de beveiliging eraf (in Excel: Bestand > Info > Werkmap beveiligen) en "
            "probeer het opnieuw.",
        ),
    ),
    "zip_method": (
        _lazy("Het bestand gebruikt een onbekende manier van inpakken."),
        _lazy(
            "Open het bestand in Excel of LibreOffice, controleer de inhoud en sla het "
            "opnieuw op; lukt dat niet, lever dan een CSV-bestand aan.",
        ),
    ),
    "zip_ratio": (
        _lazy(
            "Een onderdeel van het bestand pakt %(ratio)s keer uit tot %(size)s; dat past "
            "niet bij een spreadsheet (mogelijk een 'zipbom').",
        ),
        _lazy(
            "Open het bestand in Excel of LibreOffice, controleer de inhoud en sla het "
            "opnieuw op; lukt dat niet, lever dan een CSV-bestand aan.",
        ),
    ),
    "zip_declared": (
        _lazy("Uitgepakt zou het bestand %(size)s zijn; de grens is %(limit)s."),
        _lazy(
            "Open het bestand in Excel of LibreOffice, controleer de inhoud en sla het "
            "opnieuw op; lukt dat niet, lever dan een CSV-bestand aan.",
        ),
    ),
    "zip_directory": (
        _lazy("De inhoudsopgave van het bestand klopt niet."),
        _lazy(
            "Open het bestand in Excel of LibreOffice, controleer de inhoud en sla het "
            "opnieuw op; lukt dat niet, lever dan een CSV-bestand aan.",
        ),
    ),
    "zip_size_mismatch": (
        _lazy(
            "Een onderdeel van het bestand is groter dan het bestand zelf aangeeft "
            "(mogelijk een 'zipbom').",
        ),
        _lazy(
            "Open het bestand in Excel of LibreOffice, controleer de inhoud en sla het "
            "opnieuw op; lukt dat niet, lever dan een CSV-bestand aan.",
        ),
    ),
    "zip_inflated": (
        _lazy("Uitgepakt is het bestand groter dan %(limit)s."),
        _lazy(
            "Open het bestand in Excel of LibreOffice, controleer de inhoud en sla het "
            "opnieuw op; lukt dat niet, lever dan een CSV-bestand aan.",
        ),
    ),
    "read_failed": (
        _lazy("Het bestand kan niet worden gelezen (%(error)s)."),
        _lazy("Controleer of het bestand bestaat en niet geopend is in een ander programma."),
    ),
    "too_complex": (
        _lazy(
            "Het bestand is te groot of te ingewikkeld om te lezen: het vraagt meer "
            "geheugen of tijd dan een spreadsheet met deelnemersgegevens nodig heeft.",
        ),
        _lazy(
            "Kopieer alleen de tabel met gegevens naar een nieuw, leeg bestand en sla dat "
            "op als .xlsx of .csv; of splits het bestand in kleinere delen.",
        ),
    ),
    "encoding": (
        _lazy("De tekens in dit bestand kunnen niet worden gelezen."),
        _lazy(
            "Sla het bestand in Excel op als 'CSV UTF-8 (door komma's gescheiden)' en "
            "probeer het opnieuw.",
        ),
    ),
    "line_too_long": (
        _lazy(
            "Een regel in dit bestand is %(size)s lang; de grens is %(limit)s. Dit is "
            "geen tabel met één deelnemer of meting per regel.",
        ),
        _lazy(
            "Open het bestand in Excel of LibreOffice, controleer of het scheidingsteken "
            "en de regeleinden kloppen, en sla het opnieuw op als CSV.",
        ),
    ),
    "too_many_columns_file": (
        _lazy("Het bestand heeft %(columns)s kolommen; de grens is %(limit)s."),
        _lazy("Verwijder de kolommen die niet geïmporteerd hoeven te worden."),
    ),
    "too_many_sheets": (
        _lazy("Het bestand heeft %(sheets)s bladen; de grens is %(limit)s."),
        _lazy("Verwijder de bladen die niet geïmporteerd hoeven te worden."),
    ),
    "corrupt_sheet": (
        _lazy("Blad '%(sheet)s' kan niet worden gelezen (%(error)s)."),
        _lazy(
            "Open het bestand in Excel of LibreOffice, sla het opnieuw op en probeer het nog eens.",
        ),
    ),
    "too_many_columns": (
        _lazy(
            "Blad '%(sheet)s' loopt door tot kolom %(last)s (%(columns)s kolommen); de "
            "grens is %(limit)s.",
        ),
        _lazy(
            "Staat er ver naar rechts of ver naar beneden nog iets in het blad (een losse "
            "waarde, een spatie)? Verwijder die rijen en kolommen, of kopieer alleen de "
            "tabel naar een nieuw blad.",
        ),
    ),
    "too_many_rows_extent": (
        _lazy("Blad '%(sheet)s' loopt door tot rij %(rows)s; de grens is %(limit)s rijen."),
        _lazy(
            "Staat er ver naar rechts of ver naar beneden nog iets in het blad (een losse "
            "waarde, een spatie)? Verwijder die rijen en kolommen, of kopieer alleen de "
            "tabel naar een nieuw blad. Splits een echt zo groot bestand in delen en "
            "importeer ze na elkaar.",
        ),
    ),
    "too_much_text": (
        _lazy(
            "Blad '%(sheet)s' bevat uitgepakt %(size)s aan spaties; dat is meer dan het "
            "hele bestand mag zijn (%(limit)s).",
        ),
        _lazy(
            "Kopieer alleen de tabel met gegevens naar een nieuw, leeg bestand en sla dat "
            "op als .xlsx of .csv.",
        ),
    ),
    "sparse_sheet": (
        _lazy(
            "Blad '%(sheet)s' loopt door tot rij %(rows)s en kolom %(last)s, maar is voor "
            "meer dan 90%% leeg.",
        ),
        _lazy(
            "Staat er ver naar rechts of ver naar beneden nog iets in het blad (een losse "
            "waarde, een spatie)? Verwijder die rijen en kolommen, of kopieer alleen de "
            "tabel naar een nieuw blad.",
        ),
    ),
    "repeated_cells": (
        _lazy("Blad '%(sheet)s' herhaalt %(written)s gevulde cellen tot %(cells)s cellen."),
        _lazy(
            "Staat er ver naar rechts of ver naar beneden nog iets in het blad (een losse "
            "waarde, een spatie)? Verwijder die rijen en kolommen, of kopieer alleen de "
            "tabel naar een nieuw blad.",
        ),
    ),
    "too_many_cells": (
        _lazy(
            "Blad '%(sheet)s' beslaat %(cells)s cellen (%(rows)s rijen × %(columns)s "
            "kolommen); de grens is %(max_cells)s.",
        ),
        _lazy(
            "Staat er ver naar rechts of ver naar beneden nog iets in het blad (een losse "
            "waarde, een spatie)? Verwijder die rijen en kolommen, of kopieer alleen de "
            "tabel naar een nieuw blad. Splits een echt zo groot bestand in delen en "
            "importeer ze na elkaar.",
        ),
    ),
    "internal_error_file": (
        _lazy("Het bestand kon niet worden verwerkt (%(error)s)."),
        _lazy("Neem contact op met de beheerder en stuur het bestand mee."),
    ),
    "formula": (
        _lazy("In deze cel staat een formule (%(value)s) in plaats van een waarde."),
        _lazy("Vervang de formule door de uitkomst: kopieer de kolom en plak als waarden."),
    ),
    "score_type": (
        _lazy("'%(value)s' is geen score."),
        _lazy(
            "Vul een heel getal van %(low)s tot en met %(high)s in, schrijf 'onbekend', "
            "of laat de cel leeg.",
        ),
    ),
    "score_not_whole": (
        _lazy("Score %(value)s is geen heel getal."),
        _lazy("Vul een heel getal van %(low)s tot en met %(high)s in of laat de cel leeg."),
    ),
    "score_range": (
        _lazy("Score %(value)s valt buiten de schaal %(low)s–%(high)s van %(label)s."),
        _lazy("Vul een getal van %(low)s tot en met %(high)s in of laat de cel leeg."),
    ),
    "date_invalid": (
        _lazy("'%(value)s' is geen datum die we kunnen lezen."),
        _lazy(
            "Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 03-02-2025, en controleer of "
            "die dag bestaat (31-02 of 31-04 bestaat niet).",
        ),
    ),
    "date_implausible": (
        _lazy("De datum %(value)s ligt vóór %(year)s."),
        _lazy("Controleer het jaartal."),
    ),
    "date_future": (
        _lazy("De datum %(value)s ligt in de toekomst."),
        _lazy("Controleer de datum: een meting kan niet later zijn dan vandaag (%(today)s)."),
    ),
    "count_invalid": (
        _lazy("'%(value)s' is geen geldig aantal."),
        _lazy("Vul een heel getal van 0 tot en met %(max)s in of laat de cel leeg."),
    ),
    "age_invalid": (
        _lazy("'%(value)s' is geen leeftijd."),
        _lazy(
            "Vul een leeftijd in hele jaren in (0 tot en met %(max)s) of laat de cel leeg.",
        ),
    ),
    "year_invalid": (
        _lazy("'%(value)s' is geen geboortejaar."),
        _lazy("Vul een jaartal in, bijvoorbeeld 1984, of laat de cel leeg."),
    ),
    "flag_invalid": (
        _lazy("'%(value)s' is geen ja of nee."),
        _lazy("Vul ja, nee of de datum van de maatregel in, of laat de cel leeg."),
    ),
    "consent_invalid": (
        _lazy("'%(value)s' is geen ja of nee."),
        _lazy("Vul 'ja' in als de deelnemer toestemming gaf, anders 'nee'."),
    ),
    "phase_unknown": (
        _lazy("'%(value)s' is geen meetmoment dat we kennen."),
        _lazy(
            "Gebruik 0-meting, tussenmeting of eindmeting, of geef in de kolomkoppeling "
            "aan welk meetmoment deze waarde is.",
        ),
    ),
    "domain_unknown": (
        _lazy("'%(value)s' is geen %(item_label)s van '%(instrument)s'."),
        _lazy("Gebruik een van: %(items)s."),
    ),
    "reason_unknown": (
        _lazy("'%(value)s' is geen reden van beëindiging die we kennen."),
        _lazy("Gebruik: volgens plan, in overleg, uitval, verhuisd of anders."),
    ),
    "text_too_long": (
        _lazy("De tekst is langer dan %(max)s tekens."),
        _lazy("Kort de tekst in."),
    ),
    "text_identifier": (
        _lazy(
            "De tekst lijkt een BSN, e-mailadres, telefoonnummer, rekeningnummer, adres "
            "of naam te bevatten.",
        ),
        _lazy(
            "Haal de gegevens die naar een persoon leiden uit de tekst, of koppel de "
            "kolom aan 'niet importeren'.",
        ),
    ),
    "identifier_too_long": (
        _lazy(
            "De waarde is langer dan %(max)s tekens; dat is geen cliënt- of huishoudnummer.",
        ),
        _lazy("Controleer of de juiste kolom is gekoppeld."),
    ),
    "identifier_bsn": (
        _lazy(
            "Deze waarde lijkt een BSN (na het weglaten van punten, streepjes, spaties en "
            "voorvoegsels voldoet ze aan de elfproef).",
        ),
        _lazy(
            "Gebruik het cliënt- of huishoudnummer van uw eigen organisatie, niet het BSN.",
        ),
    ),
    "identifier_suspicious": (
        _lazy("'%(value)s' lijkt geen cliëntnummer: er staat geen cijfer in."),
        _lazy(
            "Vul het cliëntnummer in, of verwijder de rij als het een toelichting of "
            "totaalregel is.",
        ),
    ),
    "more_problems": (
        _lazy("Er zijn nog %(count)s meldingen die hier niet staan."),
        _lazy(
            "Los eerst de genoemde problemen op (vaak gaat het om een hele kolom) en "
            "probeer het opnieuw.",
        ),
    ),
    "internal_error_sheet": (
        _lazy("Blad '%(sheet)s' kon niet worden verwerkt (%(error)s)."),
        _lazy(
            "Open het bestand in Excel of LibreOffice, sla het opnieuw op en probeer het "
            "nog eens; lukt dat niet, neem contact op met de beheerder.",
        ),
    ),
    "csv_malformed": (
        _lazy("Het bestand kan niet als CSV worden gelezen (%(error)s)."),
        _lazy(
            "Open het in Excel of LibreOffice, controleer de aanhalingstekens en sla het "
            "opnieuw op als CSV.",
        ),
    ),
    "mapping_column_missing": (
        _lazy("De koppeling noemt de kolom '%(header)s', maar die staat niet in dit blad."),
        _lazy("Controleer of de kopregel is veranderd, of pas de koppeling aan."),
    ),
    "mapping_target_unknown": (
        _lazy("'%(target)s' is geen veld waaraan een kolom gekoppeld kan worden."),
        _lazy("Kies een veld uit de lijst, of 'niet importeren'."),
    ),
    "mapping_phase_unknown": (
        _lazy("'%(phase)s' is geen meetmoment."),
        _lazy("Kies 0-meting, tussenmeting of eindmeting."),
    ),
    "domain_unknown_mapping": (
        _lazy("'%(value)s' is geen %(item_label)s van '%(instrument)s'."),
        _lazy("Kies een van: %(items)s."),
    ),
    "mapping_duplicate_target": (
        _lazy("Kolom %(first)s en kolom %(second)s zijn allebei gekoppeld als %(label)s."),
        _lazy("Koppel er één en zet de andere op 'niet importeren'."),
    ),
    "mapping_score_without_item": (
        _lazy("De kolom is als score gekoppeld, maar niet aan een %(item_label)s."),
        _lazy(
            "Kies het %(item_label)s bij deze kolom, of koppel een kolom die het "
            "%(item_label)s per rij noemt.",
        ),
    ),
    "formula_value_used": (
        _lazy(
            "In deze kolom staan %(count)s formule(s); we nemen de waarde over die Excel "
            "het laatst heeft berekend. Formules worden nooit uitgerekend.",
        ),
        _lazy("Controleer in het voorbeeld of de waarden kloppen."),
    ),
    "formula_no_value": (
        _lazy("In deze cel staat een formule zonder berekende waarde."),
        _lazy(
            "Open het bestand in Excel, laat het herberekenen en sla het op; of vervang "
            "de formule door de waarde.",
        ),
    ),
    "mapping_no_client": (
        _lazy("Er is geen kolom gekoppeld als cliëntnummer."),
        _lazy(
            "Koppel de kolom met het cliëntnummer van uw organisatie, of (bij een "
            "BSN-kolom) kies 'hash' zodat alleen een versleutelde sleutel wordt bewaard.",
        ),
    ),
    "mapping_no_phase": (
        _lazy("Er zijn scores gekoppeld, maar niet bij welk meetmoment ze horen."),
        _lazy(
            "Koppel een kolom als 'meetmoment', geef per kolomgroep het meetmoment aan, "
            "of kies één meetmoment voor het hele blad.",
        ),
    ),
    "date_not_mapped": (
        _lazy("Er is geen kolom met de datum van de meting gekoppeld."),
        _lazy(
            "Koppel de datumkolom als die er is; metingen zonder datum komen niet op een tijdlijn.",
        ),
    ),
    "client_missing": (
        _lazy("Het cliëntnummer ontbreekt."),
        _lazy(
            "Vul het cliëntnummer in, of verwijder de rij als het geen deelnemer is "
            "(bijvoorbeeld een regel met totalen).",
        ),
    ),
    "row_without_measurement": (
        _lazy(
            "%(count)s rij(en) hebben bij geen enkel meetmoment een waarde (rij "
            "%(rows)s); die worden overgeslagen.",
        ),
        _lazy("Controleer of dat klopt, bijvoorbeeld omdat de meting nog moet plaatsvinden."),
    ),
    "row_without_measurement_more": (
        _lazy(
            "%(count)s rij(en) hebben bij geen enkel meetmoment een waarde (rij %(rows)s "
            "en nog %(more)s); die worden overgeslagen.",
        ),
        _lazy("Controleer of dat klopt, bijvoorbeeld omdat de meting nog moet plaatsvinden."),
    ),
    "phase_missing": (
        _lazy("Het meetmoment van deze scores ontbreekt."),
        _lazy("Vul in of dit de 0-meting, een tussenmeting of de eindmeting is."),
    ),
    "date_missing": (
        _lazy("De datum van deze meting ontbreekt."),
        _lazy("Vul de datum van de meting in (dd-mm-jjjj)."),
    ),
    "duplicate_item": (
        _lazy(
            "Voor deze deelnemer, dit meetmoment en deze datum staat %(item)s al in rij %(first)s.",
        ),
        _lazy("Verwijder een van beide rijen."),
    ),
    "duplicate_row_copy": (
        _lazy(
            "Deze rij is een kopie van rij %(first_row)s (zelfde deelnemer, meetmoment en datum).",
        ),
        _lazy("Verwijder een van beide rijen."),
    ),
    "duplicate_row_copy_sheet": (
        _lazy(
            "Deze rij is een kopie van rij %(first_row)s van blad '%(first_sheet)s' "
            "(zelfde deelnemer, meetmoment en datum).",
        ),
        _lazy("Verwijder een van beide rijen."),
    ),
    "duplicate_row_other": (
        _lazy(
            "Deze deelnemer heeft al een %(moment)s%(when)s in rij %(first_row)s, met "
            "andere waarden.",
        ),
        _lazy("Houd één van beide rijen over, of pas de datum of het meetmoment aan."),
    ),
    "duplicate_row_other_sheet": (
        _lazy(
            "Deze deelnemer heeft al een %(moment)s%(when)s in rij %(first_row)s van blad "
            "'%(first_sheet)s', met andere waarden.",
        ),
        _lazy("Houd één van beide rijen over, of pas de datum of het meetmoment aan."),
    ),
    "sensitive_column": (
        _lazy(
            "Deze kolom lijkt %(kind)s te bevatten. Die worden niet in Proeftuin opgeslagen, "
            "dus de import wordt geweigerd."
        ),
        _lazy(
            "Kies bij deze kolom ‘alleen versleuteld bewaren (hash)’ of ‘weglaten (drop)’, of "
            "haal de kolom uit het bestand."
        ),
    ),
    "mapping_invalid": (
        _lazy("De koppeling kan niet worden gelezen (%(error)s)."),
        _lazy("Maak de koppeling opnieuw."),
    ),
    "mapping_instrument": (
        _lazy(
            "De koppeling is gemaakt voor instrument '%(made_for)s', niet voor '%(chosen)s'.",
        ),
        _lazy("Kies het juiste instrument of maak een nieuwe koppeling."),
    ),
    "sheet_not_mapped": (
        _lazy("Blad '%(sheet)s' staat niet in de koppeling en wordt overgeslagen."),
        _lazy("Voeg het blad toe aan de koppeling als het mee moet."),
    ),
    "no_header": (
        _lazy("In dit blad is geen regel met kolomnamen gevonden."),
        _lazy("Zorg dat boven de gegevens één regel met kolomnamen staat."),
    ),
    "units_row": (
        _lazy(
            "Deze rij beschrijft de kolommen (eenheden zoals '(dd-mm-jjjj)' of '1-5') en "
            "is overgeslagen.",
        ),
        _lazy("Niets te doen; staan hier toch gegevens, zet ze dan in een eigen rij."),
    ),
    "too_many_rows": (
        _lazy("Dit blad heeft meer dan %(limit)s rijen."),
        _lazy("Splits het bestand in kleinere delen en importeer ze na elkaar."),
    ),
    "no_sheet_mapped": (
        _lazy("Geen enkel blad uit het bestand staat in de koppeling."),
        _lazy("Kies de bladen die geïmporteerd moeten worden, of maak een nieuwe koppeling."),
    ),
    "phase_required": (
        _lazy("Het meetmoment van deze rij is niet bekend."),
        _lazy("Koppel een kolom als meetmoment of kies een meetmoment voor het blad."),
    ),
    "date_required": (
        _lazy("De datum van deze meting ontbreekt."),
        _lazy("Koppel de kolom met de datum van de meting en vul die in (dd-mm-jjjj)."),
    ),
    "measured_before_start": (
        _lazy("De meting ligt vóór de start van het traject."),
        _lazy("Controleer de startdatum van het traject en de datum van de meting."),
    ),
    "end_before_start": (
        _lazy("Het traject eindigt vóór de start."),
        _lazy("Controleer de start- en einddatum van het traject."),
    ),
    "moment_date_changed": (
        _lazy("Deze %(moment)s staat al in Proeftuin op %(old)s; het bestand zegt %(new)s."),
        _lazy(
            "Bevestig dat de datum is verbeterd (de bestaande meting krijgt de nieuwe "
            "datum), of zet de oude datum terug in het bestand.",
        ),
    ),
    "bad_date": (
        _lazy("Dit is geen datum."),
        _lazy("Schrijf de datum als 31-12-2026."),
    ),
    "bad_amount": (
        _lazy("Dit is geen bedrag."),
        _lazy("Schrijf een bedrag zoals 240000 of 240.000."),
    ),
    "form_error": (
        "%(text)s",
        "",
    ),
    "municipality_unknown": (
        _lazy("De gemeente '%(name)s' staat niet in de lijst."),
        _lazy(
            "Voeg een kolom met de CBS-gemeentecode toe, of voeg de gemeente eerst toe "
            "bij Gemeenten en wijken.",
        ),
    ),
    "project_name_missing": (
        _lazy("Deze rij heeft geen projectnaam."),
        _lazy("Vul de projectnaam in."),
    ),
    "project_unknown": (
        _lazy("Het project '%(name)s' bestaat niet."),
        _lazy("Zet het project op het blad met projecten, of controleer de naam."),
    ),
    "theme_unknown": (
        _lazy("Onbekend thema: '%(name)s'."),
        _lazy("Kies een thema uit de lijst in het sjabloon."),
    ),
    "value_unknown": (
        _lazy("Onbekende waarde '%(value)s'."),
        _lazy("Kies een waarde uit de lijst in het sjabloon."),
    ),
    "partner_kind_unknown": (
        _lazy("Onbekende soort '%(value)s'."),
        _lazy("Kies een soort uit de lijst, bijvoorbeeld Bedrijf of Politie."),
    ),
    "funder_missing": (
        _lazy("Een financieringsstroom heeft een financier nodig."),
        _lazy("Vul de kolom Financier in."),
    ),
    "goal_type_unknown": (
        _lazy("Onbekende soort doel '%(value)s'."),
        _lazy("Kies een soort doel uit de lijst in het sjabloon."),
    ),
}

#: Why a column was suggested for a field (the mapping screens' "reason" column).
SUGGESTION_REASONS: dict[str, Any] = {
    "known_name": _lazy("kop '%(header)s' is een bekende naam"),
    "known_name_with_moment": _lazy("kop '%(header)s' is een bekende naam met een meetmoment"),
    "like_known_name": _lazy("kop '%(header)s' lijkt op een bekende naam"),
    "contains": _lazy("kop '%(header)s' bevat '%(name)s'"),
    "like": _lazy("kop '%(header)s' lijkt op '%(name)s'"),
    "not_recognised": _lazy("niet herkend"),
    "sensitive": _lazy(
        "lijkt %(kind)s te bevatten: kies ‘alleen versleuteld bewaren’ of ‘weglaten’"
    ),
    "better_elsewhere": _lazy("ook herkend als %(label)s, maar kolom %(column)s past beter"),
    "field_known": _lazy("De kolomnaam '%(header)s' past bij %(label)s."),
    "field_contains": _lazy("De kolomnaam '%(header)s' bevat '%(name)s'."),
    "field_none": _lazy("Geen veld herkend voor '%(header)s': deze kolom wordt overgeslagen."),
}

_ERROR_FIELDS = {f.name for f in fields(IntakeError)}


def suggestion_reason(reason: str, params: Mapping[str, Any] | None = None) -> str:
    """A suggestion's reason in the active language; a reason stored as text stays as it was."""
    template = SUGGESTION_REASONS.get(reason)
    if template is None:
        return reason
    language = _language()
    rendered = _Params(
        {name: _render(name, value, language) for name, value in (params or {}).items()}
    )
    return str(template) % rendered


class _Params(dict):
    """The rendered parameters; one that is missing shows as a dash, never as an error."""

    def __missing__(self, key: str) -> str:
        return "—"


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def _render(name: str, value: Any, language: str) -> str:
    if isinstance(value, Mapping) and "nl" in value:
        return str(value.get(language) or value["nl"])
    if isinstance(value, list | tuple):
        return ", ".join(_render(name, v, language) for v in value)
    if isinstance(value, int) and not isinstance(value, bool) and name in GROUPED:
        return formats.number_format(value, force_grouping=True)
    return "" if value is None else str(value)


def as_error(problem: IntakeError | Mapping[str, Any]) -> IntakeError | Mapping[str, Any]:
    """An :class:`IntakeError` from its stored form (``to_dict``); a legacy dict stays a dict."""
    if isinstance(problem, IntakeError):
        return problem
    if "params" not in problem and ("reason" in problem or "message" in problem):
        return problem  # stored before problems had codes: Dutch text as it was
    return IntakeError(**{k: v for k, v in problem.items() if k in _ERROR_FIELDS})


def _texts(problem: IntakeError | Mapping[str, Any]) -> tuple[str, str]:
    error = as_error(problem)
    if not isinstance(error, IntakeError):
        return str(error.get("reason") or error.get("message") or ""), str(
            error.get("action") or ""
        )
    reason, action = MESSAGES.get(error.message_key, (error.code, ""))
    language = _language()
    params = _Params({name: _render(name, value, language) for name, value in error.params.items()})
    return str(reason) % params, str(action) % params if action else ""


def reason(problem: IntakeError | Mapping[str, Any]) -> str:
    """What is wrong, in the active language."""
    return _texts(problem)[0]


def action(problem: IntakeError | Mapping[str, Any]) -> str:
    """What to do about it, in the active language."""
    return _texts(problem)[1]


def message(problem: IntakeError | Mapping[str, Any]) -> str:
    """Reason and action in one text."""
    return " ".join(part for part in _texts(problem) if part)


def where(problem: IntakeError | Mapping[str, Any]) -> str:
    """``bestand.xlsx, blad 'Deelnemers', rij 7, kolom D (0-meting / Wonen)``."""
    error = as_error(problem)
    get = (lambda name: getattr(error, name)) if isinstance(error, IntakeError) else error.get
    parts = []
    if get("file"):
        parts.append(get("file"))
    if get("sheet"):
        parts.append(_("blad '%(sheet)s'") % {"sheet": get("sheet")})
    if get("row") is not None:
        parts.append(_("rij %(row)s") % {"row": get("row")})
    column, header = get("column"), get("header")
    if column:
        parts.append(
            _("kolom %(column)s (%(header)s)") % {"column": column, "header": header}
            if header
            else _("kolom %(column)s") % {"column": column}
        )
    elif header:
        parts.append(_("kolom '%(header)s'") % {"header": header})
    return ", ".join(parts)


def described(problem: IntakeError | Mapping[str, Any]) -> str:
    """Where and what, in one line: for a message, a log or the command line."""
    place, text = where(problem), message(problem)
    return f"{place}: {text}" if place else text


def in_both_languages(text: str | Promise | Callable[[], str]) -> dict[str, str]:
    """A parameter made in the Django layer (a form error, a choice label) in Dutch and English,
    so a problem stored now is shown later in the reader's language."""
    result = {}
    for language in ("nl", "en"):
        with override(language):
            result[language] = str(text() if callable(text) else text)
    return result
