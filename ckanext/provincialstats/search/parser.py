"""The Solr/Lucene query subset CKAN, ckanext-dcat and ckanext-harvest emit, parsed to a tree.

Supported: ``field:value``, ``"quoted phrases"``, ``+ - ! NOT AND OR && ||``, parentheses,
``field:(a OR b)``, ranges ``[a TO b]`` / ``{a TO b}`` (``*`` open ends, ``NOW`` and date
math such as ``NOW-1DAY/DAY``), wildcards ``*`` and ``?``, ``*:*``, boosts (``^2``, which
only change ranking and are ignored).  Clauses combine the way Lucene's classic query parser
combines them (MUST / SHOULD / MUST_NOT occurrences, not textbook precedence), so
``a b OR c`` means what it means to Solr.

Refused with :class:`ckan.lib.search.SearchQueryError` naming the construct: local params
``{!...}``, ``_query_``/``_val_`` magic fields, fuzzy and proximity ``~``, regular
expressions ``/.../``, and anything unbalanced.  The tree is turned into SQL by
:mod:`ckanext.provincialstats.search.sql`; this module never builds SQL.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional, Union

from ckan.lib.search.common import SearchQueryError

MUST, SHOULD, MUST_NOT = "must", "should", "must_not"

# Characters that end a bare term (unless backslash-escaped).
_SPECIAL = set(' \t\r\n\u3000()[]{}"^~:/')
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}
MAX_QUERY_LENGTH = 10000
MAX_DEPTH = 50


@dataclasses.dataclass(frozen=True)
class MatchAll:
    pass


@dataclasses.dataclass(frozen=True)
class Term:
    """One value for one field (``None``: the default text field)."""
    field: Optional[str]
    value: str
    kind: str = "term"  # term | phrase | wildcard | any (field:*)


@dataclasses.dataclass(frozen=True)
class Range:
    field: Optional[str]
    low: Optional[str]  # None: open end (*)
    high: Optional[str]
    include_low: bool = True
    include_high: bool = True


@dataclasses.dataclass(frozen=True)
class Boolean:
    """Lucene BooleanQuery: every MUST, no MUST_NOT, and (with no MUST) at least
    ``min_should`` SHOULD clauses (``min_should`` 0 means 1 when nothing is required)."""
    clauses: tuple[tuple[str, "Node"], ...]
    min_should: int = 0


Node = Union[MatchAll, Term, Range, Boolean]


class _Token:
    __slots__ = ("kind", "text", "pos")

    def __init__(self, kind: str, text: str, pos: int):
        self.kind, self.text, self.pos = kind, text, pos

    def __repr__(self):  # pragma: no cover - debugging aid
        return "%s(%r)" % (self.kind, self.text)


def _error(message: str) -> SearchQueryError:
    return SearchQueryError(message)


def tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if text.startswith("{!", i):
            raise _error("local parameters ({!...}) are not supported")
        if c in "()":
            tokens.append(_Token(c, c, i))
            i += 1
        elif c in "[{":
            i = _read_range(text, i, tokens)
        elif c in "]}":
            raise _error("unbalanced range bracket %r at position %d" % (c, i))
        elif c == '"':
            j, chars = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                chars.append(text[j])
                j += 1
            if j >= n:
                raise _error("unterminated quoted phrase at position %d" % i)
            tokens.append(_Token("PHRASE", "".join(chars), i))
            i = j + 1
        elif c == ":":
            tokens.append(_Token(":", c, i))
            i += 1
        elif c == "^":
            j = i + 1
            while j < n and (text[j].isdigit() or text[j] == "."):
                j += 1
            if j == i + 1:
                raise _error("boost '^' without a number at position %d" % i)
            i = j  # boosts only change ranking: ignored
        elif c == "~":
            raise _error("fuzzy and proximity searches ('~') are not supported")
        elif c == "/":
            raise _error("regular expressions ('/.../') are not supported")
        elif c in "+-!" and (i + 1 < n and not text[i + 1].isspace()) and (
                not tokens or tokens[-1].kind in ("(", "OP", "MOD", ":")
                or text[i - 1].isspace()):
            tokens.append(_Token("MOD", "-" if c == "!" else c, i))
            i += 1
        elif text.startswith("&&", i) or text.startswith("||", i):
            tokens.append(_Token("OP", _OPERATORS[text[i:i + 2]], i))
            i += 2
        else:
            j, chars, wild = i, [], False
            while j < n and text[j] not in _SPECIAL:
                if text[j] == "\\":
                    if j + 1 >= n:
                        raise _error("query ends with a lone backslash")
                    chars.append("\\" + text[j + 1])
                    j += 2
                    continue
                if text[j] in "*?":
                    wild = True
                chars.append(text[j])
                j += 1
            raw = "".join(chars)
            if raw in _OPERATORS and not wild:
                tokens.append(_Token("OP", _OPERATORS[raw], i))
            else:
                tokens.append(_Token("WORD", raw, i))
            i = j
    return tokens


def _read_range(text: str, i: int, tokens: list[_Token]) -> int:
    close = re.compile(r"[\]}]")
    m = close.search(text, i + 1)
    if not m:
        raise _error("unterminated range at position %d" % i)
    body = text[i + 1:m.start()].strip()
    parts = re.split(r"\s+TO\s+", body)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise _error("range must be '[low TO high]', got %r" % text[i:m.end()])
    low, high = (_unquote(p.strip()) for p in parts)
    tokens.append(_Token("RANGE", (text[i], low, high, text[m.start()]), i))
    return m.end()


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value.replace("\\", "")


def unescape(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw)


class _Parser:
    def __init__(self, tokens: list[_Token], default_occur: str = MUST):
        self.tokens, self.i, self.depth = tokens, 0, 0
        self.default_occur = default_occur

    def peek(self) -> Optional[_Token]:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def query(self, field: Optional[str], stop: Optional[str] = None) -> Node:
        """Lucene classic: a flat list of clauses with conjunctions and modifiers."""
        clauses: list[list] = []  # [occur, node]
        while True:
            tok = self.peek()
            if tok is None or tok.kind == stop:
                break
            conj = None
            if tok.kind == "OP" and tok.text in ("AND", "OR"):
                conj = self.take().text
                tok = self.peek()
                if tok is None or tok.kind == stop:
                    raise _error("'%s' without a following clause" % conj)
            mod = None
            if tok.kind == "OP" and tok.text == "NOT":
                self.take()
                mod = "-"
            elif tok.kind == "MOD":
                mod = self.take().text
            node = self.clause(field)
            if clauses and conj == "AND" and clauses[-1][0] != MUST_NOT:
                clauses[-1][0] = MUST
            if clauses and conj == "OR" and clauses[-1][0] != MUST_NOT:
                clauses[-1][0] = SHOULD
            if mod == "-":
                occur = MUST_NOT
            elif mod == "+" or conj == "AND":
                occur = MUST
            elif conj == "OR":
                occur = SHOULD
            else:
                occur = self.default_occur
            clauses.append([occur, node])
        if not clauses:
            if stop:
                raise _error("empty group '()'")
            return MatchAll()
        if len(clauses) == 1 and clauses[0][0] != MUST_NOT:
            return clauses[0][1]
        return Boolean(tuple((o, n) for o, n in clauses))

    def clause(self, field: Optional[str]) -> Node:
        tok = self.peek()
        if tok is None:
            raise _error("query ends where a clause was expected")
        if tok.kind == "(":
            return self.group(field)
        if tok.kind == "WORD" and self._is_field(tok):
            if field is not None:
                raise _error("nested field %r inside %s:(...)" % (tok.text, field))
            name = unescape(self.take().text)
            self.take()  # ':'
            nxt = self.peek()
            if nxt is None:
                raise _error("field %r without a value" % name)
            if name == "*" and nxt.kind == "WORD" and nxt.text == "*":
                self.take()
                return MatchAll()
            _check_field_name(name)
            if nxt.kind == "(":
                return self.group(name)
            return self.value(name)
        return self.value(field)

    def _is_field(self, tok: _Token) -> bool:
        nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        return nxt is not None and nxt.kind == ":"

    def group(self, field: Optional[str]) -> Node:
        self.take()  # '('
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error("parentheses nested deeper than %d" % MAX_DEPTH)
        node = self.query(field, stop=")")
        if self.peek() is None:
            raise _error("unbalanced parenthesis: missing ')'")
        self.take()
        self.depth -= 1
        return node

    def value(self, field: Optional[str]) -> Node:
        tok = self.take()
        if tok.kind == "PHRASE":
            return Term(field, tok.text, "phrase")
        if tok.kind == "RANGE":
            opening, low, high, closing = tok.text
            return Range(field, None if low == "*" else low, None if high == "*" else high,
                         opening == "[", closing == "]")
        if tok.kind == "WORD":
            raw = tok.text
            if raw == "*":
                return MatchAll() if field is None else Term(field, "", "any")
            if re.search(r"(?<!\\)[*?]", raw):
                return Term(field, raw, "wildcard")
            return Term(field, unescape(raw), "term")
        if tok.kind == ")":
            raise _error("unbalanced parenthesis: unexpected ')' at position %d" % tok.pos)
        if tok.kind == ":":
            raise _error("':' without a field name at position %d" % tok.pos)
        raise _error("unexpected %r at position %d" % (tok.text, tok.pos))


_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$|^\*$")


def _check_field_name(name: str) -> None:
    if name in ("_query_", "_val_"):
        raise _error("magic field %r is not supported" % name)
    if not _FIELD_RE.match(name):
        raise _error("invalid field name %r" % name)


def parse(text: Optional[str], default_field: Optional[str] = None) -> Node:
    """Parse one Solr ``q``/``fq`` string; an empty string matches everything."""
    if text is None:
        return MatchAll()
    if not isinstance(text, str):
        raise _error("query must be a string, got %s" % type(text).__name__)
    if len(text) > MAX_QUERY_LENGTH:
        raise _error("query longer than %d characters" % MAX_QUERY_LENGTH)
    if "\x00" in text:
        raise _error("NUL character in query")
    tokens = tokenize(text)
    parser = _Parser(tokens)
    node = parser.query(default_field)
    if parser.peek() is not None:
        tok = parser.peek()
        raise _error("unbalanced parenthesis: unexpected %r at position %d"
                     % (tok.text, tok.pos))
    return node


def parse_mm(spec: Optional[str], optional: int) -> int:
    """How many of ``optional`` SHOULD clauses must match (Solr's ``mm`` syntax)."""
    if optional <= 0:
        return 0
    if spec is None or str(spec).strip() == "":
        return optional
    spec = str(spec).strip()
    if "<" not in spec:
        return _mm_value(spec, optional)
    result = optional
    for part in spec.split():
        m = re.match(r"^(\d+)<(.+)$", part)
        if not m:
            raise _error("unsupported 'mm' value %r" % spec)
        if optional > int(m.group(1)):
            result = _mm_value(m.group(2), optional)
    return result


def _mm_value(value: str, optional: int) -> int:
    m = re.match(r"^(-?)(\d+)(%?)$", value.strip())
    if not m:
        raise _error("unsupported 'mm' value %r" % value)
    negative, number, percent = m.group(1) == "-", int(m.group(2)), m.group(3) == "%"
    amount = optional * number // 100 if percent else number
    result = optional - amount if negative else amount
    return max(0, min(optional, result))


def parse_dismax(text: str, mm: Optional[str]) -> Node:
    """Parse a dismax ``q``: clauses without ``+``/``-`` are optional and ``mm`` says how
    many of them must match.  With explicit operators (AND, OR, NOT, parentheses) the
    query is read like the standard parser reads it, as edismax does."""
    if len(text) > MAX_QUERY_LENGTH:
        raise _error("query longer than %d characters" % MAX_QUERY_LENGTH)
    tokens = tokenize(text)
    if any(t.kind in ("OP", "(") for t in tokens):
        return parse(text)
    parser = _Parser(tokens, default_occur=SHOULD)
    node = parser.query(None)
    if parser.peek() is not None:
        raise _error("unexpected %r" % parser.peek().text)
    if isinstance(node, Boolean):
        optional = sum(1 for occur, _ in node.clauses if occur == SHOULD)
        return Boolean(node.clauses, parse_mm(mm, optional))
    return node
