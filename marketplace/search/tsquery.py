"""The text of a tsquery, as PostgreSQL prints it, with its repeated alternatives gone.

The synonyms of a word (text.SINONIMI) are often forms that stem alike: "badante" is
also "assistente familiare" and "assistenza familiare", both `'assistent' & 'famil'`;
"anziani" is `'anzian'` three times over. PostgreSQL keeps every alternative as written,
and GIN walks the lists of a repeated one again: at a million services the rows of
"badante" open on a Sunday took 28-33 ms to find through the index of the text and the
sets, 16-23 with each alternative once.

Only `&`, `|` and parentheses are simplified; a query with any other operator (`!`,
phrases) is left as it is. The lexemes are kept as written, quotes and prefix marks
(`'domicil':*`) included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A lexeme as PostgreSQL prints it ('it''s' doubles its quotes), with its prefix mark or
# weights; an operator; a parenthesis.
_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*'(?::[*A-Da-d]+)?)|([&|()]))")


@dataclass(frozen=True)
class _Node:
    """An operand (`operator` empty, `text` the lexeme as written) or an `&` / `|` of
    `children`, each once, in their first order."""

    operator: str = ""
    text: str = ""
    children: tuple[_Node, ...] = ()

    def conjuncts(self) -> frozenset[_Node]:
        """What a row must hold for this alternative: its operands, or an `&`'s parts."""
        return frozenset(self.children) if self.operator == "&" else frozenset({self})


def without_repeats(tsquery: str, *, absorb: bool = False) -> str:
    """`tsquery` with each `&` and `|` holding each of its parts once.

    With `absorb`, an alternative that asks for all that another one asks, and maybe
    more, is dropped (`'asil' & 'nid' | 'nid'` is `'nid'`, and `'b' & 'a'` after
    `'a' & 'b'` goes): the query finds the same rows, but ranks them
    otherwise (ts_rank counts every distinct lexeme of the query), so only for the
    query that finds them. Repeats alone change no rank: ts_rank counts each distinct
    lexeme once."""
    tokens = _tokens(tsquery)
    if tokens is None:
        return tsquery
    node, rest = _or(tokens, absorb)
    return tsquery if rest or node is None else _text(node)


def _tokens(tsquery: str) -> list[str] | None:
    tokens, position = [], 0
    while position < len(tsquery.rstrip()):
        match = _TOKEN.match(tsquery, position)
        if match is None:  # an operator left as it is (!, <->)
            return None
        tokens.append(match.group(1) or match.group(2))
        position = match.end()
    return tokens


def _or(tokens: list[str], absorb: bool) -> tuple[_Node | None, list[str]]:
    node, tokens = _parts("|", _and, tokens, absorb)
    if node is None or not absorb or node.operator != "|":
        return node, tokens
    alternatives = node.children
    kept = [
        alternative
        for position, alternative in enumerate(alternatives)
        if not any(
            other.conjuncts() < alternative.conjuncts()
            or (other.conjuncts() == alternative.conjuncts() and earlier < position)
            for earlier, other in enumerate(alternatives)
        )
    ]
    return _joined("|", kept), tokens


def _and(tokens: list[str], absorb: bool) -> tuple[_Node | None, list[str]]:
    return _parts("&", _operand, tokens, absorb)


def _parts(operator: str, part, tokens: list[str], absorb: bool) -> tuple[_Node | None, list[str]]:
    """The parts that `part` reads, joined by `operator`, each once (a part that is
    itself joined by `operator` gives its own): None where the tokens end too soon."""
    parts: list[_Node] = []
    while True:
        node, tokens = part(tokens, absorb)
        if node is None:
            return None, tokens
        parts += node.children if node.operator == operator else (node,)
        if not tokens or tokens[0] != operator:
            return _joined(operator, list(dict.fromkeys(parts))), tokens
        tokens = tokens[1:]


def _operand(tokens: list[str], absorb: bool) -> tuple[_Node | None, list[str]]:
    if not tokens or tokens[0] in "&|)":
        return None, tokens
    if tokens[0] == "(":
        node, rest = _or(tokens[1:], absorb)
        if node is None or not rest or rest[0] != ")":
            return None, rest
        return node, rest[1:]
    return _Node(text=tokens[0]), tokens[1:]


def _joined(operator: str, parts: list[_Node]) -> _Node:
    return parts[0] if len(parts) == 1 else _Node(operator=operator, children=tuple(parts))


def _text(node: _Node) -> str:
    """As PostgreSQL prints it: `&` binds tighter than `|`, so only an `|` inside an `&`
    needs its parentheses."""
    if not node.operator:
        return node.text
    parts = [
        f"( {_text(child)} )" if node.operator == "&" and child.operator == "|" else _text(child)
        for child in node.children
    ]
    return f" {node.operator} ".join(parts)
