"""The page for an address that does not exist: the current status, and the way back."""

from __future__ import annotations

from dataclasses import dataclass

from generator.i18n import _
from generator.site import urls
from generator.site.views.shared import Banner, Facts, Link, PageInfo, banner_of


@dataclass(frozen=True)
class NotFoundView:
    page: PageInfo
    banner: Banner
    site_name: str
    home: Link  # absolute: the page is served at any depth
    history: Link


def not_found_view(facts: Facts) -> NotFoundView:
    ctx = facts.ctx
    return NotFoundView(
        page=PageInfo("404.html", _("Page not found"), search=False, layout="status"),
        banner=banner_of(facts),
        site_name=ctx.model.config.site.name,
        home=Link(_("Current status"), urls.absolute(ctx, urls.home_url())),
        history=Link(_("Incident history"), urls.absolute(ctx, urls.history_url())),
    )
