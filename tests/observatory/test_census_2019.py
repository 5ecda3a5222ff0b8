"""The 2019 census as the project loads it: its own "in a métropole" column is kept in the raw data of each
line, and the shipped file says 825 of 1,512 (the figure the observatory shows beside its own)."""

from __future__ import annotations

import gzip
from collections import Counter

from tierslieux.places.sources import DATA_DIR, SOURCES, Rejected, cget_types, read_cget

HEADER = "ID,NOM_TL,ADRESSE,CP,COMINIT,INSEECOM,NOMCOM,TYPO,LAT,LONG,CONTACT,MAIL,METRO,NOMMETRO\n"


def test_the_metro_column_is_kept_in_the_raw_data(tmp_path):
    path = tmp_path / "cget.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(HEADER)
        handle.write(
            "7,La Cantine,1 rue,44000,Nantes,44109,Nantes,à dominante coworking,47.2,-1.55,,,1,Nantes Métropole\n"
        )
        handle.write("8,Le Fab,,29900,Concarneau,29039,Concarneau,à dominante fablab,47.8,-3.9,,,0,\n")
    rows = list(read_cget(path))
    assert [(row.source_id, row.raw["METRO"], row.types) for row in rows] == [
        ("7", "1", ["coworking"]),
        ("8", "0", ["fablab"]),
    ]
    assert "NOMMETRO" not in rows[0].raw  # only what is used is kept
    assert cget_types("") == [] and cget_types("Tiers-lieu à dominante FabLab") == ["fablab"]


def test_the_shipped_census_counts_825_of_1512_in_a_metropole():
    rows = [row for row in read_cget(DATA_DIR / SOURCES["cget2019"]) if not isinstance(row, Rejected)]
    assert len(rows) == 1512
    assert Counter(row.raw.get("METRO") for row in rows) == {"1": 825, "0": 686, "": 1}
