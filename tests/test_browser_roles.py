"""Issue 13's "done when": each role's day in the browser, with no dead end. For each
role of the demo (grid worker on a phone; community staff, street supervisor, district
office, city office and inspector on a desk and on a phone), every link of the role's
menu opens (200), a Chinese page shows no English word, and nothing scrolls sideways on
a phone. A screenshot of each page lands in var/screenshots/roles/."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
PASSWORD = "Demo@2022"

# (demo login, viewports)
ROLES = {
    "grid": ("phone",),
    "tongda": ("desk", "phone"),
    "street": ("desk", "phone"),
    "xiaodian": ("desk", "phone"),
    "city": ("desk", "phone"),
    "inspector": ("desk", "phone"),
    "hotel": ("phone",),  # a quarantine hotel's staff tick the day's checklist on a phone
}
# Words that are not English prose on a Chinese page: names of formats and standards.
ALLOWED = {
    # in the official names of vaccine products: 灭活疫苗（Vero细胞）, 重组蛋白疫苗（CHO细胞）
    "Vero",
    "CHO",
    "API",
    "PDF",
    "CSV",
    "JSON",
    "Excel",
    "xlsx",
    "SMS",
    "GB",
    "QR",
    "PNG",
    "JPEG",
    "UTF",
    "GBK",
    "xls",
}
WORD = re.compile(r"[A-Za-z]{3,}")

# The page's visible text, leaving out data shown as it is (user names, codes in
# monospace) and the language picker, which names English in English.
VISIBLE_TEXT = """() => {
  const skip = document.querySelectorAll(
    '.font-monospace, code, select[name=language], script, style, noscript');
  skip.forEach(e => e.setAttribute('data-skip-text', ''));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (el.closest('[data-skip-text]')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    parts.push(node.textContent);
  }
  return parts.join(' ');
}"""


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, residents=60, shops=30)


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=role]")


def menu_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
    )
    return sorted({h.split("#")[0] for h in hrefs if h and not h.startswith("/admin")})


def english_words(page) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    return sorted({w for w in WORD.findall(text) if w not in ALLOWED})


@pytest.mark.parametrize("username", ROLES)
def test_every_menu_link_of_the_role_opens_in_chinese_without_sideways_scrolling(
    page, live_server, demo, screenshot_dir, username
):
    folder = screenshot_dir / "roles"
    folder.mkdir(exist_ok=True)
    problems = []
    for viewport in ROLES[username]:
        page.set_viewport_size(PHONE if viewport == "phone" else DESK)
        sign_in(page, live_server, username)
        links = menu_links(page)
        assert len(links) >= 4, links
        for link in links:
            response = page.goto(f"{live_server.url}{link}")
            page.wait_for_load_state("networkidle")
            slug = link.strip("/").replace("/", "_") or "home"
            page.screenshot(path=folder / f"{username}_{viewport}_{slug}.png", full_page=True)
            if response.status != 200:
                problems.append(f"{viewport} {link}: {response.status}")
                continue
            words = english_words(page)
            if words:
                problems.append(f"{viewport} {link}: English {words[:8]}")
            if viewport == "phone":
                wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if wide > 0:
                    problems.append(f"phone {link}: {wide} px wider than the screen")
    assert problems == [], "\n".join(problems)
