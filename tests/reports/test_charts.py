"""Charts drawn as they say (issue 23 kind 1) and user text never read as markup by matplotlib
(issue 28 kind 4): positions are read from the drawn figure, not judged by eye."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib", reason="charts need the 'reports' extra")


def drawn(rows):
    from stocktake.reports.charts import area_figure

    fig, ax = area_figure(rows, marker_label="median of this round")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    bars = sorted(ax.patches, key=lambda p: -p.get_y())  # top (first row) first
    labels = sorted((t for t in ax.texts), key=lambda t: -t.get_position()[1])
    return fig, bars, labels, renderer


def test_each_score_label_sits_at_the_end_of_its_own_bar_not_at_the_median():
    import matplotlib.pyplot as plt

    # The median far past the bar (32 against 61), far short of it (90 against 20), on it.
    rows = [("Vision", 32.0, 61.0), ("Leadership", 90.0, 20.0), ("Risk", 50.0, 50.0),
            ("Workforce", None, 40.0), ("Change", 5.0, None)]
    fig, bars, labels, renderer = drawn(rows)
    assert [t.get_text() for t in labels] == ["32", "90", "50", "no score", "5"]
    for bar, label, (_, score, _) in zip(bars, labels, rows):
        end = bar.get_window_extent(renderer)
        box = label.get_window_extent(renderer)
        # Just past its own bar's end (within 2% of the axes' width), on the bar's line.
        width = fig.axes[0].get_window_extent(renderer).width
        assert 0 <= box.x0 - end.x1 <= 0.02 * width, (label.get_text(), box.x0, end.x1)
        assert abs((box.y0 + box.y1) / 2 - (end.y0 + end.y1) / 2) < 1.5
        assert bar.get_width() == pytest.approx(score or 0)
    plt.close(fig)


def test_a_marker_just_past_a_bar_never_runs_through_its_label():
    """The Word report's Figure 1 drew "|60|": a median of 62 ran through the label of 60."""
    import matplotlib.pyplot as plt

    rows = [("Vision", 60.0, 62.0), ("Leadership", 40.0, 41.5), ("Risk", 50.0, 50.0),
            ("Change", 70.0, 80.0), ("Outcomes", 97.0, 100.0), ("Roles", None, 1.0)]
    fig, bars, labels, renderer = drawn(rows)
    ax = fig.axes[0]
    to_pixels = ax.transData
    width = ax.get_window_extent(renderer).width
    for bar, label, (title, score, median) in zip(bars, labels, rows):
        box = label.get_window_extent(renderer)
        marker_x = to_pixels.transform((median, 0))[0]
        half_line = 2.5 / 72 * fig.dpi / 2  # the marker's line, 2.5 points wide
        assert not box.x0 - half_line < marker_x < box.x1 + half_line, title
        end = bar.get_window_extent(renderer).x1
        after = max(end, marker_x + half_line) if box.x0 > marker_x else end
        assert 0 <= box.x0 - after <= 0.02 * width, (title, box.x0, after)
    plt.close(fig)


def test_dollar_signs_in_titles_are_text_never_mathtext():
    from stocktake.reports.charts import area_chart, level_chart

    rows = [("Spend $5 and $10", 40.0, 50.0), (r"Budget $\notacommand$", 60.0, None)]
    figure = area_chart(rows, caption="c")
    assert "Spend $5 and $10" in figure.svg and r"$\notacommand$" in figure.svg
    levels = level_chart([("Spend $5 and $10", [1, 2])], [r"$\bad$ level", "Fine"], caption="c")
    assert r"$\bad$ level" in levels.svg and "Spend $5 and $10" in levels.svg
