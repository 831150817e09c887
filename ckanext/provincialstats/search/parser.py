"""The Solr query subset CKAN, ckanext-dcat and ckanext-harvest send, parsed to a tree the
way Solr's parsers read it.

Three parsers, as CKAN's ``PackageSearchQuery.run`` uses them:

- :func:`parse`: the standard (Lucene "classic") parser, for a fielded ``q`` and for every
  ``fq``; its default operator is the ``q.op`` parameter (CKAN sends ``AND``).
- :func:`parse_dismax`: ``defType=dismax`` (CKAN's choice for a ``q`` without ``:``).
  Solr's ``DisMaxQParser`` first drops every ``"`` if they are unbalanced, escapes
  ``\\ ! ( ) : ^ [ ] / { } ~ * ?`` (``SolrPluginUtils.partialEscape``) and strips dangling
  or repeated ``+``/``-`` (``stripIllegalOperators``), then parses with the default
  operator OR: so quotes, ``+``, ``-`` and the words ``AND``, ``OR``, ``NOT`` are syntax,
  parentheses and ``field:`` are plain text.  ``mm`` then says how many optional clauses
  must match.  One deliberate difference: ``*`` stays a wildcard (``q=*ทุเรียน*`` is a
  substring search, which the Thai GD Catalog relies on; Solr would search the bare word).
- :func:`parse_edismax`: ``defType=edismax``: standard syntax (fields, parentheses,
  operators) with ``mm`` applied to the top-level optional clauses, pure negative nested
  groups fixed (``+a (-b)`` keeps ``a``), and a query that does not parse read again the
  dismax way instead of failing.

Tokens follow the Lucene grammar (``QueryParser.jj``): a bare term may contain ``+``,
``-``, ``*``, ``?`` after its first character (``country-sweden`` is one term) but ends at
whitespace or ``( ) [ ] { } " ^ ~ : / !``; so a ``-`` right after a closing quote or
parenthesis (``"rice"-tourism``, ``(a)-b``) starts a new, prohibited clause.  A ``+``,
``-`` or ``!`` followed by whitespace is a bare term with no searchable word (Solr's
``BAREOPER``).  Clauses get MUST / SHOULD / MUST_NOT exactly as Lucene's
``QueryParserBase.addClause`` assigns them (``a b OR c`` with ``q.op=AND`` is ``+a b c``).

Refused with :class:`ckan.lib.search.SearchQueryError` naming the construct: local params
``{!...}``, ``_query_``/``_val_``, fuzzy and proximity ``~``, regular expressions, anything
unbalanced, and input over the configured limits (checked before tokenising).  The tree
becomes SQL in :mod:`ckanext.provincialstats.search.sql`; this module never builds SQL.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional, Union

from ckan.lib.search.common import SearchQueryError

from .translate import _

MUST, SHOULD, MUST_NOT = "must", "should", "must_not"
AND, OR = "AND", "OR"

WHITESPACE = " \t\r\n\u3000"  # Lucene's _WHITESPACE: other spaces are term characters
# Characters that end a bare term (a term may contain + - * ? after its first character).
_TERM_END = set(WHITESPACE) | set('()[]{}"^~:/!')
_OPERATORS = {"AND": AND, "&&": AND, "OR": OR, "||": OR}
# SolrPluginUtils.partialEscape, less '*' (kept as a wildcard, see the module docstring)
_DISMAX_ESCAPED = set('\\!():^[]/{}~?')
_JAVA_SPACE = "[ \t\n\x0b\f\r]"
_CONSECUTIVE_OPS = re.compile(_JAVA_SPACE + "+[+-](?:" + _JAVA_SPACE + "*[+-]+)+")
_DANGLING_OPS = re.compile(_JAVA_SPACE + "+[-+ \t\n\x0b\f\r]+$")


@dataclasses.dataclass(frozen=True)
class Limits:
    """Cost limits, checked before any tokenising (see ``config_declaration.yaml``)."""
    max_length: int = 2000
    max_terms: int = 0  # words in the text; 0: no limit
    max_clauses: int = 1024
    max_depth: int = 50


DEFAULT_LIMITS = Limits()
FILTER_LIMITS = Limits(max_length=20000)


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
    """Lucene BooleanQuery: every MUST matches, no MUST_NOT does, and at least
    ``mm`` of the SHOULD clauses (Solr's ``mm`` syntax, counted over the clauses that
    have searchable words) or, with no MUST clause, at least one SHOULD clause.

    Only prohibited clauses: nothing matches (Lucene), unless ``negative_matches_all``
    (Solr's fix for a pure negative query at the top of ``q``/``fq``, and edismax's
    for nested groups), then everything but them."""
    clauses: tuple[tuple[str, "Node"], ...]
    mm: Optional[str] = None
    negative_matches_all: bool = False


Node = Union[MatchAll, Term, Range, Boolean]


class _Token:
    __slots__ = ("kind", "text", "pos")

    def __init__(self, kind: str, text, pos: int):
        self.kind, self.text, self.pos = kind, text, pos

    def __repr__(self):  # pragma: no cover - debugging aid
        return "%s(%r)" % (self.kind, self.text)


class LimitError(SearchQueryError):
    """Input over a configured cost limit."""


def _error(message: str) -> SearchQueryError:
    return SearchQueryError(message)


def check_text(text: str, limits: Limits) -> None:
    """Refuse what no parser should look at: non-strings, NUL and other characters
    PostgreSQL cannot store, and text over the limits.  Cheap: no tokenising."""
    if not isinstance(text, str):
        raise _error(_("query must be a string, got %(type)s")
                     % {"type": type(text).__name__})
    if len(text) > limits.max_length:
        raise LimitError(_("query is %(length)d characters long; the limit is %(limit)d")
                         % {"length": len(text), "limit": limits.max_length})
    if "\x00" in text:
        raise _error(_("NUL character in query"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _error(_("query is not valid Unicode text (lone surrogate)"))
    if limits.max_terms and len(text.split()) > limits.max_terms:
        raise LimitError(_("query has more than %(limit)d words; the limit is %(limit)d")
                         % {"limit": limits.max_terms})


def tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in WHITESPACE:
            i += 1
            continue
        if text.startswith("{!", i):
            raise _error(_("local parameters ({!...}) are not supported"))
        if c in "()":
            tokens.append(_Token(c, c, i))
            i += 1
        elif c in "[{":
            i = _read_range(text, i, tokens)
        elif c in "]}":
            raise _error(_("unbalanced range bracket %(bracket)r at position %(position)d")
                         % {"bracket": c, "position": i})
        elif c == '"':
            j, chars = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                chars.append(text[j])
                j += 1
            if j >= n:
                raise _error(_("unterminated quoted phrase at position %(position)d")
                             % {"position": i})
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
                raise _error(_("boost '^' without a number at position %(position)d")
                             % {"position": i})
            i = j  # boosts only change ranking: ignored
        elif c == "~":
            raise _error(_("fuzzy and proximity searches ('~') are not supported"))
        elif c == "/":
            raise _error(_("regular expressions ('/.../') are not supported"))
        elif c in "+-!":
            if i + 1 >= n or text[i + 1] in WHITESPACE:
                # Solr's BAREOPER: an operator character standing alone is a term, which
                # the analyser reduces to nothing
                tokens.append(_Token("WORD", "\\" + c, i))
            else:
                tokens.append(_Token("MOD", "-" if c == "!" else c, i))
            i += 1
        else:
            j, chars = i, []
            while j < n and text[j] not in _TERM_END:
                if text[j] == "\\":
                    if j + 1 >= n:
                        raise _error(_("query ends with a lone backslash"))
                    chars.append("\\" + text[j + 1])
                    j += 2
                    continue
                chars.append(text[j])
                j += 1
            raw = "".join(chars)
            if raw in _OPERATORS:
                tokens.append(_Token("OP", _OPERATORS[raw], i))
            elif raw == "NOT":
                tokens.append(_Token("MOD", "-", i))
            else:
                tokens.append(_Token("WORD", raw, i))
            i = j
    return tokens


def _read_range(text: str, i: int, tokens: list[_Token]) -> int:
    close = re.compile(r"[\]}]")
    m = close.search(text, i + 1)
    if not m:
        raise _error(_("unterminated range at position %(position)d") % {"position": i})
    body = text[i + 1:m.start()].strip()
    parts = re.split(r"\s+TO\s+", body)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise _error(_("range must be '[low TO high]', got %(range)r")
                     % {"range": text[i:m.end()]})
    low, high = (_unquote(p.strip()) for p in parts)
    tokens.append(_Token("RANGE", (text[i], low, high, text[m.start()]), i))
    return m.end()


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value.replace("\\", "")


def unescape(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw, flags=re.S)


class _Parser:
    def __init__(self, tokens: list[_Token], operator: str, limits: Limits,
                 allow_fields: bool = True, fix_nested_negatives: bool = False):
        self.tokens, self.i, self.depth = tokens, 0, 0
        self.operator = operator
        self.limits = limits
        self.allow_fields = allow_fields
        self.fix_nested_negatives = fix_nested_negatives
        self.leaves = 0

    def peek(self) -> Optional[_Token]:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def query(self, field: Optional[str], stop: Optional[str] = None) -> Node:
        """Lucene: ``Modifiers Clause (Conjunction Modifiers Clause)*``, each clause
        added as ``QueryParserBase.addClause`` adds it."""
        clauses: list[list] = []  # [occur, node]
        first_plain: Optional[Node] = None
        while True:
            tok = self.peek()
            if tok is None or tok.kind == stop:
                break
            conj = None
            if tok.kind == "OP":
                if not clauses:
                    raise _error(_("'%(operator)s' at position %(position)d has no clause "
                                   "before it") % {"operator": tok.text, "position": tok.pos})
                conj = self.take().text
                tok = self.peek()
                if tok is None or tok.kind == stop:
                    raise _error(_("'%(operator)s' without a following clause")
                                 % {"operator": conj})
            mod = None
            if tok.kind == "MOD":
                mod = self.take().text
            node = self.clause(field)
            self._add(clauses, conj, mod, node)
            if len(clauses) == 1 and mod is None:
                first_plain = node
        if not clauses:
            if stop:
                raise _error(_("empty group '()'"))
            return MatchAll()
        if len(clauses) == 1 and first_plain is not None:
            return first_plain
        return Boolean(tuple((o, n) for o, n in clauses),
                       negative_matches_all=self.fix_nested_negatives)

    def _add(self, clauses: list[list], conj: Optional[str], mod: Optional[str],
             node: Node) -> None:
        if clauses and conj == AND and clauses[-1][0] != MUST_NOT:
            clauses[-1][0] = MUST
        if clauses and self.operator == AND and conj == OR and clauses[-1][0] != MUST_NOT:
            clauses[-1][0] = SHOULD
        prohibited = mod == "-"
        if self.operator == OR:
            required = mod == "+" or (conj == AND and not prohibited)
        else:
            required = not prohibited and conj != OR
        clauses.append([MUST_NOT if prohibited else MUST if required else SHOULD, node])

    def clause(self, field: Optional[str]) -> Node:
        tok = self.peek()
        if tok is None:
            raise _error(_("query ends where a clause was expected"))
        if tok.kind == "(":
            return self.group(field)
        if tok.kind == "WORD" and self._is_field(tok):
            if field is not None:
                raise _error(_("nested field %(nested)r inside %(field)s:(...)")
                             % {"nested": tok.text, "field": field})
            name = unescape(self.take().text)
            self.take()  # ':'
            nxt = self.peek()
            if nxt is None:
                raise _error(_("field %(field)r without a value") % {"field": name})
            if name == "*" and nxt.kind == "WORD" and nxt.text == "*":
                self.take()
                self._leaf()
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
        if self.depth > self.limits.max_depth:
            raise LimitError(_("parentheses nested deeper than %(limit)d")
                             % {"limit": self.limits.max_depth})
        node = self.query(field, stop=")")
        if self.peek() is None:
            raise _error(_("unbalanced parenthesis: missing ')'"))
        self.take()
        self.depth -= 1
        return node

    def _leaf(self) -> None:
        self.leaves += 1
        if self.leaves > self.limits.max_clauses:
            raise LimitError(_("query has more than %(limit)d clauses; the limit is %(limit)d")
                             % {"limit": self.limits.max_clauses})

    def value(self, field: Optional[str]) -> Node:
        tok = self.take()
        if tok.kind in ("PHRASE", "RANGE", "WORD"):
            self._leaf()
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
            raise _error(_("unbalanced parenthesis: unexpected ')' at position %(position)d")
                         % {"position": tok.pos})
        if tok.kind == ":":
            raise _error(_("':' without a field name at position %(position)d")
                         % {"position": tok.pos})
        if tok.kind == "MOD":
            raise _error(_("two operators in a row at position %(position)d")
                         % {"position": tok.pos})
        raise _error(_("unexpected %(text)r at position %(position)d")
                     % {"text": tok.text, "position": tok.pos})


_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$|^\*$")


def _check_field_name(name: str) -> None:
    if name in ("_query_", "_val_"):
        raise _error(_("magic field %(field)r is not supported") % {"field": name})
    if not _FIELD_RE.match(name):
        raise _error(_("invalid field name %(field)r") % {"field": name})


def _run(text: str, operator: str, limits: Limits, fix_nested_negatives: bool) -> Node:
    parser = _Parser(tokenize(text), operator, limits,
                     fix_nested_negatives=fix_nested_negatives)
    node = parser.query(None)
    if parser.peek() is not None:
        tok = parser.peek()
        raise _error(_("unbalanced parenthesis: unexpected %(text)r at position %(position)d")
                     % {"text": tok.text, "position": tok.pos})
    return node


def _top(node: Node, mm: Optional[str] = None) -> Node:
    """Solr makes a pure negative top-level query match everything but its clauses."""
    if isinstance(node, Boolean):
        return Boolean(node.clauses, mm if mm is not None else node.mm, True)
    return node


def parse(text: Optional[str], operator: str = OR,
          limits: Limits = DEFAULT_LIMITS) -> Node:
    """The standard parser on one ``q``/``fq`` string; empty matches everything."""
    if text is None:
        return MatchAll()
    check_text(text, limits)
    operator = _operator(operator)
    return _top(_run(text, operator, limits, fix_nested_negatives=False))


def _operator(value: Optional[str]) -> str:
    value = (value or OR).strip().upper() if isinstance(value, str) else OR
    if value not in (AND, OR):
        raise _error(_("'q.op' must be AND or OR, got %(value)r") % {"value": value})
    return value


def dismax_text(text: str) -> str:
    """What Solr's dismax hands its inner parser (quotes, escapes, stray operators)."""
    if text.count('"') % 2:
        text = text.replace('"', "")
    text = "".join("\\" + c if c in _DISMAX_ESCAPED else c for c in text)
    text = _CONSECUTIVE_OPS.sub(" ", text)
    return _DANGLING_OPS.sub("", text)


