"""View models: display-ready facts for each page kind, as frozen dataclasses; no HTML.

Each module prepares one kind of page (``home``, ``incident``, ``history``,
``services``, ``maintenance``, ``postmortems``, ``kpis``, ``about``); the
templates in ``generator/site/templates/`` turn them into HTML.
"""
