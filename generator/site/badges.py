"""Per-service badges: status and 30-day uptime, as SVG and as shields.io endpoint JSON.

The SVGs follow shields.io's flat layout (grey label, coloured message) but
with darker colours, so white text keeps a WCAG AA contrast of at least
4.5:1 on every background. Each SVG has ``role="img"``, an ``aria-label``
and a ``<title>``, so screen readers and tooltips read the same sentence.
The JSON files let shields.io render the badge in any of its styles:
``https://img.shields.io/endpoint?url=<absolute URL of the .json>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from generator.compute.status import service_statuses
from generator.compute.uptime import compute_uptime, format_percent
from generator.i18n import _
from generator.model import Service
from generator.site import urls
from generator.site.api import dump_json
from generator.site.views.shared import impact_word
from generator.site.visibility import SiteContext, xml_safe

LABEL_COLOR = "555555"
NO_DATA_COLOR = "595959"
STATUS_COLORS = {
    "operational": "2e7d32",
    "degraded_performance": "8a6500",
    "partial_outage": "b45309",
    "major_outage": "b42318",
    "under_maintenance": "1d4ed8",
}
UPTIME_WINDOW = "30d"
DEFAULT_UPTIME_TARGET = 99.9  # green at or above this when the service has no SLO

# Approximate advance widths of Verdana at 11px (the font shields.io measures with).
_NARROW = dict.fromkeys(" .,:;!'|iljIft()[]-", 4.2)
_WIDE = dict.fromkeys("mwMW%@&", 10.5)
_FONT_PX = 11


@dataclass(frozen=True)
class Badge:
    label: str
    message: str
    color: str  # 6 hex digits, no '#'
    title: str  # the sentence a screen reader reads


def uptime_color(value: float | None, slo: float | None) -> str:
    """Green when the SLO (or 99.9%) is met; then yellow, orange, red as it falls."""
    if value is None:
        return NO_DATA_COLOR
    if value >= (slo if slo is not None else DEFAULT_UPTIME_TARGET):
        return STATUS_COLORS["operational"]
    if value >= 99.0:
        return STATUS_COLORS["degraded_performance"]
    if value >= 95.0:
        return STATUS_COLORS["partial_outage"]
    return STATUS_COLORS["major_outage"]


def text_width(text: str) -> float:
    """Rendered width in px; generous for characters outside the table, so text never overflows."""
    width = 0.0
    for ch in text:
        if ch in _NARROW:
            width += _NARROW[ch]
        elif ch in _WIDE:
            width += _WIDE[ch]
        elif ch.isupper() or ch.isdigit() or ch in "#$*+<=>?_~":
            width += 7.6
        elif ch.isascii():
            width += 6.9
        else:
            width += 11.0
    return width


def _num(value: float) -> str:
    """Fixed one-decimal numbers: stable bytes across platforms."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def badge_svg(badge: Badge) -> bytes:
    """A flat, shields-like SVG. Every text goes through XML escaping (quotes included)."""
    pad = 6.0
    lw = round(text_width(xml_safe(badge.label)) + 2 * pad)
    mw = round(text_width(xml_safe(badge.message)) + 2 * pad)
    total = lw + mw
    attr = {'"': "&quot;", "'": "&#39;"}
    label, message, title = (escape(xml_safe(t), attr) for t in (badge.label, badge.message, badge.title))
    lx, mx = lw / 2, lw + mw / 2
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{title}">'
        f"<title>{title}</title>"
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)">'
        f'<rect width="{lw}" height="20" fill="#{LABEL_COLOR}"/>'
        f'<rect x="{lw}" width="{mw}" height="20" fill="#{badge.color}"/>'
        f"</g>"
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        f'font-size="{_FONT_PX}" aria-hidden="true">'
        f'<text x="{_num(lx)}" y="14">{label}</text>'
        f'<text x="{_num(mx)}" y="14">{message}</text>'
        f"</g></svg>\n"
    )
    return svg.encode("utf-8")


def badge_endpoint_json(badge: Badge) -> bytes:
    """shields.io endpoint schema v1; ``<``, ``>``, ``&`` escaped as in the API files."""
    return dump_json({"schemaVersion": 1, "label": badge.label, "message": badge.message,
                      "color": badge.color, "labelColor": LABEL_COLOR})


def status_badge(svc: Service, status: str) -> Badge:
    message = impact_word(status)
    return Badge(svc.name, message, STATUS_COLORS.get(status, NO_DATA_COLOR),
                 _("%(service)s status: %(status)s") % {"service": svc.name, "status": message})


def uptime_badge(svc: Service, value: float | None) -> Badge:
    message = format_percent(value)
    return Badge(_("%(service)s uptime 30d") % {"service": svc.name}, message, uptime_color(value, svc.slo),
                 _("%(service)s uptime over the last 30 days: %(uptime)s") % {"service": svc.name, "uptime": message})


def badges_for(ctx: SiteContext) -> dict[str, tuple[Badge, Badge]]:
    """Service id -> (status badge, uptime badge), from the compute engine."""
    statuses = service_statuses(ctx.model, ctx.now)
    uptime = compute_uptime(ctx.model, ctx.now)
    out = {}
    for svc in ctx.model.config.services:
        su = uptime.get(svc.id)
        value = su.windows.get(UPTIME_WINDOW) if su is not None else None
        out[svc.id] = (status_badge(svc, statuses.get(svc.id, "operational")), uptime_badge(svc, value))
    return out


def render_badges(ctx: SiteContext) -> dict[str, bytes]:
    """``badges/<id>/{status,uptime}.{svg,json}`` for every service."""
    out: dict[str, bytes] = {}
    for sid, (status, uptime) in badges_for(ctx).items():
        for kind, badge in (("status", status), ("uptime", uptime)):
            out[urls.badge_path(sid, kind, "svg")] = badge_svg(badge)
            out[urls.badge_path(sid, kind, "json")] = badge_endpoint_json(badge)
    return out
