"""The ``theme:`` section of site_config.yml (branding) and the checks on a repository's ``theme/`` folder.

Both are read from the repository, checked with file and line like the rest of
the configuration (:func:`theme_problems`, run by ``validate`` and ``build``),
and turned into what the renderer needs (:func:`site_branding`): the files to
copy into the site and a :class:`generator.site.mkdocs_backend.Branding`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from generator import schema as s
from generator.load import CONFIG_FILE
from generator.model import Problem
from generator.yamlsrc import Y, parse_yaml

THEME_FOLDER = "theme"
# The bundled Material overrides (the renderer's THEME_DIR), named here without importing MkDocs.
BUNDLED_THEME = Path(__file__).resolve().parents[1] / "theme"
# Where copied branding files land in the site.
BRAND_PREFIX = "assets/brand/"
IMAGE_SUFFIXES = (".svg", ".png")
MAX_FILE_BYTES = 2 * 1024 * 1024
MIN_CONTRAST = 4.5

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_CONTACT = re.compile(r"(?:https?://[^\s<>\"'`\\]+|mailto:[^\s<>\"'`\\]+)")
# SVG files are served from the site's own address: nothing in one may run there when it is opened.
_SVG_ACTIVE = re.compile(r"<\s*script|<\s*foreignobject|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
_SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")
_BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|ul|ol|li|blockquote|pre|table|div|hr|dl)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ThemeConfig:
    """``theme:`` as written: repository paths, colours as ``#rrggbb``; empty means not set."""

    logo: str = ""
    favicon: str = ""
    primary_color: str = ""
    accent_color: str = ""
    extra_css: tuple[str, ...] = ()
    announcement: str = ""
    support_url: str = ""
    auto_refresh_seconds: int = 0  # 0: off


# Polling a static file more often than this buys nothing; less often than an hour is no refresh.
AUTO_REFRESH_RANGE = (5, 3600)


# ---------------------------------------------------------------- colours


