"""The Jinja2 environment for page and feed-entry HTML, with the repository's overrides.

Templates live in ``generator/site/templates/`` (one per page kind, partials
for shared parts). A file in the repository's ``theme/statuspress/`` with the
same relative path replaces the bundled one everywhere (pages and feeds);
the bundled originals stay reachable as ``statuspress/<name>``, so an
override can ``{% extends "statuspress/home.html" %}`` and change one block,
or ``{% import "statuspress/partials/incident_card.html" as original %}`` and
wrap a partial's macro.

Autoescape is on and undefined names are errors: every value a template
prints is escaped unless it is :class:`markupsafe.Markup`, and the only
Markup is sanitised Markdown (:mod:`generator.site.markdown`).

Environments are compiled once per process and kept while neither the
repository nor its override files change (their names, sizes and
modification times are compared once per build, not per page).
"""

from __future__ import annotations

import os
import re
import threading
import traceback
from collections.abc import Callable
from html import unescape
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    nodes,
)
from jinja2.visitor import NodeTransformer

from generator import i18n
from generator.site.contract import Heading

BUNDLED_DIR = Path(__file__).resolve().parent / "templates"
OVERRIDE_DIR = Path("theme") / "statuspress"  # in the repository
BUNDLED_PREFIX = "statuspress"  # "statuspress/home.html" is always the bundled home.html


class TemplateProblem(Exception):
    """A template could not be compiled or rendered: ``path`` (repository-relative for overrides), ``line``, ``message``."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(path, line, message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def bundled_templates() -> frozenset[str]:
    """Names of the bundled templates (``home.html``, ``partials/update.html``...): what an override may replace."""
    return _bundled_names()


_BUNDLED: frozenset[str] | None = None


def _bundled_names() -> frozenset[str]:
    global _BUNDLED
    if _BUNDLED is None:
        names = []
        for folder, _dirs, files in os.walk(BUNDLED_DIR):
            for name in files:
                if name.endswith(".html"):
                    names.append(Path(folder, name).relative_to(BUNDLED_DIR).as_posix())
        _BUNDLED = frozenset(names)
    return _BUNDLED


class _RepositoryLoader(FileSystemLoader):
    """``theme/statuspress/`` of one repository; a file that resolves outside the repository is never read."""

    def __init__(self, folder: Path, root: Path) -> None:
        super().__init__(str(folder), followlinks=False)
        self._root = root

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self._root):
            raise TemplateNotFound(template)
        return source, filename, uptodate


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the override files: a change makes a new environment."""
    out = []
    for here, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(here, name)
            try:
                st = path.stat()
            except OSError:
                continue
            out.append((path.relative_to(folder).as_posix(), st.st_mtime_ns, st.st_size))
    return tuple(out)


class _LiteralTranslations(NodeTransformer):
    """``_("literal")`` and ``_("literal", name=value)`` translated when the template compiles.

    Each environment serves one language, so a literal message has one translation; looking it
    up on every render (tens of thousands of calls in a long history) is work for nothing. The
    result is what jinja2's newstyle ``gettext`` returns: the translation marked safe when
    autoescape is on (catalogs are trusted as gettext trusts them), ``%`` the variables, which
    are still escaped at render time.
    """

    def __init__(self, translations: object) -> None:
        self.gettext: Callable[[str], str] = translations.gettext  # type: ignore[attr-defined]

    def visit_Call(self, node: nodes.Call) -> nodes.Node:  # noqa: N802 (the visitor's naming)
        self.generic_visit(node)
        callee = node.node
        if not (isinstance(callee, nodes.Name) and callee.name in ("_", "gettext") and len(node.args) == 1
                and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
                and node.dyn_args is None and node.dyn_kwargs is None):
            return node
        translated = self.gettext(node.args[0].value)
        if not node.kwargs:
            try:
                value = translated % {}  # "%%" -> "%", as newstyle gettext does at render time
            except (TypeError, ValueError, KeyError):
                return node  # let the render report it, as it would have
            return nodes.MarkSafeIfAutoescape(nodes.Const(value, lineno=node.lineno), lineno=node.lineno)
        pairs = [nodes.Pair(nodes.Const(kw.key, lineno=kw.lineno), kw.value, lineno=kw.lineno) for kw in node.kwargs]
        return nodes.Mod(
            nodes.MarkSafeIfAutoescape(nodes.Const(translated, lineno=node.lineno), lineno=node.lineno),
            nodes.Dict(pairs, lineno=node.lineno),
            lineno=node.lineno,
        )


