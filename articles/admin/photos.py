"""Admin for the photo library. Uploads go through images.py."""
from django.contrib import admin

from ..models import Photo


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["__str__", "credit", "uploaded_at"]
    search_fields = ["alt_text", "credit", "captions__text"]
