"""What the public site knows of the paper: the masthead record as plain values, kept in the site state.

Every page shows the masthead (footer, header, structured data), so it travels with the cached site state
of articles/caching.py (one query each time that state is rebuilt, none per page); saving the record purges
every page (masthead/apps.py). Fields left empty are shown as clearly marked placeholders, so a fresh install
cannot go live looking finished without its legal details.
"""
import dataclasses
import datetime

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import SINGLETON_ID, Masthead

# The fields Luật Báo chí 2016 (art. 46) wants on every page, with the label shown beside each.
LEGAL_FIELDS = {
    "governing_body": _("Governing body"),
    "licence": _("Licence"),
    "editor_in_chief": _("Editor-in-chief"),
    "address": _("Address"),
    "phone": _("Phone"),
    "email": _("E-mail"),
}


@dataclasses.dataclass(frozen=True)
class Identity:
    """The paper as readers see it; an empty string is a detail the editors have not filled in yet."""

    name: str = ""
    logo_url: str = ""
    logo_width: int | None = None
    logo_height: int | None = None
    governing_body: str = ""
    licence_number: str = ""
    licence_date: datetime.date | None = None
    licence_issuer: str = ""
    editor_in_chief: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    social_links: tuple = ()

    @property
    def paper_name(self) -> str:
        """The name on the licence, or the one set at installation (NEWSROOM_NAME) until editors give it."""
        return self.name or settings.NEWSROOM_NAME

    @property
    def licence(self) -> str:
        """'số 12/GP-BTTTT ngày 03/01/2024 do Bộ Thông tin và Truyền thông cấp', or '' without a number."""
        if not self.licence_number:
            return ""
        text = gettext("no. %(number)s") % {"number": self.licence_number}
        if self.licence_date:
            text += " " + gettext("of %(date)s") % {"date": self.licence_date.strftime("%d/%m/%Y")}
        if self.licence_issuer:
            text += " " + gettext("issued by %(issuer)s") % {"issuer": self.licence_issuer}
        return text

    def legal_lines(self):
        """(field, label, value) for each legal detail, value '' where a placeholder must show."""
        return [(field, label, getattr(self, field)) for field, label in LEGAL_FIELDS.items()]

    @property
    def missing(self):
        """Labels of the legal details still empty."""
        return [label for _field, label, value in self.legal_lines() if not value]


def snapshot() -> dict:
    """The record's public values as a plain dict (one query), or {} before anyone has saved it."""
    record = Masthead.objects.select_related("logo").filter(pk=SINGLETON_ID).first()
    if record is None:
        return {}
    logo = record.logo
    return {
        "name": record.name,
        "logo_url": logo.image.url if logo and logo.image else "",
        "logo_width": logo.width if logo else None,
        "logo_height": logo.height if logo else None,
        "governing_body": record.governing_body,
        "licence_number": record.licence_number,
        "licence_date": record.licence_date,
        "licence_issuer": record.licence_issuer,
        "editor_in_chief": record.editor_in_chief,
        "address": record.address,
        "phone": record.phone,
        "email": record.email,
        "social_links": tuple(record.social_links()),
    }


def state_part(now):
    """The masthead for the site state: it never changes by itself."""
    return snapshot(), None


def current(request=None) -> Identity:
    """The paper's identity as the cached site state holds it (read once per request)."""
    from articles.caching import site_state

    values = site_state(request).get("masthead") or {}
    known = {f.name for f in dataclasses.fields(Identity)}
    return Identity(**{key: value for key, value in values.items() if key in known})


def paper_name(request=None) -> str:
    return current(request).paper_name
