"""Create (or, with --update, change) a newsroom staff account with its role.

    python manage.py create_staff nvui --role reporter --email nvui@baobackan.vn --name "Nông Vui"

The password is read from NEWSROOM_STAFF_PASSWORD, or asked for twice on a terminal; it must pass the
site's password rules. Reporters and editors also get an author profile so that they can sign stories.
"""
import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Author
from articles.roles import GROUP_NAMES, ROLES

PASSWORD_ENV = "NEWSROOM_STAFF_PASSWORD"


class Command(BaseCommand):
    help = "Tạo tài khoản tòa soạn với vai trò phóng viên (reporter) hoặc biên tập viên (editor)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES), help="reporter hoặc editor")
        parser.add_argument("--email", default="", help="Địa chỉ nhận thư báo duyệt bài.")
        parser.add_argument("--name", default="", help="Tên hiển thị, cũng là tên ký dưới bài (byline).")
        parser.add_argument("--update", action="store_true",
                            help="Tài khoản đã có: đổi vai trò (và mật khẩu, nếu có) thay vì báo lỗi.")
        parser.add_argument("--no-author", action="store_true", help="Không tạo hồ sơ tác giả.")

    def handle(self, *args, username, role, email, name, update, no_author, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None and not update:
            raise CommandError(f"Tài khoản “{username}” đã có. Thêm --update để đổi vai trò của tài khoản này.")
        try:
            group = Group.objects.get(name=ROLES[role].group)
        except Group.DoesNotExist:
            raise CommandError(f"Chưa có nhóm “{ROLES[role].group}”. Hãy chạy `python manage.py migrate` trước.")

        creating = user is None
        if creating:
            user = User(username=username)
        password = self._password(user, required=creating)

        first, _, last = name.rpartition(" ") if " " in name else ("", "", name)
        with transaction.atomic():
            user.is_staff = True
            user.is_active = True
            if email:
                user.email = email
            if name:
                # Vietnamese order is family name first; Django's full name is "first last".
                user.first_name, user.last_name = first, last
            if password:
                user.set_password(password)
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=GROUP_NAMES))
            user.groups.add(group)
            if not no_author and not Author.objects.filter(user=user).exists():
                Author.objects.create(name=name or username, user=user)

        verb = "Đã tạo" if creating else "Đã cập nhật"
        self.stdout.write(self.style.SUCCESS(f"{verb} tài khoản “{username}” với vai trò {group.name}."))

    def _password(self, user, *, required):
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not self.stdin_is_terminal():
                if required:
                    raise CommandError(
                        f"Đặt mật khẩu trong biến môi trường {PASSWORD_ENV}, hoặc chạy lệnh trong terminal.")
                return None
            password = getpass.getpass("Mật khẩu: ")
            if password != getpass.getpass("Nhập lại mật khẩu: "):
                raise CommandError("Hai lần nhập mật khẩu không khớp.")
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Mật khẩu chưa đạt: " + " ".join(error.messages))
        return password

    def stdin_is_terminal(self):
        import sys

        return sys.stdin.isatty()
