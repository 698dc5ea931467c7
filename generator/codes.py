"""Every problem code, what it means and how to fix it (drives docs/validation-codes.md)."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    # files and YAML
    "E001": ("unreadable file", "The file is binary, not UTF-8, too large, not a regular file, or cannot be read. "
             "Save it as UTF-8 Markdown."),
    "E002": ("no front-matter", "The file must start with a '---' line, the YAML fields, and another '---' line."),
    "E003": ("YAML syntax error", "Indentation, a missing colon, an unclosed quote or a tab. The line points at it."),
    "E004": ("front-matter is not a mapping", "Front-matter must be 'key: value' lines, not a list or a bare value."),
    "E005": ("duplicate key", "A key appears twice; YAML would silently keep the last one. Keep one."),
    "E006": ("YAML alias", "Anchors (&a) and aliases (*a) are refused in content: they can expand without bound."),
    "E007": ("empty file", "The file has no content. Delete it or fill it in."),
    "E008": ("link outside the repository", "A content or theme file is (or is reached through) a symbolic link that points "
             "outside the repository."),
    "E009": ("bad file name", "Incident, maintenance and post-mortem files are named YYYY-MM-DD-slug.md: lowercase "
             "letters, digits and '-' (the name is the id, used in URLs)."),
    "W002": ("file not read", "A file or folder in content/ that statuspress never reads: a name not ending in .md "
             "(.MD, .markdown), a folder other than incidents/, maintenance/ and postmortems/ (content/incident/), "
             "or a file directly in content/. Rename or move it. A warning; an error under --strict."),
    # schema
    "E010": ("missing required field", "A required field is absent or empty; the hint says what it holds."),
    "E011": ("unknown key", "A key the schema does not know, usually a typo; the hint suggests the closest key."),
    "E012": ("timestamp without offset", "Add Z or +HH:MM: a time without a zone is ambiguous."),
    "E013": ("malformed timestamp", "Write RFC 3339: 2026-03-14T09:12:00Z."),
    "E014": ("impossible date or time", "The month, day, hour or offset does not exist (2024-13-01, 2026-02-30), "
             "or the year is outside 1970 to 9000."),
    "E015": ("offset without colon", "Write +05:30, not +0530."),
    "E016": ("wrong type", "A list where text belongs, text where true/false belongs, and so on."),
    "E017": ("value not allowed", "A severity, status or other word outside its list; the hint names the closest."),
    "E018": ("unknown impact", "Impacts are degraded_performance, partial_outage, major_outage (and under_maintenance)."),
    "E019": ("text too long or empty", "Titles are at most 120 characters and one line; values may not be blank "
             "or hold control characters."),
    "E020": ("date where a timestamp is due", "Add the time and offset: 2026-03-14T00:00:00Z."),
    "E021": ("malformed date", "Dates are YYYY-MM-DD."),
    "E022": ("malformed duration", "Durations are like 30m, 4h, 2d (at most 36500 days)."),
    "E023": ("Markdown body too complex", "Lists or quotes nested over 50 deep, raw HTML nested over 100 deep, or so "
             "many unmatched brackets or unpaired backtick runs that rendering would take minutes. Close the "
             "brackets and HTML elements, pair the backticks, or use a code block."),
    # lifecycle
    "E030": ("times out of order", "started <= detected <= acknowledged <= resolved and started <= mitigated <= resolved."),
    "E031": ("update before the start", "Every update is at or after started_at."),
    "E032": ("update after resolution", "No update comes after resolved_at (after a reopening, resolved_at is the "
             "last resolution)."),
    "E033": ("updates out of order", "List updates oldest first."),
    "E034": ("in the future", "A time later than the build's now: post things once they happen."),
    "E035": ("resolved mismatch", "resolved_at is set iff the last update's status is resolved (a reopened incident "
             "that is open again has none); duration_unknown only on a resolved incident."),
    "E036": ("resolved_at differs", "resolved_at equals the time of the last resolved update."),
    "E037": ("acknowledged_at missing", "Once an update is past investigating, say when a responder took it on, or "
             "write 'acknowledged_at: unknown' when no record says."),
    "E038": ("resolved twice", "A resolved update directly after another: to reopen the incident, give the update "
             "status investigating, identified or monitoring."),
    "E039": ("empty maintenance window", "scheduled_end must be after scheduled_start (and completed after in_progress)."),
    # cross-file
    "E040": ("unknown service", "The service id is not in site_config.yml; the hint names the closest."),
    "E041": ("unknown category", "The category is not in site_config.yml categories."),
    "E042": ("duplicate id", "Two files (or two services) share an id."),
    "E043": ("dangling post-mortem reference", "A post-mortem names an incident id that has no file."),
    "E044": ("post-mortem without a time", "A post-mortem with no incidents says when the event happened: "
             "started_at (and optionally ended_at, after it)."),
    "E045": ("public post-mortem of a drill", "Drills (drill: true) are never published, so neither is a post-mortem "
             "that names one: write visibility: internal."),
    # post-mortems
    "E050": ("missing heading", "The body lacks a required heading (postmortems.required_headings)."),
    "E052": ("action item not verb-first", "Start action items with what will be done: 'Add ...', 'Route ...'."),
    "E053": ("wont_do without reason", "Say why an action item will not be done."),
    "E056": ("free-text action item", "Under postmortems.action_items: structured (the default) every action item "
             "is a mapping with title, type, owner, due and status; set free_text to allow plain strings (and to make "
             "type, owner, due and status optional)."),
    "E054": ("published without published_at", "A published post-mortem says when it was published."),
    "E055": ("summary too long", "The summary is one to three sentences."),
    "W060": ("post-mortem overdue", "The policy requires a post-mortem, and none was published within due_days. "
             "A warning; an error under --strict."),
    "W061": ("action item overdue", "An open action item is past its due date. A warning; an error under --strict."),
    "W062": ("scaffold text left in", "A published post-mortem still holds what `statuspress new postmortem` wrote "
             "for you to replace: 'Draft:' paragraphs, 'Draft -' summary or factors, the example action item. "
             "A warning; an error under --strict."),
    # config
    "E070": ("no site_config.yml", "The repository has no site_config.yml: run statuspress init."),
    "E071": ("unknown time zone", "site.timezone must be an IANA name such as Europe/Berlin."),
    "E072": ("not an environment variable name", "notify: names the environment variables that hold URLs and "
             "secrets (A-Z, 0-9, _, e.g. SLACK_WEBHOOK_URL); the values themselves never go in the repository."),
    "E073": ("not an email address", "notify: from and to take addresses like status@example.com."),
    # languages (site.language, per-language text)
    "E074": ("language not available", "site.language is a BCP 47 tag (en, de, pt-BR) that Babel knows and that has a "
             "message catalog (a tag with a region uses its language's: de-AT -> de). The hint lists the shipped "
             "languages; docs/i18n.md says how to add one."),
    "E075": ("bad language tag in per-language text", "Text given per language is a mapping from BCP 47 tags to "
             "text, e.g. {en: Payments API, de: Zahlungs-API}; a key is not such a tag."),
    "W075": ("no text in the site's language", "Text given per language has none for site.language (nor for its "
             "language without region): the site shows the English one, else the first. Add the missing language."),
    # theme and branding
    "W080": ("theme file overrides nothing", "A template in theme/ has the name of no Material template or partial, "
             "no bundled statuspress override and (under theme/statuspress/) no page template, so nothing uses it. "
             "Check the spelling against the list in theme/README.md, or delete it. (Other files, such as images, "
             "are published as they are.)"),
    "E081": ("branding file unusable", "theme.logo, theme.favicon and theme.extra_css are paths inside the "
             "repository to files that exist: SVG or PNG images, .css stylesheets."),
    "E082": ("malformed colour", "Write a colour as #rrggbb or #rgb, e.g. #0b5394."),
    "E083": ("colour too light for white text", "The header's text is white: the colour must reach 4.5:1 contrast "
             "with white (WCAG AA). The message names a darker shade of it that does."),
    "E084": ("announcement not one inline line", "theme.announcement is one line of Markdown with inline markup "
             "only (links, emphasis, code): no headings, lists, quotes or raw HTML."),
    "E085": ("support link not allowed", "theme.support_url is an https://, http:// or mailto: address."),
    "E087": ("auto-refresh interval out of range", "theme.auto_refresh is a duration from 5s to 1h, e.g. 1m."),
    "E086": ("subscribe link not allowed", "theme.subscribe_url is an https://, http:// or mailto: address."),
    # open incidents that look forgotten (warnings; errors under --strict)
    "W090": ("incident open for long", "An incident is still open after stale.open_days days (default 7). Resolve "
             "it with `statuspress resolve`, or post an update saying why it is still open."),
    "W091": ("no recent update", "An open incident has had no update for stale.update_hours hours (default 24): "
             "customers see an old message. Post an update with `statuspress update`."),
    "W092": ("expected resolution passed", "The latest expected resolution (eta) of an open incident is in the "
             "past: the page says \"Estimate passed, awaiting update\". Post an update with a new --eta, or "
             "resolve it."),
    # drills (a warning; an error under --strict)
    "W100": ("drill overdue", "A service group's latest drill started longer ago than drills.cadence_days (or its "
             "drills.groups override), or the group never had one: counted from the earliest `since` of its "
             "services, at once when none has one. Record a drill with `statuspress new incident TITLE --drill`."),
    # blameless lint (warnings; errors under --strict)
    "B001": ("counterfactual", "'should have', 'failed to': describe what happened and why it made sense then."),
    "B002": ("human error", "Name the condition that made the error likely, not the human."),
    "B003": ("judging word", "'careless', 'sloppy': describe the action neutrally."),
    "B004": ("person as cause", "Name the system or process step, not the person."),
    "B005": ("hollow action", "'be more careful': replace with a mechanism (a check, an alert, an automation)."),
}


def codes_markdown() -> str:
    rows = ["| code | problem | what to do |", "| --- | --- | --- |"]
    rows += [f"| {code} | {title} | {text} |" for code, (title, text) in CODES.items()]
    return "\n".join(rows) + "\n"
