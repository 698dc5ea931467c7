"""Pure computations over the model: status, uptime, error budgets, KPIs, policy.

Everything here takes the model and ``now`` and returns values: no I/O, no clock.
"""

from __future__ import annotations

from generator.compute.display import format_minutes, format_percent, format_seconds, format_stat
from generator.compute.kpis import compute_kpis
from generator.compute.policy import postmortem_required, postmortem_triggers
from generator.compute.status import overall_status, service_statuses, status_indicator
from generator.compute.uptime import Budget, ServiceUptime, compute_uptime, uptime_json

__all__ = [
    "Budget",
    "ServiceUptime",
    "compute_kpis",
    "compute_uptime",
    "format_minutes",
    "format_percent",
    "format_seconds",
    "format_stat",
    "overall_status",
    "postmortem_required",
    "postmortem_triggers",
    "service_statuses",
    "status_indicator",
    "uptime_json",
]
