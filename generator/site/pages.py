"""Model -> pages of finished HTML: view models (:mod:`generator.site.views`) rendered by templates.

Pure: no MkDocs, no clock; the only files read are templates (bundled, and
the repository's ``theme/statuspress/`` overrides, see
:mod:`generator.site.templating`). Each :class:`~generator.site.contract.Page`
holds the finished HTML of its content and the headings of its table of
contents (every ``<h2 id=...>`` in it).

Links are relative (``../../services/api/``) so a site served below a path
works, and so that a renderer never has to rewrite them.

Choices a reader may want to know:

- Incident timelines list updates newest first (as Statuspage does): the
  latest news is what a customer opens the page for.
- History is paginated by three months: ``/history/`` holds the latest three
  months, ``/history/page/2/`` the three before, and so on.
- Uptime bars are one link per day to the service page's daily table
  (``#day-YYYY-MM-DD``); the link text is the day's summary, shown as a
  tooltip on hover and keyboard focus by CSS alone.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.i18n import _, pgettext
from generator.model import Incident, Postmortem
from generator.site import urls
from generator.site.contract import NavEntry, Page
from generator.site.markdown import render_markdown
from generator.site.templating import Templates, headings_of, templates_for
from generator.site.views.about import about_view
from generator.site.views.drills import drills_view
from generator.site.views.history import history_views
from generator.site.views.home import home_view
from generator.site.views.incident import incident_view
from generator.site.views.kpis import kpis_view
from generator.site.views.maintenance import maintenance_index_view, maintenance_view
from generator.site.views.not_found import not_found_view
from generator.site.views.postmortems import postmortem_view, postmortems_view
from generator.site.views.services import service_view, services_view
from generator.site.views.shared import Facts, ListItem, PageInfo, make_facts, rel
from generator.site.views.subscribe import subscribe_view
from generator.site.visibility import SiteContext

__all__ = ["NavEntry", "Page", "PageMemo", "build_pages", "kpis_page", "nav_entries", "rel", "render_markdown"]


def render_page(templates: Templates, template: str, view: object) -> Page:
    """One page: the view's template rendered, its headings read back from the HTML."""
    html = templates.render(template, page=view)
    info: PageInfo = view.page  # type: ignore[attr-defined]
    return Page(
        url=info.url,
        title=info.title,
        html=html,
        headings=headings_of(html),
        description=info.description,
        search=info.search,
        toc=info.toc,
        feeds=info.feeds,
        labels=info.labels,
        layout=info.layout,
    )


def src_path(url: str) -> str:
    return f"{url}index.md"


def nav_entries(ctx: SiteContext) -> list[NavEntry]:
    """The navigation: sections only. Incident pages are reached from lists, never from the nav."""
    entries = [
        NavEntry(_("Home"), src_path(urls.home_url())),
        NavEntry(_("History"), src_path(urls.history_url())),
        # Translators: The menu entry and title of the maintenance page.
        NavEntry(pgettext("menu", "Maintenance"), src_path(urls.maintenance_index_url())),
        NavEntry(_("Post-mortems"), src_path(urls.postmortems_index_url())),
        NavEntry(_("Services"), src_path("services/")),
    ]
    if ctx.kpis_public:
        entries.append(NavEntry(_("KPIs"), src_path(urls.kpis_url())))
    if ctx.internal:
        entries.append(NavEntry(_("Drills"), src_path(urls.drills_url())))
    entries.append(NavEntry(_("About"), src_path("about/")))
    return entries


def incident_page(facts: Facts, templates: Templates, inc: Incident) -> Page:
    return render_page(templates, "incident.html", incident_view(facts, inc))


