"""An option naming the folder to write into, given a file's name (`export --out camden.xlsx`),
is refused before anything is written: it made a folder called camden.xlsx, the files inside."""

from __future__ import annotations

import pytest

FOLDER_OPTIONS = [
    ("export", "E09000007", "--out", "{x}"),
    ("export", "--all", "--format", "csv", "--out", "{x}"),
    ("demo", "--partnerships", "1", "--out", "{x}"),
    ("merge", "returns", "--out", "national.xlsx", "--data", "{x}"),
    ("forms", "create", "--all", "--out", "{x}"),
]


@pytest.mark.parametrize("args", FOLDER_OPTIONS, ids=lambda a: " ".join(a[:2]))
@pytest.mark.parametrize("name", ["camden.xlsx", "scores.CSV", "data.parquet"])
def test_a_file_name_for_a_folder_option_is_refused_naming_it(cli, tmp_path, args, name):
    target = tmp_path / name
    option = args[args.index("{x}") - 1]
    result = cli(*[str(target) if a == "{x}" else a for a in args])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"{option} {target}: that names a file, and {option} is the folder" in said, said
    assert "Traceback" not in said
    assert not target.exists()
    assert not (tmp_path / "ws").exists() or args[0] != "demo"  # nothing made before it


def test_an_existing_folder_with_a_dotted_name_is_still_a_folder(cli, tmp_path):
    folder = tmp_path / "round.2026.csv"
    folder.mkdir()
    assert cli("demo", "--partnerships", "1", "--out", folder).exit_code == 0
    assert any(folder.iterdir())