class _TranslatingEnvironment(Environment):
    """An environment for one language whose templates carry their literal messages translated."""

    literal_translations: _LiteralTranslations | None = None

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if self.literal_translations is None:
            return tree
        return self.literal_translations.visit(tree)  # type: ignore[no-any-return]


class Templates:
    """One compiled environment: bundled templates, and a repository's overrides when it has any."""

    def __init__(self, root: Path | None, overrides: tuple[str, ...], lang: i18n.Language | None = None) -> None:
        self.root = root
        self.language = lang or i18n.active()
        self.overrides = overrides  # relative names found in theme/statuspress/
        bundled = FileSystemLoader(str(BUNDLED_DIR))
        loaders: list[BaseLoader] = [PrefixLoader({BUNDLED_PREFIX: bundled})]
        if root is not None and overrides:
            loaders.append(_RepositoryLoader(root / OVERRIDE_DIR, root))
        loaders.append(bundled)
        self.env = _TranslatingEnvironment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            auto_reload=False,  # a change of override files makes a new environment instead
            trim_blocks=True,
            lstrip_blocks=True,
            cache_size=-1,
            extensions=["jinja2.ext.i18n"],
        )
        # One environment per language: the memoised macros below keep finished, worded HTML.
        self.env.install_gettext_translations(self.language.translations, newstyle=True)  # type: ignore[attr-defined]
        self.env.literal_translations = _LiteralTranslations(self.language.translations)
        self.env.globals["lang"] = self.language.tag
        # The separators of "A, B and C" in this environment's language (the ``list_join`` macro).
        self.env.globals["list_separators"] = lambda count, english=", ": i18n.list_separators(count, english,
                                                                                              self.language)
        self.env.globals["direction"] = self.language.direction
        self._lock = threading.Lock()
        self._compiled: dict[str, Template] = {}
        self._modules: dict[str, object] = {}
        # Every partial's macros are globals: templates call ``incident_card(card)`` without an
        # import (an import statement costs a lookup on every render), and the name resolves to
        # the repository's override of the partial when it has one.
        self._kept: list[_PartialMacro] = []
        for macro, partial in _partial_macros().items():
            memo = macro in _PURE and partial not in overrides
            made = self.env.globals[macro] = _PartialMacro(self, partial, macro, memo)
            if macro in _KEPT_BETWEEN_BUILDS and partial not in overrides:
                self._kept.append(made)

    def keep_between_builds(self) -> None:
        """Remember history lines too (``statuspress serve``): the next build lists the same incidents again."""
        for macro in self._kept:
            if macro._memo is None:
                macro._memo = {}

    def get(self, name: str) -> Template:
        template = self._compiled.get(name)
        if template is None:
            with self._lock:
                try:
                    template = self.env.get_template(name)
                except TemplateError as exc:
                    raise self.problem(exc) from None
                self._compiled[name] = template
        return template

    def module(self, name: str) -> object:
        """The macros of template ``name``, made once."""
        made = self._modules.get(name)
        if made is None:
            made = self._modules[name] = self.get(name).module
        return made

    def render(self, name: str, **values: object) -> str:
        """Render template ``name`` with ``values``; a broken override becomes :class:`TemplateProblem`."""
        template = self.get(name)
        try:
            return template.render(values)
        except TemplateProblem:
            raise
        except Exception as exc:
            if not self.overrides:
                raise  # the bundled templates are tested: this is a bug, keep its traceback
            raise self.problem(exc) from None

    def problem(self, exc: BaseException) -> TemplateProblem:
        """Where in which template ``exc`` happened, as a :class:`TemplateProblem`."""
        filename, line = None, None
        if isinstance(exc, TemplateSyntaxError):
            filename, line = exc.filename, exc.lineno
        if filename is None:
            # Jinja rewrites tracebacks so template frames carry the template's file and line.
            for frame, lineno in traceback.walk_tb(exc.__traceback__):
                name = frame.f_code.co_filename
                if name.endswith(".html") and os.path.isfile(name):
                    filename, line = name, lineno
        message = str(exc) if not isinstance(exc, TemplateNotFound) else f"template not found: {exc}"
        if isinstance(exc, TemplateSyntaxError):
            message = exc.message or str(exc)
        return TemplateProblem(self._show(filename), line, f"{type(exc).__name__}: {message}")

    def show(self, name: str) -> str:
        """Where template ``name`` comes from, for messages."""
        if name in self.overrides:
            return (OVERRIDE_DIR / name).as_posix()
        return f"{BUNDLED_PREFIX}/{name} (bundled)"

    def _show(self, filename: str | None) -> str:
        if filename is None:
            return str(OVERRIDE_DIR) if self.overrides else str(BUNDLED_DIR)
        path = Path(filename).resolve()
        if self.root is not None and path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        if path.is_relative_to(BUNDLED_DIR):
            return f"{BUNDLED_PREFIX}/{path.relative_to(BUNDLED_DIR).as_posix()} (bundled)"
        return str(path)


