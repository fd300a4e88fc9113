#!/usr/bin/env python
"""Django's command-line utility for the newsroom."""
import os
import sys
from urllib.parse import urlsplit

DEV_SETTINGS = "newsroom.settings.dev"


def refusal_without_settings(environ) -> str | None:
    """Why the dev settings may not be assumed for this environment, or None when it is a local SQLite one.

    The dev settings switch DEBUG on and use a published secret key; run against a real database they
    once let seed_demo create an editor with the demo password there. So without an explicit settings
    module, only the newcomer's case is accepted: no DATABASE_URL (the project's SQLite file) or a
    sqlite:// one, and no replica.
    """
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL"):
        url = environ.get(name, "").strip()
        if url and urlsplit(url).scheme != "sqlite":
            parts = urlsplit(url)
            where = f"{parts.scheme}://{parts.hostname or ''}{parts.path}"  # never the password
            return (
                f"manage.py: {name} trỏ tới {where}, không phải cơ sở dữ liệu SQLite trên máy này, mà "
                "DJANGO_SETTINGS_MODULE chưa được đặt. Không tự dùng cấu hình phát triển (DEBUG bật, khóa bí mật "
                "công khai) cho cơ sở dữ liệu này. Hãy chọn rõ cấu hình rồi chạy lại, ví dụ:\n"
                "  DJANGO_SETTINGS_MODULE=newsroom.settings.production python manage.py ...   (máy chủ thật)\n"
                f"  DJANGO_SETTINGS_MODULE={DEV_SETTINGS} python manage.py ...   (máy phát triển)"
            )
    return None


def main():
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        refusal = refusal_without_settings(os.environ)
        if refusal:
            sys.exit(refusal)
        os.environ["DJANGO_SETTINGS_MODULE"] = DEV_SETTINGS
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
