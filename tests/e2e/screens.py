"""Screenshots and visible text of the pages a Vietnamese reader and the newsroom see, for before/after checks.

Not a test: a tool for changes that must not alter what people see (the i18n conversion of issue 15).

    python -m tests.e2e.screens shoot BASE_URL OUT_DIR      # BASE_URL of a server running seed_demo's content
    python -m tests.e2e.screens compare BEFORE_DIR AFTER_DIR

`shoot` saves <page>.png (full page) and <page>.txt (the body's innerText plus the labelling attributes:
title, alt, placeholder, aria-label, value of buttons) for each page; `compare` diffs the texts line by line
and the images pixel by pixel (Pillow), and exits non-zero when anything differs. Keep OUT_DIR under
test-artifacts/ (git-ignored).
"""
import difflib
import os
import sys
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--font-render-hinting=none"]
PASSWORD = os.environ.get("NEWSROOM_DEMO_PASSWORD", "toasoan-demo-2026")
ADMIN = os.environ.get("DJANGO_ADMIN_PATH", "quan-tri/")

# (name, who is logged in, path); paths are seed_demo's content.
PAGES = [
    ("public-home", None, "/"),
    ("public-section", None, "/kinh-te/"),
    ("public-article", None, "FIRST_STORY"),
    ("public-search", None, "/tim-kiem/?q=bac+kan"),
    ("public-search-empty", None, "/tim-kiem/?q=khongcoketqua"),
    ("public-404", None, "/khong-co-trang-nay/"),
    ("admin-login", None, f"/{ADMIN}login/"),
    ("admin-home-reporter", "phongvien", f"/{ADMIN}"),
    ("admin-desk-editor", "bientap", f"/{ADMIN}"),
    ("admin-story-list", "bientap", f"/{ADMIN}articles/article/"),
    ("admin-story-form", "bientap", "STORY_FORM"),
    ("admin-story-add", "phongvien", f"/{ADMIN}articles/article/add/"),
    ("admin-story-history", "bientap", "STORY_HISTORY"),
    ("admin-photo-list", "bientap", "PHOTO_LIST"),
    ("admin-photo-form", "bientap", "PHOTO_FORM"),
    ("admin-photo-add", "phongvien", f"/{ADMIN}photos/photo/add/"),
    # After two saves of the story form (the saves make the revisions these pages show):
    ("admin-story-compare", "bientap", "STORY_COMPARE"),
    ("admin-story-restore", "bientap", "STORY_RESTORE"),
]

TEXT_SCRIPT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[title],[alt],[placeholder],[aria-label],input[type=submit],button')) {
    for (const name of ['title', 'alt', 'placeholder', 'aria-label']) {
      if (el.getAttribute(name)) parts.push(name + '=' + el.getAttribute(name));
    }
    if (el.value && (el.type === 'submit' || el.tagName === 'BUTTON')) parts.push('value=' + el.value);
  }
  return parts.join('\\n');
}"""


def _login(context, base, username):
    page = context.new_page()
    page.goto(f"{base}/{ADMIN}login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()
    page.close()


def _resolve(page, base, path):
    """The demo's first story (public page, admin form, history) and the photo list, found by following links."""
    if path == "FIRST_STORY":
        page.goto(f"{base}/kinh-te/")
        return page.locator("main article a[href*='/kinh-te/']").first.get_attribute("href")
    if path in ("STORY_FORM", "STORY_HISTORY"):
        page.goto(f"{base}/{ADMIN}articles/article/?o=1")
        href = page.locator("#result_list tbody tr th a").first.get_attribute("href")
        return href.replace("/change/", "/history/") if path == "STORY_HISTORY" else href
    if path in ("STORY_COMPARE", "STORY_RESTORE"):
        form = _resolve(page, base, "STORY_FORM")
        history = form.replace("/change/", "/history/")
        page.goto(base + history)
        if page.locator("input[name=cu]").count() < 2:
            for _ in range(2):
                page.goto(base + form)
                page.click("input[name=_continue]")
                page.wait_for_load_state()
            page.goto(base + history)
        if path == "STORY_RESTORE":
            return page.locator("td a.button").first.get_attribute("href")
        page.click("#content-main form button[type=submit]")
        page.wait_for_load_state()
        return page.url.removeprefix(base)
    if path == "PHOTO_FORM":
        page.goto(base + _resolve(page, base, "PHOTO_LIST"))
        return page.locator("#result_list tbody tr a[href*='/change/']").first.get_attribute("href")
    if path == "PHOTO_LIST":
        page.goto(f"{base}/{ADMIN}")
        link = page.locator("a[href*='/photo/']").first
        return link.get_attribute("href") if link.count() else f"/{ADMIN}articles/photo/"
    return path


def shoot(base, out):
    from playwright.sync_api import sync_playwright

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    base = base.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        contexts = {}
        for name, user, path in PAGES:
            if user not in contexts:
                contexts[user] = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                                     timezone_id="Asia/Ho_Chi_Minh")
                if user:
                    _login(contexts[user], base, user)
            page = contexts[user].new_page()
            target = _resolve(page, base, path)
            page.goto(base + target if target.startswith("/") else target)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            (out / f"{name}.txt").write_text(page.evaluate(TEXT_SCRIPT) + "\n", encoding="utf-8")
            page.close()
        browser.close()


def compare(before, after):
    from PIL import Image, ImageChops

    before, after = Path(before), Path(after)
    differing = 0
    for name, _, _ in PAGES:
        old_text = (before / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        new_text = (after / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        diff = list(difflib.unified_diff(old_text, new_text, f"before/{name}", f"after/{name}", lineterm="", n=0))
        with Image.open(before / f"{name}.png") as a, Image.open(after / f"{name}.png") as b:
            if a.size != b.size:
                pixels = f"size {a.size} -> {b.size}"
            else:
                box = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox()
                pixels = "identical pixels" if box is None else f"pixels differ in box {box}"
        same = not diff and pixels == "identical pixels"
        differing += not same
        print(f"{name:24} text {'same' if not diff else f'{len(diff) - 2} diff lines'}, {pixels}")
        for line in diff[2:]:
            print("    " + line)
    print(f"{len(PAGES) - differing} of {len(PAGES)} pages identical")
    return differing


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "shoot":
        shoot(*rest)
    elif command == "compare":
        sys.exit(1 if compare(*rest) else 0)
    else:
        sys.exit(__doc__)
