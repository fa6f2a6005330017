"""The words of a report's Document, for asserting what it says, and answers to build one."""

from __future__ import annotations

from stocktake.records.responses import ANSWERED, Answer

WHEN = "2026-11-01T10:00:00+00:00"


def answers(given: dict, evidence: dict | None = None) -> dict:
    """{question: Answer} answered at WHEN, with evidence where `evidence` gives it."""
    return {q: Answer(q, ANSWERED, v, (evidence or {}).get(q, ""), WHEN)
            for q, v in given.items()}


def text_of(doc) -> str:
    """Every text of the document, a block to a line (tables' rows joined by " | ")."""
    parts = [doc.title, doc.subtitle, *(f"{k}: {v}" for k, v in doc.meta)]
    for block in doc.blocks:
        for attr in ("text", "caption", "source", "alt"):
            if hasattr(block, attr):
                parts.append(getattr(block, attr))
        parts.extend(getattr(block, "items", ()))
        parts.extend(" | ".join(r) for r in getattr(block, "rows", ()))
    return "\n".join(parts)
