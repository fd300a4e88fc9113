"""Create (or, with --update, change) a newsroom staff account with its role.

    python manage.py create_staff nvui --role reporter --email nvui@baobackan.vn --name "Nông Vui"

The password is read from NEWSROOM_STAFF_PASSWORD, or asked for twice on a terminal; it must pass the
site's password rules. Reporters and editors also get an author profile so that they can sign stories: an
existing author of that name without an account (made by an import, say) becomes theirs, so that the byline
picker does not offer the same person twice.
"""
import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import text
from articles.models import Author
from articles.people import name_parts
from articles.roles import GROUP_NAMES, ROLES

PASSWORD_ENV = "NEWSROOM_STAFF_PASSWORD"


class Command(BaseCommand):
    help = gettext_lazy("Create a newsroom account with the role of reporter or editor.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES), help=_("reporter or editor"))
        parser.add_argument("--email", default="", help=_("The address that gets the workflow mail."))
        parser.add_argument("--name", default="", help=_("Display name, also the name on the byline."))
        parser.add_argument("--update", action="store_true",
                            help=_("For an existing account: change its role (and password, if given) instead of refusing."))
        parser.add_argument("--no-author", action="store_true", help=_("Do not create an author profile."))

    def handle(self, *args, username, role, email, name, update, no_author, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None and not update:
            raise CommandError(_("The account “%(username)s” exists. Add --update to change its role.") % {"username": username})
        try:
            group = Group.objects.get(name=ROLES[role].group)
        except Group.DoesNotExist:
            raise CommandError(_("There is no group “%(group)s” yet. Run `python manage.py migrate` first.") % {
                "group": ROLES[role].group})

        creating = user is None
        if creating:
            user = User(username=username)
        password = self._password(user, required=creating)

        name = text.single_line(text.normalize(name))
        linked = None
        with transaction.atomic():
            user.is_staff = True
            user.is_active = True
            if email:
                user.email = email
            if name:
                # Vietnamese order is family name first; Django's full name is "first last".
                user.first_name, user.last_name = name_parts(name)
            if password:
                user.set_password(password)
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=GROUP_NAMES))
            user.groups.add(group)
            if not no_author and not Author.objects.filter(user=user).exists():
                linked = self._unclaimed_author(name or username)
                if linked is not None:
                    linked.user = user
                    linked.save(update_fields=["user"])
                else:
                    Author.objects.create(name=name or username, user=user)

        done = _("Created the account “%(username)s” with the role %(role)s.") if creating else _(
            "Updated the account “%(username)s” with the role %(role)s.")
        self.stdout.write(self.style.SUCCESS(done % {"username": username, "role": group.name}))
        if linked is not None:
            self.stdout.write(_("Linked the account to the existing author “%(name)s” (/%(slug)s/, %(stories)s "
                                "stories) instead of making a second one.") % {
                "name": linked.name, "slug": linked.slug, "stories": linked.bylines.count()})

    def _unclaimed_author(self, name):
        """The one author of this name that no account has yet; two of them is a question for a person."""
        candidates = list(Author.objects.filter(name__iexact=name, user__isnull=True).order_by("pk"))
        if len(candidates) > 1:
            raise CommandError(_(
                "There are %(count)s authors named “%(name)s” without an account (ids %(ids)s). Merge them in the "
                "admin (Authors) and run the command again, or add --no-author.") % {
                "count": len(candidates), "name": name, "ids": ", ".join(str(author.pk) for author in candidates)})
        return candidates[0] if candidates else None

    def _password(self, user, *, required):
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not self.stdin_is_terminal():
                if required:
                    raise CommandError(
                        _("Set the password in the environment variable %(variable)s, or run the command in a terminal.") % {
                            "variable": PASSWORD_ENV})
                return None
            password = getpass.getpass(_("Password: "))
            if password != getpass.getpass(_("Password again: ")):
                raise CommandError(_("The two passwords differ."))
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(_("The password is not good enough: %(reasons)s") % {"reasons": " ".join(error.messages)})
        return password

    def stdin_is_terminal(self):
        import sys

        return sys.stdin.isatty()
