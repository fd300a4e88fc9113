"""Site hardening that is not a setting: the admin's own CSP, media headers, and the CSRF failure page.

Login throttling lives in newsroom/login_throttle.py.

See SECURITY.md for the whole picture (what is enforced where, and what the web server must do).
"""
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.template.response import TemplateResponse
from django.utils.module_loading import import_string

# Set on each media response by the dev/test server; production's web server or object store must
# send the same (SECURITY.md). A sandboxed, script-less policy means that even a file that somehow
# holds HTML or SVG cannot run script in the site's origin.
MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    "Cross-Origin-Resource-Policy": "same-site",
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def is_admin_path(path: str) -> bool:
    """Whether a request path belongs to the staff admin (its URL prefix comes from DJANGO_ADMIN_PATH)."""
    return path.startswith("/" + settings.ADMIN_PATH)


def is_media_path(path: str) -> bool:
    media_url = settings.MEDIA_URL
    return media_url.startswith("/") and media_url != "/" and path.startswith(media_url)


def use_editor_policy(request):
    """Give this request's admin page the editor's policy, whose script rule CKEditor 4 needs."""
    request.newsroom_shows_rich_text_editor = True


def shows_rich_text_editor(request) -> bool:
    """Whether the view marked its page as carrying the body editor (never guessed from the page's text)."""
    return getattr(request, "newsroom_shows_rich_text_editor", False)


class RichTextEditorPolicyMixin:
    """A ModelAdmin whose add/change form has an editable rich-text field marks its page for the editor policy.

    The form decides, not the page's text: a story body may contain any string, the widget's own
    markup included, and a read-only view of the body shows no editor.
    """

    def render_change_form(self, request, context, *args, **kwargs):
        widget_class = import_string(settings.NEWSROOM_BODY_WIDGET)
        if any(isinstance(field.widget, widget_class) for field in context["adminform"].form.fields.values()):
            use_editor_policy(request)
        return super().render_change_form(request, context, *args, **kwargs)


class SecurityHeadersMiddleware:
    """Give the admin its own Content-Security-Policy and media files their script-less headers.

    Sits just inside ContentSecurityPolicyMiddleware (django-csp's): on the way out it runs first, so the public policy
    (CONTENT_SECURITY_POLICY) is swapped for NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY under the admin
    path, where CKEditor 4 needs inline styles, and for NEWSROOM_EDITOR_CONTENT_SECURITY_POLICY on the
    pages whose view said they show the editor (use_editor_policy), whose toolbar needs inline event
    handlers. A view that set its own policy keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path_info
        if is_admin_path(path):
            if getattr(response, "_csp_config", None) is None:
                policy = settings.NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY
                if shows_rich_text_editor(request):
                    policy = settings.NEWSROOM_EDITOR_CONTENT_SECURITY_POLICY
                response._csp_config = dict(policy["DIRECTIVES"])
        elif is_media_path(path):
            for header, value in MEDIA_HEADERS.items():
                response.headers.setdefault(header, value)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# What django-csp's middleware reads on a response or request to change the settings' policy for it.
_POLICY_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace",
                     "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_built_policies = {}


def _settings_policies():
    """The settings' policy and report-only policy as header values, with each one's excluded URL prefixes; built
    again when either setting is another object (override_settings in tests; production's never change)."""
    configs = (settings.CONTENT_SECURITY_POLICY, settings.CONTENT_SECURITY_POLICY_REPORT_ONLY)
    built = _built_policies.get("built")
    if built is None or any(a is not b for a, b in zip(_built_policies["configs"], configs)):
        built = {}
        for policy, header, report_only in ((configs[0], HEADER, False), (configs[1], HEADER_REPORT_ONLY, True)):
            built[header] = (build_policy(report_only=report_only),
                             tuple((policy or {}).get("EXCLUDE_URL_PREFIXES", None) or ()))
        _built_policies.update(configs=configs, built=built)
    return built


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, the settings' policy built once per process instead of twice per response.

    A response whose view or middleware changed the policy (the admin's, a decorator's), or a request that used
    its nonce, goes through django-csp's own process_response; every other response (the public site, which
    uses no nonce) gets the same header values, written under the same conditions, from the built policy.
    """

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
                getattr(response, name, None) is not None for name in _POLICY_OVERRIDES):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # django-csp leaves Django's debug pages alone
        for header, (policy, excluded) in _settings_policies().items():
            exempt = getattr(response, "_csp_exempt" if header == HEADER else "_csp_exempt_ro", False)
            if policy and header not in response and exempt is False and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header went out is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: a Vietnamese 403 that says what to do, not Django's English page."""
    return TemplateResponse(request, "security/csrf_failure.html", {"reason": reason}, status=403).render()