class PageMemo:
    """Incident pages kept between the builds of a long-running process (``statuspress serve``).

    An incident page depends on nothing but the incident, its visible
    post-mortems, the templates and site-wide inputs (now, build flags, base
    URL, configuration). For a file that did not change the loader hands back
    the very same immutable objects, so an unchanged incident's page is reused
    as long as the site-wide inputs and templates are the same; anything else
    makes it again.
    """

    def __init__(self) -> None:
        self._scope: tuple[object, ...] | None = None
        self._pages: dict[str, tuple[Incident, tuple[Postmortem, ...], Page]] = {}
        self.items: dict[tuple[str, str], tuple[Incident, ListItem]] = {}  # history lines, the same way

    def begin(self, ctx: SiteContext, templates: Templates) -> None:
        """Start a build: forget everything when a site-wide input changed."""
        scope = (ctx.now, ctx.internal, ctx.drafts, ctx.base_url, ctx.model.config, id(templates))
        if self._scope is None or self._scope != scope:
            self._pages.clear()
            self.items.clear()
        self._scope = scope
        self._templates = templates  # keeps id(templates) meaningful while the scope holds it
        templates.keep_between_builds()

    def incident_pages(self, facts: Facts, templates: Templates) -> list[Page]:
        ctx = facts.ctx
        kept: dict[str, tuple[Incident, tuple[Postmortem, ...], Page]] = {}
        out = []
        for inc in facts.incidents:
            pms = ctx.visible_postmortems_for(inc.id)
            hit = self._pages.get(inc.id)
            if (hit is not None and hit[0] is inc and len(hit[1]) == len(pms)
                    and all(a is b for a, b in zip(hit[1], pms, strict=True))):
                page = hit[2]
            else:
                page = incident_page(facts, templates, inc)
            kept[inc.id] = (inc, pms, page)
            out.append(page)
        self._pages = kept
        return out


def build_pages(ctx: SiteContext, memo: PageMemo | None = None) -> list[Page]:
    """Every HTML page of the site, in a fixed order (``memo``: see :class:`PageMemo`).

    Templates come from ``ctx.root``'s ``theme/statuspress/`` over the bundled
    ones; a broken override raises :class:`generator.site.templating.TemplateProblem`.
    """
    return build_site_pages(ctx, memo)[0]


def kpis_page(ctx: SiteContext) -> Page:
    """The KPI page on its own: its statistics are the costliest page to make, so another core can."""
    return render_page(templates_for(ctx.root), "kpis.html", kpis_view(make_facts(ctx)))


def build_site_pages(ctx: SiteContext, memo: PageMemo | None = None,
                     kpis: Callable[[], Page] | None = None) -> tuple[list[Page], str]:
    """The pages, and the finished content of the "page not found" page (``404.html``, served at any address).

    ``kpis``: gives the KPI page (made elsewhere meanwhile, see :func:`kpis_page`); called in its place.
    """
    templates = templates_for(ctx.root)
    if memo is not None:
        memo.begin(ctx, templates)
    facts = make_facts(ctx, memo.items if memo is not None else None)
    pages = [render_page(templates, "home.html", home_view(facts))]
    pages.extend(render_page(templates, "history.html", v) for v in history_views(facts))
    if memo is not None:
        pages.extend(memo.incident_pages(facts, templates))
    else:
        pages.extend(incident_page(facts, templates, inc) for inc in facts.incidents)
    pages.extend(incident_page(facts, templates, d) for d in facts.drills)  # internal builds only
    pages.append(render_page(templates, "services.html", services_view(facts)))
    pages.extend(render_page(templates, "service.html", service_view(facts, svc)) for svc in ctx.model.config.services)
    pages.append(render_page(templates, "maintenance_index.html", maintenance_index_view(facts)))
    pages.extend(render_page(templates, "maintenance.html", maintenance_view(facts, m))
                 for m in sorted(ctx.model.maintenance, key=lambda m: m.id))
    pages.append(render_page(templates, "postmortems.html", postmortems_view(facts)))
    pages.extend(render_page(templates, "postmortem.html", postmortem_view(facts, pm))
                 for pm in sorted(ctx.visible_postmortems(), key=lambda p: p.id))
    if ctx.kpis_public:
        pages.append(kpis() if kpis is not None else render_page(templates, "kpis.html", kpis_view(facts)))
    if ctx.internal:
        pages.append(render_page(templates, "drills.html", drills_view(facts)))
    pages.append(render_page(templates, "about.html", about_view(facts)))
    pages.append(render_page(templates, "subscribe.html", subscribe_view(facts)))
    return pages, templates.render("not_found.html", page=not_found_view(facts))
