"""The status site: pages, feeds, API, badges, calendar and the one MkDocs module."""
