"""Rules that look across files: services, categories, ids, post-mortem references."""

from __future__ import annotations

from pathlib import PurePosixPath

from generator.model import Model, Problem
from generator.schema import did_you_mean


def crossfile_rules(model: Model, config_usable: bool) -> list[Problem]:
    out: list[Problem] = []
    config = model.config
    service_ids = config.service_ids
    if config_usable:
        for inc in (*model.incidents, *model.drills):
            for sid in inc.services:
                if sid not in service_ids:
                    out.append(Problem(inc.path, inc.lines.get(f"services.{sid}", inc.lines.get("services", 1)), "E040",
                                       f"unknown service '{sid}'", did_you_mean(sid, service_ids)))
            for i, u in enumerate(inc.updates):
                for sid in u.services:
                    if sid not in service_ids:
                        out.append(Problem(inc.path, u.line, "E040", f"update {i + 1}: unknown service '{sid}'",
                                           did_you_mean(sid, service_ids)))
            if inc.category is not None and inc.category not in config.categories:
                out.append(Problem(inc.path, inc.lines.get("category", 1), "E041",
                                   f"unknown category '{inc.category}'", did_you_mean(inc.category, config.categories)))
        for mw in model.maintenance:
            for sid in mw.services:
                if sid not in service_ids:
                    out.append(Problem(mw.path, mw.lines.get(f"services.{sid}", mw.lines.get("services", 1)), "E040",
                                       f"unknown service '{sid}'", did_you_mean(sid, service_ids)))

    # Ids are file names; two files of a kind with one name (in sub-folders) would clash on the site.
    # Drills share content/incidents/ and its URLs with the real incidents: one id space.
    for kind, items in (("incident", (*model.incidents, *model.drills)), ("maintenance", model.maintenance),
                        ("post-mortem", model.postmortems)):
        seen: dict[str, str] = {}
        for item in items:
            if item.id in seen:
                out.append(Problem(item.path, 1, "E042", f"{kind} id '{item.id}' is also used by {seen[item.id]}",
                                   "rename one of the files"))
            else:
                seen[item.id] = item.path

    known = {inc.id for inc in model.incidents} | set(model.drill_ids)
    known |= {PurePosixPath(p).stem for p in model.unparsed if p.startswith("content/incidents/")}
    for pm in model.postmortems:
        for ref in pm.incidents:
            if ref not in known:
                out.append(Problem(pm.path, pm.lines.get("incidents", 1), "E043",
                                   f"incidents: '{ref}' is not an incident in content/incidents/",
                                   did_you_mean(ref, sorted(known)) if known else "check the incident's file name"))
    return out
