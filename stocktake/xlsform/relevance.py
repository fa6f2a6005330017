"""Roles and skip conditions as XLSForm `relevant` expressions (XPath), and back.

The form asks `role` first; a question asked of some roles only is relevant when one of them was
chosen, and a skip condition becomes a comparison with the earlier answer. ODK and Enketo clear
the value of a question that is not relevant, so a condition on a hidden question is never met:
the same rule as :mod:`stocktake.banks.applicability`.

    role_expression(("council", "health"))  -> "selected(${role}, 'council') or selected(...)"
    condition_expression(bank, Condition("risk.register", in_=("partial", "full")))
        -> "(${risk.register} = 'partial' or ${risk.register} = 'full')"
    parse_relevant("selected(${role}, 'council') and (${q} = 'yes')")
        -> Relevant(roles=("council",), condition=Condition("q", is_="yes"))

Only the shapes written here are read back; anything else in `relevant` is refused by name
(authoring cannot turn arbitrary XPath into a bank's condition).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stocktake.banks.model import Bank, Condition

ROLE_FIELD = "role"


class UnsupportedRelevant(ValueError):
    """A `relevant` expression that is not a role test and one bank condition."""


@dataclass(frozen=True)
class Relevant:
    roles: tuple[str, ...] = ()
    condition: Condition | None = None


def literal(value: Any) -> str:
    """An XPath literal: numbers bare, text quoted. Text holding both quote kinds cannot be
    written in XPath 1.0 and raises ValueError (bank ids never hold quotes)."""
    if isinstance(value, bool):
        raise ValueError("a condition value cannot be true/false")
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value)
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise ValueError(f"{text!r} holds both kinds of quote")


def ref(name: str) -> str:
    return "${" + name + "}"


def role_expression(roles: tuple[str, ...]) -> str:
    """True when the respondent's role is one of `roles`; "" for every role."""
    return " or ".join(f"selected({ref(ROLE_FIELD)}, {literal(r)})" for r in roles)


def condition_expression(bank: Bank, condition: Condition) -> str:
    """The skip condition as XPath over the source question's stored value.

    select_multiple values are space-separated names, so `is`/`in` use selected(); a scale's
    stored value is its level number, so `at_least` is a numeric comparison (na and dk are not
    numbers and never meet it, as in scoring).
    """
    source = bank.question(condition.question)
    field = ref(source.id)
    if condition.at_least is not None:
        return f"{field} >= {literal(condition.at_least)}"
    values = [condition.is_] if condition.is_ is not None else list(condition.in_ or ())
    if source.type == "multi":
        parts = [f"selected({field}, {literal(str(v))})" for v in values]
    else:
        parts = [f"{field} = {literal(_stored(v))}" for v in values]
    if len(parts) == 1:
        return parts[0]
    return "(" + " or ".join(parts) + ")"


def _stored(value: Any) -> Any:
    # Scale levels and yes/no are stored as choice names: text in the form's data.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def relevant_expression(bank: Bank, roles: tuple[str, ...], condition: Condition | None) -> str:
    """Roles and condition joined with `and`; "" when the question is always asked."""
    parts = []
    if roles:
        parts.append(f"({role_expression(roles)})" if len(roles) > 1 else role_expression(roles))
    if condition is not None:
        parts.append(condition_expression(bank, condition))
    return " and ".join(parts)


# ---------------------------------------------------------------- reading back

_LIT = r"""(?:'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?)"""
_REF = r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}"
_SELECTED = re.compile(rf"^selected\(\s*{_REF}\s*,\s*({_LIT})\s*\)$")
_EQUALS = re.compile(rf"^{_REF}\s*=\s*({_LIT})$")
_AT_LEAST = re.compile(rf"^{_REF}\s*>=\s*({_LIT})$")


def parse_relevant(text: str) -> Relevant:
    """The roles and the one condition a `relevant` written as above expresses.

    Raises UnsupportedRelevant saying which part cannot be read.
    """
    text = (text or "").strip()
    if not text:
        return Relevant()
    roles: list[str] = []
    condition: Condition | None = None
    for conjunct in _split(text, "and"):
        terms = [_term(t) for t in _split(_unwrap(conjunct), "or")]
        fields = {field for field, _, _ in terms}
        if len(fields) != 1:
            raise UnsupportedRelevant(f"'{conjunct}' compares several questions in one 'or'; a "
                                      "bank condition names one question")
        field = fields.pop()
        if field == ROLE_FIELD:
            if roles or any(kind not in ("selected", "=") for _, kind, _ in terms):
                raise UnsupportedRelevant(f"'{conjunct}': the role may be tested once, with "
                                          "selected(${role}, 'id') or ${role} = 'id'")
            roles = [str(v) for _, _, v in terms]
            continue
        if condition is not None:
            raise UnsupportedRelevant(f"'{text}' has more than one condition; a bank question "
                                      "has at most one (`when`)")
        kinds = {kind for _, kind, _ in terms}
        values = [v for _, _, v in terms]
        if kinds == {">="}:
            if len(values) != 1 or isinstance(values[0], str):
                raise UnsupportedRelevant(f"'{conjunct}': '>=' takes one number")
            condition = Condition(field, at_least=float(values[0]))
        elif ">=" in kinds:
            raise UnsupportedRelevant(f"'{conjunct}' mixes '>=' with '=' or selected()")
        elif len(values) == 1:
            condition = Condition(field, is_=values[0])
        else:
            condition = Condition(field, in_=tuple(values))
    return Relevant(tuple(roles), condition)


def _term(text: str) -> tuple[str, str, Any]:
    text = _unwrap(text.strip())
    for kind, pattern in (("selected", _SELECTED), ("=", _EQUALS), (">=", _AT_LEAST)):
        match = pattern.match(text)
        if match:
            return match.group(1), kind, _value(match.group(2))
    raise UnsupportedRelevant(f"'{text}' is not one of: ${{q}} = 'v', selected(${{q}}, 'v'), "
                              "${q} >= N")


def _value(token: str) -> Any:
    if token[0] in "'\"":
        return token[1:-1]
    number = float(token)
    return int(number) if number.is_integer() else number


def _unwrap(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth, quote = 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quote


def _split(text: str, word: str) -> list[str]:
    """Split on ` word ` at the top level (outside brackets and quotes)."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    token = f" {word} "
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and text.startswith(token, i):
            parts.append(text[start:i])
            i += len(token)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    if depth != 0 or quote:
        raise UnsupportedRelevant(f"'{text}' has unbalanced brackets or quotes")
    return [p.strip() for p in parts]
