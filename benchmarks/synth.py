"""A synthetic status history for benchmarks: N incidents over S services and Y years.

Lognormal durations, a post-mortem for each SEV-1/2, monthly maintenance. Deterministic
for a given seed. Usable as a module or: python benchmarks/synth.py OUT_DIR --incidents 1000
"""

from __future__ import annotations

import argparse
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

IMPACTS = ("degraded_performance", "partial_outage", "major_outage")
CATEGORIES = ("deploy", "configuration", "capacity", "network", "database", "dependency", "security", "hardware",
              "other")
DETECTIONS = ("alert", "synthetic", "customer_report", "internal_report", "other")
HEADINGS = ("Summary", "Impact", "Timeline", "Contributing factors", "What went well", "What went wrong",
            "Where we got lucky", "Action items")


def ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_history(out: Path, incidents: int, services: int = 12, years: int = 10,
                  now: datetime = datetime(2026, 11, 26, 12, tzinfo=UTC), seed: int = 7) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    svc_ids = [f"svc-{i:02d}" for i in range(services)]
    lines = [
        "site: {name: Bench Status, url: https://status.bench.example/, timezone: Europe/Berlin, "
        "description: Synthetic history}",
        "services:",
    ]
    for i, sid in enumerate(svc_ids):
        lines.append(f"  - {{id: {sid}, name: Service {i}, group: Group {i % 3}, slo: 99.9}}")
    lines += [
        "categories: [" + ", ".join(CATEGORIES) + "]",
        "postmortems: {required_for: [SEV-1, SEV-2], due_days: {SEV-1: 5, SEV-2: 10, default: 15}, "
        "late_detection: 10000m, long_major_outage: 10000m}",
        "publish: {kpis: public}",
    ]
    (out / "site_config.yml").write_text("\n".join(lines) + "\n")
    for sub in ("incidents", "maintenance", "postmortems"):
        (out / "content" / sub).mkdir(parents=True, exist_ok=True)
    start = now - timedelta(days=365 * years)
    span = (now - timedelta(days=2) - start).total_seconds()
    for n in range(incidents):
        began = start + timedelta(seconds=int(span * n / incidents) + rng.randint(0, 3600))
        minutes = min(max(2, int(math.exp(rng.gauss(3.5, 1.0)))), 2000)
        detected = began + timedelta(minutes=rng.randint(0, 9))
        acked = detected + timedelta(minutes=rng.randint(1, 20))
        resolved = max(acked, began + timedelta(minutes=minutes)) + timedelta(minutes=1)
        severity = rng.choices(("SEV-1", "SEV-2", "SEV-3", "SEV-4"), weights=(2, 8, 45, 45))[0]
        svcs = rng.sample(svc_ids, rng.randint(1, 3))
        iid = f"{began:%Y-%m-%d}-incident-{n:05d}"
        body = [
            "---", f"title: Synthetic incident {n} on {', '.join(svcs)}", f"severity: {severity}",
            "services: {" + ", ".join(f"{s}: {rng.choice(IMPACTS)}" for s in svcs) + "}",
            f"started_at: {ts(began)}", f"detected_at: {ts(detected)}", f"acknowledged_at: {ts(acked)}",
            f"resolved_at: {ts(resolved)}", f"detection: {rng.choice(DETECTIONS[:2])}",
            f"category: {rng.choice(CATEGORIES)}", "commander: oncall", "updates:",
            f"  - at: {ts(detected)}", "    status: investigating",
            "    message: We are investigating reports of errors.",
            f"  - at: {ts(acked)}", "    status: identified", "    message: The cause is known and a fix is rolling out.",
            f"  - at: {ts(resolved)}", "    status: resolved", "    message: The service is back to normal.",
            "---", f"Synthetic incident number {n}.", "",
        ]
        (out / "content/incidents" / f"{iid}.md").write_text("\n".join(body))
        if severity in ("SEV-1", "SEV-2"):
            pm = [
                "---", f"title: Review of incident {n}", f"incidents: [{iid}]", "status: published",
                "visibility: public", "authors: [sre-team]", f"published_at: {ts(resolved + timedelta(days=2))}",
                "summary: A synthetic post-mortem.", "contributing_factors: [A queue filled up under load.]",
                "action_items:", "  - {title: Add an alert on queue depth, type: detect, owner: sre-team, "
                f"due: {(resolved + timedelta(days=30)):%Y-%m-%d}, status: done}}", "---",
            ]
            for heading in HEADINGS:
                pm += [f"## {heading}", "Synthetic text.", ""]
            (out / "content/postmortems" / f"{iid}.md").write_text("\n".join(pm))
    month = datetime(start.year, start.month, 1, tzinfo=UTC)
    while month < now - timedelta(days=31):
        begin = month + timedelta(days=14, hours=22)
        mid = f"{begin:%Y-%m-%d}-monthly-maintenance"
        (out / "content/maintenance" / f"{mid}.md").write_text("\n".join([
            "---", "title: Monthly database maintenance", f"services: {{{svc_ids[0]}: under_maintenance}}",
            f"scheduled_start: {ts(begin)}", f"scheduled_end: {ts(begin + timedelta(hours=1))}", "updates:",
            f"  - at: {ts(begin - timedelta(days=7))}", "    status: scheduled",
            "    message: Routine database maintenance.", "---", "",
        ]))
        month = (month + timedelta(days=32)).replace(day=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--services", type=int, default=12)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    write_history(args.out, args.incidents, args.services, args.years)


if __name__ == "__main__":
    main()
