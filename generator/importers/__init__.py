"""Importers: other status pages' history -> statuspress content files and a report.

Each reader is a pure function (source data in, :class:`ImportResult` out); :mod:`.apply`
writes the result without overwriting anything the user changed.
"""
