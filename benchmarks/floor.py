"""The Python floor: read the same content files and write one HTML page each with Jinja2.

No validation, no computations, no navigation, feeds or search: only what any static
generator in Python must do per file (read, parse the YAML front-matter with libyaml,
render the Markdown body, render a template, write). ``benchmarks/build.py`` times it so
that statuspress's build can be compared with what Python can do at all.

Usage: python benchmarks/floor.py ROOT OUT
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jinja2
import markdown
import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{{ title }}</h1>
<dl>{% for key, value in facts %}<dt>{{ key }}</dt><dd>{{ value }}</dd>{% endfor %}</dl>
{{ body }}
{% if updates %}<ol>{% for u in updates %}<li><strong>{{ u.status }}</strong> <time>{{ u.at }}</time>
<p>{{ u.message }}</p></li>{% endfor %}</ol>{% endif %}
</main></body></html>
"""


def split(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


def main() -> None:
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    start = time.perf_counter()
    env = jinja2.Environment(autoescape=True)
    template = env.from_string(TEMPLATE)
    md = markdown.Markdown(extensions=["tables"])
    count = 0
    for kind in ("incidents", "maintenance", "postmortems"):
        for path in sorted((root / "content" / kind).glob("*.md")):
            front, body = split(path.read_text(encoding="utf-8"))
            data = yaml.load(front, Loader=Loader) or {}
            facts = [(k, v) for k, v in data.items() if isinstance(v, (str, int, float)) and k != "title"]
            html = template.render(
                title=str(data.get("title", path.stem)),
                facts=facts,
                updates=data.get("updates") or [],
                body=jinja2.utils.markupsafe.Markup(md.reset().convert(body)),
            )
            target = out / kind / path.stem / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
            count += 1
    print(f"{count} pages in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
