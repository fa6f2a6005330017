"""`banks show` prints a bank's own words as data: square brackets in a title, a description or
a question are shown as written, never read as rich markup (issue 26, found with kind 1)."""

from __future__ import annotations

from helpers.paths import DATA



def test_bank_text_in_square_brackets_is_shown_as_written(cli, tmp_path):
    text = (DATA / "mini.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Vision"', 'title = "Vision [bold]now[/bold]"', 1)
    assert "[bold]now[/bold]" in text
    path = tmp_path / "bracketed.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("banks", "show", str(path))
    assert result.exit_code == 0, result.output
    assert "Vision [bold]now[/bold]" in result.stdout
