"""Redirects from a CSV file (the old site's addresses): every row checked first, then all saved or none.

Two columns, old address then new address; a header row, a byte-order mark (Excel) and `;` or tab as the
separator are accepted. Each bad row is reported in Vietnamese with its line number.
"""
import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.db import transaction

from . import addresses
from .models import Redirect, Source

MAX_BYTES = 5 * 1024 * 1024  # some 50,000 rows of long addresses; an old site has far fewer
MAX_ROWS = 50_000


class ImportRefused(Exception):
    """The file was not imported; `errors` says why, one line each."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def imported_message(result) -> str:
    return _("Imported %(created)d new addresses, updated %(updated)d existing ones.") % {
        "created": result.created, "updated": result.updated}


def _rows(data: bytes):
    if len(data) > MAX_BYTES:
        raise ImportRefused([_("The file is over %(mb)d MB; split it into several files.") % {"mb": MAX_BYTES // (1024 * 1024)}])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([_("The file is not UTF-8 text; save it again as “CSV UTF-8”.")]) from None
    if not text.strip():
        raise ImportRefused([_("The file is empty.")])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(enumerate(csv.reader(io.StringIO(text), dialect), start=1))


def _is_header(row):
    """A first row naming its columns ("địa chỉ cũ;địa chỉ mới"): neither cell looks like an address."""
    cells = [cell.strip() for cell in row[:2]]
    return len(cells) == 2 and not any("/" in cell for cell in cells)


def import_csv(data: bytes, *, by=None) -> ImportResult:
    """Check every row, then save them all in one transaction; ImportRefused (nothing saved) if any is bad."""
    rows = [(number, row) for number, row in _rows(data) if any(cell.strip() for cell in row)]
    if rows and _is_header(rows[0][1]):
        rows = rows[1:]
    if not rows:
        raise ImportRefused([_("The file has no rows to import.")])
    if len(rows) > MAX_ROWS:
        raise ImportRefused([_("The file has %(rows)d rows, more than %(limit)d; split it into several files.") % {
            "rows": len(rows), "limit": MAX_ROWS}])
    errors, wanted, seen = [], [], {}
    for number, row in rows:
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) != 2:
            errors.append(_("Row %(row)d: needs exactly 2 columns (old address, new address), this row has %(cells)d.") % {
                "row": number, "cells": len(cells)})
            continue
        try:
            old_path = addresses.normalize(cells[0])
        except addresses.AddressError as error:
            errors.append(_("Row %(row)d: old address: %(error)s") % {"row": number, "error": error})
            continue
        if old_path in seen:
            errors.append(_("Row %(row)d: the old address “%(address)s” is already on row %(first)d.") % {
                "row": number, "address": old_path, "first": seen[old_path]})
            continue
        seen[old_path] = number
        wanted.append((number, old_path, cells[1]))
    if errors:
        raise ImportRefused(errors)
    result = ImportResult()
    existing = set(Redirect.objects.filter(old_path__in=list(seen)).values_list("old_path", flat=True))
    with transaction.atomic():
        for number, old_path, new_address in wanted:
            try:
                addresses.redirect_save(old_address=old_path, new_address=new_address, by=by, source=Source.IMPORTED)
            except addresses.AddressError as error:
                errors.append(_("Row %(row)d: %(error)s") % {"row": number, "error": error})
                continue
            if old_path in existing:
                result.updated += 1
            else:
                result.created += 1
        if errors:
            # Rows are checked against the site (and one another) as they are saved: undo them all.
            transaction.set_rollback(True)
            raise ImportRefused(errors)
    return result
