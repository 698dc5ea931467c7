"""With ``publish.kpis: public``, the public site is made from public data only.

Internal-only data (the ``novel`` flag, commanders, error messages, internal and
unpublished post-mortems) is changed between two real builds of the example
repository; every file of the public site must stay byte-for-byte the same, the KPI
page and its charts included. The internal build must still see the changes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.site.build import BuildOptions, build_site
from generator.site.visibility import SiteContext
from generator.timeparse import parse_timestamp
from generator.validate import check_repository

ROOT = Path(__file__).resolve().parents[1]
NOW = parse_timestamp("2026-11-26T12:00:00Z")
INTERNAL_PM = "content/postmortems/2026-08-04-api-firewall-rejections.md"
DRAFT_PM = "content/postmortems/2026-11-19-amex-payments-declined.md"


def _repo(dest: Path) -> Path:
    dest.mkdir(parents=True)
    config = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    assert "kpis: internal" in config
    (dest / "site_config.yml").write_text(config.replace("kpis: internal", "kpis: public", 1), encoding="utf-8")
    shutil.copytree(ROOT / "content", dest / "content")
    return dest


def _toggle_internal_data(repo: Path) -> None:
    flipped = 0
    for path in sorted((repo / "content/incidents").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "novel: true" in text:
            text = text.replace("novel: true", "novel: false")
        elif "novel: false" in text:
            text = text.replace("novel: false", "novel: true")
        else:
            text = re.sub(r"^(severity: .*)$", r"\1\nnovel: true", text, count=1, flags=re.M)
        text = re.sub(r"^commander: .*$", "commander: someone-else", text, flags=re.M)
        path.write_text(text, encoding="utf-8")
        flipped += 1
    assert flipped > 10
    internal = repo / INTERNAL_PM
    text = internal.read_text(encoding="utf-8")
    assert "status: published" in text and "visibility: internal" in text
    internal.write_text(text.replace("status: published", "status: draft", 1), encoding="utf-8")
    draft = repo / DRAFT_PM
    text = draft.read_text(encoding="utf-8")
    assert "status: draft" in text
    draft.write_text(text.replace("status: draft", "status: in_review", 1), encoding="utf-8")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(repo: Path, out: Path, internal: bool = False) -> dict[str, bytes]:
    build_site(BuildOptions(root=repo, out=out, now=NOW, internal=internal, drafts=internal))
    return _files(out)


def test_internal_data_never_moves_the_public_site(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    before = _build(repo, tmp_path / "a")
    assert "kpis/index.html" in before
    _toggle_internal_data(repo)
    _model, problems = check_repository(repo, NOW)
    assert not [p for p in problems if p.level == "error"], problems
    after = _build(repo, tmp_path / "b")
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed == []


def test_the_internal_build_still_counts_internal_data(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    before = _build(repo, tmp_path / "a", internal=True)
    _toggle_internal_data(repo)
    after = _build(repo, tmp_path / "b", internal=True)
    assert before["kpis/index.html"] != after["kpis/index.html"]


def test_a_public_context_holds_no_internal_data(tmp_path: Path) -> None:
    model, _ = check_repository(_repo(tmp_path / "repo"), NOW)
    assert any(i.novel for i in model.incidents) and any(i.commander for i in model.incidents)
    public = SiteContext(model, NOW, "https://status.example/").model
    assert not any(i.novel or i.commander or i.error_messages for i in public.incidents)
    assert all(pm.status == "published" and pm.visibility == "public" for pm in public.postmortems)
    assert [i.id for i in public.incidents] == [i.id for i in model.incidents]
    drafts = SiteContext(model, NOW, "https://status.example/", drafts=True).model
    assert {pm.visibility for pm in drafts.postmortems} == {"public"}
    assert any(pm.status == "draft" for pm in drafts.postmortems)
    internal = SiteContext(model, NOW, "https://status.example/", internal=True).model
    assert internal is model