def _with_mm(node: Node, mm: str) -> Node:
    parse_mm(mm, 1)  # refuse a bad spec whatever the query
    if isinstance(node, Boolean):
        return _top(node, mm)
    return node


def parse_dismax(text: str, mm: Optional[str] = None,
                 limits: Limits = DEFAULT_LIMITS) -> Node:
    """Solr's dismax on a ``q`` (see the module docstring); ``mm`` defaults to 100%."""
    check_text(text, limits)
    node = _run(dismax_text(text), OR, limits, fix_nested_negatives=False)
    return _with_mm(node, "100%" if mm is None else mm)


def parse_edismax(text: str, mm: Optional[str] = None, operator: str = OR,
                  limits: Limits = DEFAULT_LIMITS) -> Node:
    """Solr's edismax on a ``q``: standard syntax, ``mm`` (default: 100% when ``q.op``
    is AND, else 0%) on the top-level optional clauses; a query that does not parse is
    read again with its syntax escaped, as edismax does."""
    check_text(text, limits)
    if mm is None:
        mm = "100%" if _operator(operator) == AND else "0%"
    try:
        node = _run(text, OR, limits, fix_nested_negatives=True)
    except LimitError:
        raise
    except SearchQueryError:
        node = _run(dismax_text(text), OR, limits, fix_nested_negatives=True)
    return _with_mm(node, mm)


def parse_mm(spec: Optional[str], optional: int) -> int:
    """How many of ``optional`` SHOULD clauses must match (Solr's ``mm`` syntax)."""
    if spec is None or str(spec).strip() == "":
        return optional
    spec = str(spec).strip()
    if len(spec) > 100:
        raise _error(_("'mm' value too long"))
    if optional <= 0:
        return 0
    if "<" not in spec:
        return _mm_value(spec, optional)
    result = optional
    for part in spec.split():
        m = re.match(r"^(\d{1,9})<(.+)$", part)
        if not m:
            raise _error(_("unsupported 'mm' value %(value)r") % {"value": spec})
        if optional > int(m.group(1)):
            result = _mm_value(m.group(2), optional)
    return result


def _mm_value(value: str, optional: int) -> int:
    m = re.match(r"^(-?)(\d{1,9})(%?)$", value.strip())
    if not m:
        raise _error(_("unsupported 'mm' value %(value)r") % {"value": value})
    negative, number, percent = m.group(1) == "-", int(m.group(2)), m.group(3) == "%"
    amount = optional * number // 100 if percent else number
    result = optional - amount if negative else amount
    return max(0, min(optional, result))
