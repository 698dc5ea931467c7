"""The ``notify:`` section of site_config.yml: a list of channels, checked with file:line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator import schema as s
from generator.model import NotifyChannel
from generator.yamlsrc import Y

HTTP_TYPES = ("slack", "teams", "discord", "webhook")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Keys that belong to one kind of channel only.
_ONLY_FOR = {"secret_env": ("webhook",), "smtp_url_env": ("email",), "from": ("email",), "to": ("email",),
             "url_env": HTTP_TYPES}


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _key_line(item: Y, key: str) -> int:
    return item.key_lines.get(key, item.line)


def default_name(channel_type: str, variable: str) -> str:
    return f"{channel_type}-{variable.lower().replace('_', '-').strip('-')}"


def load_channels(c: s.Collector, node: Y | None, service_ids: Iterable[str]) -> tuple[NotifyChannel, ...]:
    """Every well-formed channel of ``notify:``; the rest become problems in ``c``."""
    if node is None or node.kind == "null":
        return ()
    if node.kind != "seq":
        c.add(node.line, "E016", "notify must be a list of channels",
              "write '- {type: slack, url_env: SLACK_WEBHOOK_URL}' under notify:")
        return ()
    known = tuple(service_ids)
    channels: list[NotifyChannel] = []
    names: dict[str, int] = {}
    for pos, item in enumerate(node.value, 1):
        where = f"notify[{pos}]."
        if item.kind != "map":
            c.add(item.line, "E016", f"notify[{pos}] must be a mapping", "write '- {type: ..., url_env: ...}'")
            continue
        before = len(c.problems)
        v = s.convert(c, s.NOTIFY_CHANNEL, item, where)
        kind = v.get("type")
        if kind is None:
            continue
        for key, types in _ONLY_FOR.items():
            if key in item.value and kind not in types:
                c.add(_key_line(item, key), "E016", f"{where}{key} does not apply to {_a(kind)} channel",
                      f"remove it ({key} is for {' and '.join(types)})")
        required = ("url_env",) if kind in HTTP_TYPES else ("smtp_url_env", "from", "to")
        for key in required:
            if key not in item.value:
                f = s.NOTIFY_CHANNEL.field(key)
                c.add(item.line, "E010", f"{where}missing required field '{key}' for {_a(kind)} channel",
                      f"add '{key}:' ({f.doc if f else ''})")
        services = v.get("services")
        if services is not None:
            for sid in services:
                if sid not in known:
                    c.add(_key_line(item, "services"), "E040", f"{where}services: unknown service '{sid}'",
                          s.did_you_mean(sid, known) if known else "declare it under services:")
        name = v.get("name")
        if name is not None and not _SLUG.match(name):
            c.add(_key_line(item, "name"), "E016", f"{where}name '{name}' must be lowercase letters, digits and -",
                  "write e.g. ops-slack")
        if len(c.problems) > before:
            continue
        variable = v.get("url_env") or v.get("smtp_url_env") or ""
        name = name or default_name(kind, variable)
        if name in names:
            c.add(item.line, "E042", f"{where}channel name '{name}' is also notify[{names[name]}]'s",
                  "give one of them a distinct name: (the ledger keys deliveries by it)")
            continue
        names[name] = pos
        extra = {"timeout": v["timeout"]} if "timeout" in v else {}
        channels.append(NotifyChannel(
            type=kind, name=name, url_env=v.get("url_env"), secret_env=v.get("secret_env"),
            smtp_url_env=v.get("smtp_url_env"), sender=v.get("from"), to=tuple(v.get("to", ())),
            services=tuple(services) if services is not None else None, line=item.line, **extra))
    return tuple(channels)