def normalise_color(text: str) -> str | None:
    """``#abc`` or ``#AABBCC`` -> ``#aabbcc``; None if it is not a hex colour."""
    if not _HEX.fullmatch(text):
        return None
    digits = text[1:].lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def darker_passing(color: str, background: str = "#ffffff") -> str:
    """The lightest shade of ``color`` (scaled towards black) that reaches 4.5:1 against ``background``."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    for step in range(100, -1, -1):
        f = step / 100
        shade = f"#{round(r * f):02x}{round(g * f):02x}{round(b * f):02x}"
        if contrast(shade, background) >= MIN_CONTRAST:
            return shade
    return "#000000"


# ---------------------------------------------------------------- reading theme:


def _markdown_inline(text: str) -> str | None:
    """One line of Markdown -> sanitised inline HTML, or None if it makes anything but one paragraph."""
    try:
        from generator.site.markdown import render_markdown
    except ImportError:  # the page code's own renderer, until the shared one exists
        from generator.site.pages import render_markdown
    out = str(render_markdown(text)).strip()
    if not (out.startswith("<p>") and out.endswith("</p>")):
        return None
    inner = out[3:-4]
    if _BLOCK_TAG.search(inner):
        return None
    return inner


def _repo_file(root: Path, rel: str, line: int, key: str, suffixes: tuple[str, ...],
               problems: list[Problem]) -> str | None:
    """``rel`` if it names a usable file inside the repository, else None with an E081."""
    def refuse(message: str, hint: str) -> None:
        problems.append(Problem(CONFIG_FILE, line, "E081", f"theme.{key}: {message}", hint))

    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or re.match(r"^[A-Za-z]:", rel):
        refuse(f"'{rel}' is not a path inside the repository", "write a path relative to the repository, e.g. "
               f"branding/{'site.css' if suffixes == ('.css',) else 'logo.svg'}")
        return None
    if not _SAFE_PATH.fullmatch(pure.as_posix()):
        refuse(f"'{rel}' has characters other than letters, digits, '.', '_', '-' and '/'",
               "rename the file: its name becomes part of the site's URLs")
        return None
    if pure.parts[0] in (".git", "content", "site"):
        refuse(f"'{rel}' is inside {pure.parts[0]}/", "keep branding files in a folder of their own, e.g. branding/")
        return None
    if pure.suffix.lower() not in suffixes:
        refuse(f"'{rel}' is not {' or '.join(x[1:].upper() for x in suffixes)}",
               f"use a file ending in {' or '.join(suffixes)}")
        return None
    root = root.resolve()
    path = root / pure
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        refuse(f"'{rel}' does not exist", "check the path (relative to the repository) and that the file is committed")
        return None
    if root not in target.parents:
        refuse(f"'{rel}' leads outside the repository", "copy the file into the repository")
        return None
    if not target.is_file():
        refuse(f"'{rel}' is not a file", "name a file, not a folder")
        return None
    data = target.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        refuse(f"'{rel}' is {len(data)} bytes, more than {MAX_FILE_BYTES}", "use a smaller file")
        return None
    kind = pure.suffix.lower()
    if kind == ".png" and not data.startswith(b"\x89PNG\r\n\x1a\n"):
        refuse(f"'{rel}' is not a PNG image", "export it as PNG, or use SVG")
        return None
    if kind in (".svg", ".css"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            refuse(f"'{rel}' is not UTF-8 text", "save it as UTF-8")
            return None
        if kind == ".svg" and ("<svg" not in text or _SVG_ACTIVE.search(text)):
            refuse(f"'{rel}' is not a plain SVG image" if "<svg" not in text else
                   f"'{rel}' contains a script, event handler or foreignObject",
                   "use an SVG without scripts (it is served from the status site's own address)")
            return None
    return pure.as_posix()


def _theme_node(root: Path) -> Y | None:
    try:
        text = (root / CONFIG_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # load_config reports it
    doc, _issues = parse_yaml(text)
    if doc is None or doc.kind != "map":
        return None
    return doc.value.get("theme")


def load_theme_config(root: Path) -> tuple[ThemeConfig, list[Problem]]:
    """Read and check ``theme:``; every problem with its line. Values that fail are left unset."""
    node = _theme_node(Path(root))
    if node is None or node.kind == "null":
        return ThemeConfig(), []
    c = s.Collector(CONFIG_FILE)
    if node.kind != "map":
        c.add(node.line, "E016", "theme must be a mapping", "write 'theme:' followed by indented 'key: value' lines")
        return ThemeConfig(), c.problems
    values = s.convert(c, s.THEME, node, "theme.")
    problems = c.problems
    line = {key: node.key_lines.get(key, value.line) for key, value in node.value.items()}
    out: dict[str, object] = {}
    for key in ("primary_color", "accent_color"):
        value = node.value.get(key)
        if value is not None and value.kind == "null":
            problems.append(Problem(CONFIG_FILE, line[key], "E082", f"theme.{key} is empty",
                                    f"in YAML '#' starts a comment: quote the colour, {key}: \"#0b5394\""))
            continue
        if key not in values:
            continue
        color = normalise_color(values[key].strip())
        if color is None:
            problems.append(Problem(CONFIG_FILE, line[key], "E082", f"theme.{key} '{values[key]}' is not a colour",
                                    f"write #rrggbb or #rgb in quotes, {key}: \"#0b5394\""))
            continue
        ratio = contrast(color, "#ffffff")
        if ratio < MIN_CONTRAST:
            problems.append(Problem(
                CONFIG_FILE, line[key], "E083",
                f"theme.{key} {color}: white text on it has contrast {ratio:.2f}:1, below {MIN_CONTRAST}:1",
                f"use a darker shade, e.g. \"{darker_passing(color)}\" (the header's text and icons are white)"))
            continue
        out[key] = color
    for key in ("logo", "favicon"):
        if key in values:
            rel = _repo_file(root, values[key].strip(), line[key], key, IMAGE_SUFFIXES, problems)
            if rel is not None:
                out[key] = rel
    if "extra_css" in values:
        kept = []
        items = node.value["extra_css"].value if node.value["extra_css"].kind == "seq" else []
        for item, text in zip(items, values["extra_css"], strict=False):
            rel = _repo_file(root, text.strip(), item.line, "extra_css", (".css",), problems)
            if rel is not None and rel not in kept:
                kept.append(rel)
        out["extra_css"] = tuple(kept)
    if "announcement" in values:
        text = values["announcement"].strip()
        inner = _markdown_inline(text) if "\n" not in text else None
        if inner is None:
            problems.append(Problem(CONFIG_FILE, line["announcement"], "E084",
                                    "theme.announcement must be one line of inline Markdown",
                                    "write one line with links, **bold**, *emphasis* or `code`; no headings, "
                                    "lists, quotes or HTML blocks"))
        else:
            out["announcement"] = text
    if "support_url" in values:
        url = values["support_url"].strip()
        if _CONTACT.fullmatch(url):
            out["support_url"] = url
        else:
            problems.append(Problem(CONFIG_FILE, line["support_url"], "E085",
                                    f"theme.support_url '{url}' is not an https://, http:// or mailto: address",
                                    "write e.g. https://example.com/support or mailto:support@example.com"))
    if values.get("auto_refresh") is not None:
        seconds = int(values["auto_refresh"].total_seconds())
        low, high = AUTO_REFRESH_RANGE
        if low <= seconds <= high:
            out["auto_refresh_seconds"] = seconds
        else:
            problems.append(Problem(CONFIG_FILE, line["auto_refresh"], "E087",
                                    f"theme.auto_refresh {seconds} s is outside {low} s to {high // 60} min",
                                    "write e.g. auto_refresh: 1m, or leave it out to keep pages still"))
    return ThemeConfig(**out), problems  # type: ignore[arg-type]


# ---------------------------------------------------------------- theme/ files that override nothing


@lru_cache(maxsize=1)
def _material_names() -> frozenset[str]:
    try:
        import material
    except ImportError:
        return frozenset()
    base = Path(material.__file__).resolve().parent / "templates"
    return frozenset(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())


def _bundled_names(bundled: Path) -> frozenset[str]:
    return frozenset(p.relative_to(bundled).as_posix() for p in bundled.rglob("*") if p.is_file())


def _page_template_names() -> frozenset[str] | None:
    try:
        from generator.site.templating import bundled_templates
    except ImportError:
        return None
    return frozenset(bundled_templates())


def theme_file_problems(root: Path, bundled: Path | None = None) -> list[Problem]:
    """W080 for each template in ``theme/`` that replaces nothing (so nothing would ever use it).

    Templates are Material's (``main.html``, ``partials/*.html``) and, under
    ``theme/statuspress/``, the page templates; any other file is a static asset,
    published at its own path, so a new one is not a mistake.
    """
    bundled = BUNDLED_THEME if bundled is None else bundled
    own = Path(root) / THEME_FOLDER
    if not own.is_dir() or own.resolve() == Path(bundled).resolve():
        return []
    material, ours, pages = _material_names(), _bundled_names(Path(bundled)), _page_template_names()
    problems = []
    for path in sorted(own.rglob("*")):
        if path.is_dir() or (path.is_symlink() and not path.exists()):
            continue
        rel = path.relative_to(own).as_posix()
        parts = rel.split("/")
        if any(part.startswith(".") and part != ".icons" for part in parts) or "__pycache__" in parts:
            continue  # .gitkeep and editor files; .icons/ holds custom icon sets
        if parts[0] == ".icons" or (len(parts) == 1 and parts[0].lower().startswith("readme")):
            continue
        if parts[0] == "statuspress":
            if pages is None or "/".join(parts[1:]) in pages:
                continue
            hint = "page templates here replace the bundled ones of the same name: see theme/README.md"
        elif rel in material or rel in ours or not rel.lower().endswith((".html", ".htm", ".jinja", ".j2")):
            continue  # other files (images, fonts) are published as they are: new ones are fine
        else:
            hint = ("no Material template, partial or asset and no statuspress override has this name; "
                    "check the spelling against theme/README.md (logo and colours: theme: in site_config.yml)")
        problems.append(Problem(f"{THEME_FOLDER}/{rel}", 1, "W080", f"{THEME_FOLDER}/{rel} overrides nothing",
                                hint, level="warning"))
    return problems


def theme_problems(root: Path) -> list[Problem]:
    """Every problem of ``theme:`` in site_config.yml and of the ``theme/`` folder."""
    _config, problems = load_theme_config(root)
    return problems + theme_file_problems(root)


# ---------------------------------------------------------------- into the site


def site_branding(root: Path, config: ThemeConfig) -> tuple[dict[str, bytes], dict[str, object]]:
    """The branding files to copy into the site (site path -> bytes) and the renderer's branding values."""
    root = Path(root).resolve()
    files: dict[str, bytes] = {}
    values: dict[str, object] = {}
    for key in ("logo", "favicon"):
        rel = getattr(config, key)
        if rel:
            site_path = f"{BRAND_PREFIX}{key}{PurePosixPath(rel).suffix.lower()}"
            files[site_path] = (root / rel).read_bytes()
            values[key] = site_path
    css = []
    for rel in config.extra_css:
        site_path = f"{BRAND_PREFIX}css/{rel}"
        files[site_path] = (root / rel).read_bytes()
        css.append(site_path)
    values["extra_css"] = tuple(css)
    values["primary_color"] = config.primary_color
    values["accent_color"] = config.accent_color
    values["announcement_html"] = (_markdown_inline(config.announcement) or "") if config.announcement else ""
    values["support_url"] = config.support_url
    values["auto_refresh_seconds"] = config.auto_refresh_seconds
    return files, values