# Small bundled macros whose HTML depends on nothing but their (frozen, hashable) arguments: a
# status pill or a service link repeats thousands of times on a large site, and is made once.
_PURE = frozenset({"icon", "status", "label", "labels", "link", "affected", "heading", "legend", "title", "time",
                   "span"})
# Remembered only by a long-running process: a one-off build shows each line once or twice.
_KEPT_BETWEEN_BUILDS = frozenset({"list_item"})
_MEMO_LIMIT = 100_000


class _PartialMacro:
    """A partial's macro as a global: found in the partial's (possibly overridden) template on first call."""

    __slots__ = ("_macro", "_memo", "_partial", "_templates", "_target")

    def __init__(self, templates: Templates, partial: str, macro: str, memo: bool) -> None:
        self._templates = templates
        self._partial = partial
        self._macro = macro
        self._target: Callable[..., object] | None = None
        self._memo: dict[object, object] | None = {} if memo else None

    def __call__(self, *args: object, **kwargs: object) -> object:
        memo = self._memo
        if memo is not None and not kwargs:
            try:
                return memo[args]
            except KeyError:
                made = memo[args] = self._call(args, kwargs)
                if len(memo) > _MEMO_LIMIT:
                    memo.clear()
                return made
            except TypeError:  # an unhashable argument: made each time
                pass
        return self._call(args, kwargs)

    def _call(self, args: tuple[object, ...], kwargs: dict[str, object]) -> object:
        target = self._target
        if target is None:
            module = self._templates.module(self._partial)
            target = getattr(module, self._macro, None)
            if target is None:
                raise TemplateProblem(self._templates.show(self._partial), None,
                                      f"defines no macro {self._macro!r} (the bundled {self._partial} does)")
            self._target = target
        return target(*args, **kwargs)


_MACROS: dict[str, str] | None = None


def _partial_macros() -> dict[str, str]:
    """Macro name -> the bundled partial that defines it (``link`` -> ``partials/link.html``)."""
    global _MACROS
    if _MACROS is None:
        found: dict[str, str] = {}
        parser = Environment(extensions=["jinja2.ext.i18n"])
        for name in sorted(bundled_templates()):
            if name.startswith("partials/"):
                tree = parser.parse((BUNDLED_DIR / name).read_text(encoding="utf-8"))
                for node in tree.find_all(nodes.Macro):
                    found.setdefault(node.name, name)
        _MACROS = found
    return _MACROS


_CACHE: dict[tuple[Path | None, str, int], tuple[tuple[tuple[str, int, int], ...], Templates]] = {}
_CACHE_LOCK = threading.Lock()


def templates_for(root: Path | None) -> Templates:
    """The environment for the repository at ``root`` (``None``: bundled templates only) in the active
    language, compiled once."""
    resolved = Path(root).resolve() if root is not None else None
    folder = resolved / OVERRIDE_DIR if resolved is not None else None
    fingerprint = _fingerprint(folder) if folder is not None and folder.is_dir() else ()
    lang = i18n.active()
    key = (resolved, lang.tag, id(lang))  # the Language is kept by the value: its id is not reused
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == fingerprint:
            return hit[1]
        made = Templates(resolved, tuple(name for name, _, _ in fingerprint if name.endswith(".html")), lang)
        _CACHE[key] = (fingerprint, made)
        return made


def unknown_overrides(root: Path) -> list[str]:
    """Files in ``theme/statuspress/`` that replace no bundled template (repository-relative paths)."""
    folder = Path(root) / OVERRIDE_DIR
    if not folder.is_dir():
        return []
    known = bundled_templates()
    return [(OVERRIDE_DIR / name).as_posix() for name, _, _ in _fingerprint(folder) if name not in known]


# Our own section headings carry an id; sanitised Markdown never does (nh3 drops ids).
_HEADING = re.compile(r'<h([2-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]*>")


def headings_of(html: str) -> tuple[Heading, ...]:
    """The table of contents of finished content HTML: every ``<h2..h6 id=...>``, in order."""
    return tuple(
        Heading(int(level), unescape(anchor), " ".join(unescape(_TAG.sub("", inner)).split()))
        for level, anchor, inner in _HEADING.findall(html)
    )
