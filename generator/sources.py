"""The one reader of user files: YAML documents and Markdown front matter, with positions.

Everything a user writes (front matter, intake scripts, campaigns, ``mkdocs.yml``) is read
here, so an error or a lint finding points at the same ``path:line:col`` whichever command
found it. YAML is read with YAML 1.2 scalars (``no`` stays a string, ``07:30`` stays a
string, not the sexagesimal number 450), duplicate keys are errors, and every key and value
keeps its line and column. Pydantic validation errors are mapped back to those positions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from generator.errors import SourceError, SourceErrors

_INVISIBLE_BREAKS = str.maketrans({"\x85": " ", "\u2028": " ", "\u2029": " "})

MAX_SOURCE_BYTES = 2_000_000
"""Source files above this size are refused: nobody writes a 2 MB page or intake script."""

Loc = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)


# --- YAML 1.2 core schema scalars -----------------------------------------------------------


class _Resolver(yaml.resolver.BaseResolver):
    """Resolve plain scalars like YAML 1.2's core schema, plus ISO dates."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """``BaseResolver.resolve`` without its path resolvers (none are added here), in
        fewer steps: libyaml's composer calls it for every node."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                resolvers: list[tuple[str, re.Pattern[str]]] = self.yaml_implicit_resolvers.get(value[:1], [])
                for tag, regexp in resolvers:
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
    ),
    list("0123456789"),
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])

try:  # libyaml's parser when available (it is in PyYAML's wheels), else the pure one.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


class _Loader(_Parser, yaml.constructor.SafeConstructor, _Resolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """YAML 1.2 integers: ``012`` is twelve, ``0o12`` octal, ``0x1F`` hexadecimal."""
        text = str(self.construct_scalar(node))
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)  # type: ignore[type-var]


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_FLATTENED = frozenset({_MERGE, "tag:yaml.org,2002:value"})
"""Key tags that ``SafeConstructor.flatten_mapping`` acts on (``<<`` and ``=`` keys)."""
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge")
}


# --- Located documents -------------------------------------------------------------------------


