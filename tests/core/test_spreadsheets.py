from tierslieux.core.spreadsheets import csv_bytes, safe_cell


def test_cells_starting_like_a_formula_are_neutralised():
    assert [safe_cell(v) for v in ["=1+1", "+33", "-x", "@SUM", "Brest", 12, None]] == [
        "'=1+1",
        "'+33",
        "'-x",
        "'@SUM",
        "Brest",
        12,
        None,
    ]


def test_csv_for_spreadsheets_has_a_bom_semicolons_and_safe_cells():
    data = csv_bytes(["nom", "valeur"], [["=cmd()", 1], ["Concarneau", None]])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["nom;valeur", "'=cmd();1", "Concarneau;"]