@dataclass
class Located:
    """A YAML document as plain Python data, with the position of every key and value."""

    path: str
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``loc`` (of its key when ``key``), or of its nearest ancestor."""
        table = self.keys if key else self.values
        while loc:
            if loc in table:
                return table[loc]
            if loc in self.keys:
                return self.keys[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))

    def error(self, loc: Loc, message: str, *, key: bool = False) -> SourceError:
        """A ``SourceError`` at ``loc``, naming the field by its dotted path."""
        line, col = self.position(loc, key=key)
        return SourceError(self.path, message, line=line, col=col, field=dotted(loc))

    def get(self, loc: Loc) -> Any:
        """The value at ``loc`` (``None`` when absent)."""
        value = self.data
        for part in loc:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value


def dotted(loc: Loc) -> str:
    """``('pathways', 'consult', 'bring', 0)`` → ``pathways.consult.bring[0]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_text(path: Path, display: str | None = None) -> str:
    """Read a user file as UTF-8 text; BOM and CRLF are accepted, anything else is an error."""
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(shown, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(shown, f"file is {len(raw):,} bytes; the limit is {MAX_SOURCE_BYTES:,}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:8000]:
        raise SourceError(shown, "this is a binary file, expected UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        raise SourceError(
            shown,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            line=line,
            col=col,
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # YAML parsers count U+0085, U+2028 and U+2029 as line breaks; nothing else here does.
    # They are invisible: read them as spaces, so every line number agrees.
    return text.translate(_INVISIBLE_BREAKS) if any(c in text for c in "\x85\u2028\u2029") else text


def parse_yaml(text: str, path: str, *, line_offset: int = 0, lenient_tags: bool = False) -> Located:
    """Parse one YAML document into ``Located`` data.

    ``line_offset`` is added to every line (for front matter inside a Markdown file).
    ``lenient_tags`` turns unknown tags (``!ENV``, ``!!python/name``) into plain values
    instead of errors; it is for reading ``mkdocs.yml``, which MkDocs itself interprets.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "syntax error"
        if exc.problem and exc.context and exc.context_mark:
            started = exc.context_mark.line + 1 + line_offset
            problem += f" ({exc.context.removeprefix('while parsing ')} started on line {started})"
        raise SourceError(path, f"invalid YAML: {problem}", line=line, col=col) from None
    except yaml.YAMLError as exc:
        raise SourceError(path, f"invalid YAML: {exc}", line=1 + line_offset) from None
    finally:
        loader.dispose()
    located = Located(path, None)
    if node is None:
        located.values[()] = (1 + line_offset, 1)
        return located
    builder = _Builder(loader, located, line_offset, lenient_tags)
    located.data = builder.build(node, ())
    return located


class _Builder:
    """Turns a composed YAML node tree into Python data, recording positions."""

    def __init__(self, loader: _Loader, located: Located, offset: int, lenient: bool) -> None:
        self.loader = loader
        self.located = located
        self.offset = offset
        self.lenient = lenient
        self.active: set[int] = set()

    def where(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def fail(self, node: yaml.Node, loc: Loc, message: str) -> SourceError:
        line, col = self.where(node)
        return SourceError(self.located.path, message, line=line, col=col, field=dotted(loc))

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.located.values[loc] = self.where(node)
        if node.tag == _STR and type(node) is yaml.ScalarNode:
            return node.value  # most values: what the constructor would return, without it
        if node.tag not in _STANDARD_TAGS:
            if not self.lenient:
                raise self.fail(node, loc, f"unsupported YAML tag {node.tag!r}")
            return (node.value or node.tag) if isinstance(node, yaml.ScalarNode) else None
        if id(node) in self.active:
            raise self.fail(node, loc, "recursive YAML alias (an anchor that contains itself)")
        if isinstance(node, yaml.MappingNode):
            self.active.add(id(node))
            try:
                return self.mapping(node, loc)
            finally:
                self.active.discard(id(node))
        if isinstance(node, yaml.SequenceNode):
            self.active.add(id(node))
            try:
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            finally:
                self.active.discard(id(node))
        try:
            return self.loader.construct_object(node, deep=True)
        except Exception as exc:  # a constructor fails on what its tag cannot hold (!!bool maybe)
            problem = getattr(exc, "problem", None) or str(exc) or type(exc).__name__
            raise self.fail(node, loc, f"invalid value for its tag {node.tag!r}: {problem}") from None

    def mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        merged = 0  # how many pairs, first after flattening, came from merge keys
        if any(key.tag in _FLATTENED for key, _ in node.value):  # most mappings have none
            explicit = sum(1 for key, _ in node.value if key.tag != _MERGE)
            try:
                self.loader.flatten_mapping(node)
            except yaml.YAMLError as exc:
                raise self.fail(node, loc, f"invalid merge key: {exc}") from None
            merged = len(node.value) - explicit
        result: dict[Any, Any] = {}
        given: dict[tuple[type, Any], int] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, loc, "a key must be a plain value, not a list or mapping")
            if key_node.tag == _STR:
                key = key_node.value
            else:
                key = self.loader.construct_object(key_node)
                if not isinstance(key, str | int | bool) and key is not None:
                    key = str(key_node.value)
            identity, inner = (type(key), key), (*loc, key)
            if index >= merged and identity in given and given[identity] >= merged:
                first = self.located.keys[inner]
                raise self.fail(key_node, inner, f"duplicate key {key!r} (first given on line {first[0]})")
            if identity not in given and key in result:
                raise self.fail(
                    key_node, inner, f"keys {key!r} and {key_node.value!r} collide; quote the key"
                )
            given[identity] = index
            self.located.keys[inner] = self.where(key_node)
            result[key] = self.build(value_node, inner)
        return result


# --- Markdown with front matter ---------------------------------------------------------------

_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


@dataclass
class Document:
    """A Markdown file split into its front matter and its body."""

    path: str
    head: str
    """The text before ``body``: the front matter with its ``---`` lines ("" without one).
    ``head + body`` is the file; a site keeps the two apart, never a joined copy."""
    front_matter: Located
    body: str
    body_line: int
    """1-based line of the file on which ``body`` starts."""

    def body_lines(self) -> Iterator[tuple[int, str]]:
        """Each body line with its 1-based line number in the file."""
        for i, line in enumerate(self.body.split("\n")):
            yield self.body_line + i, line


class LazyDocument(Document):
    """A Markdown file read on first use: the document of a page whose validated facts came
    from the page index (``page_index.py``). Its text is read when something asks for it, and
    its front matter is parsed (with positions) only when something asks for that: whatever
    asks gets the file as it is on disk, read as ``read_document`` reads it."""

    def __init__(self, file: str, path: str) -> None:  # the fields come on first use
        self.file = file
        self.path = path

    @property
    def loaded(self) -> bool:
        """Has the file been read?"""
        return "body" in self.__dict__

    def __getattr__(self, name: str) -> Any:
        if name in ("head", "body", "body_line") and not self.loaded:
            head, _, body, body_line = _split(read_nonempty(Path(self.file), self.path), self.path)
            self.__dict__.update(head=head, body=body, body_line=body_line)
            return self.__dict__[name]
        if name == "front_matter":
            self.front_matter = split_front_matter(self.head + self.body, self.path).front_matter
            return self.front_matter
        raise AttributeError(name)


def _split(text: str, path: str) -> tuple[str, str | None, str, int]:
    """``text`` as (head, YAML text of the front matter or ``None``, body, body's first line)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return "", None, text, 1
    for end in range(1, len(lines)):
        if _END.match(lines[end]):
            break
    else:
        raise SourceError(path, "front matter starts with '---' on line 1 but has no closing '---' line")
    body = "\n".join(lines[end + 1 :])
    return text[: len(text) - len(body)], "\n".join(lines[1:end]), body, end + 2


def split_front_matter(text: str, path: str) -> Document:
    """Split ``text`` into YAML front matter (between ``---`` lines) and Markdown body."""
    head, yaml_text, body, body_line = _split(text, path)
    if yaml_text is None:
        return Document(path, "", Located(path, {}, values={(): (1, 1)}), text, 1)
    located = parse_yaml(yaml_text, path, line_offset=1)
    if located.data is None:
        located.data = {}
        located.values[()] = (1, 1)
    elif not isinstance(located.data, dict):
        raise SourceError(path, "front matter must be a mapping of `key: value` lines", line=2)
    return Document(path, head, located, body, body_line)


def read_nonempty(path: Path, display: str) -> str:
    """A Markdown file's text (``read_text``); an empty file is an error."""
    text = read_text(path, display)
    if not text.strip():
        raise SourceError(display, "file is empty; a page needs front matter and text")
    return text


def read_document(path: Path, display: str) -> Document:
    """Read a Markdown file with optional front matter."""
    return split_front_matter(read_nonempty(path, display), display)


def packaged_yaml(text: str) -> Any:
    """Data that ships with carewheel (word lists, rule tables): trusted, needs no positions,
    so libyaml's safe loader reads it (ten times faster than the pure-Python one)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def read_yaml(path: Path, display: str) -> Located:
    """Read a YAML file that must hold a mapping."""
    text = read_text(path, display)
    if not text.strip():
        raise SourceError(display, "file is empty; expected a YAML mapping")
    located = parse_yaml(text, display)
    if not isinstance(located.data, dict):
        raise SourceError(display, "expected a YAML mapping of `key: value` lines")
    return located


# --- Validation -------------------------------------------------------------------------------


def validate(model: type[ModelT], located: Located, *, data: Any = None) -> ModelT:
    """Validate ``located.data`` (or ``data``, a part of it) with ``model``; errors come back
    as positioned ``SourceError``s.

    Raises ``SourceErrors`` holding every error of the document.
    """
    try:
        return model.model_validate(located.data if data is None else data)
    except ValidationError as exc:
        raise SourceErrors([_to_source_error(located, err) for err in exc.errors()]) from None


def _clean_loc(located: Located, loc: Loc) -> Loc:
    """Drop the parts pydantic adds (union tags, ``[key]``) that are not in the document."""
    out: Loc = ()
    for part in loc:
        candidate = (*out, part)
        if candidate in located.values or candidate in located.keys:
            out = candidate
        elif isinstance(part, str) and (part.startswith(("function-", "[")) or part == "[key]"):
            continue
        elif isinstance(located.get(out), dict) and not isinstance(part, int):
            out = candidate  # a missing key: keep its name for the message
        elif isinstance(located.get(out), list) and isinstance(part, int):
            out = candidate
    return out


def _to_source_error(located: Located, err: Any) -> SourceError:
    loc = _clean_loc(located, tuple(err["loc"]))
    kind = err["type"]
    message = _message(err)
    if kind == "extra_forbidden" or "[key]" in err["loc"]:
        return located.error(loc, message, key=True)
    if kind == "missing":
        parent = loc[:-1]
        line, col = located.keys.get(parent) or located.position(parent)
        return SourceError(located.path, message, line=line, col=col, field=dotted(loc))
    return located.error(loc, message)


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required, but missing"
    if kind == "string_pattern_mismatch":
        from generator.schemas import PATTERN_HELP

        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern in PATTERN_HELP:
            return f"{_describe(err.get('input'))} is not valid here: expected {PATTERN_HELP[pattern]}"
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind in {"string_type", "int_type", "bool_type", "date_type", "list_type", "dict_type"}:
        return f"{msg[0].lower()}{msg[1:]} (got {_describe(err.get('input'))})"
    return msg[0].lower() + msg[1:] if msg else kind


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."
