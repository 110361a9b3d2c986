import re

from playwright.sync_api import Page, expect


def sign_in(page: Page, demo_url: str, username: str) -> None:
    page.goto(demo_url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    # The account may keep another language from an earlier journey: these read English.
    if page.locator("html").get_attribute("lang") != "en":
        page.locator("#language-select").select_option("en")
        page.locator("form.lang button").click()
    expect(page.get_by_role("heading", name="My processes")).to_be_visible()


def test_delegation_head_reads_the_mandate_and_switches_language(page: Page, demo_url: str) -> None:
    sign_in(page, demo_url, "stepanakert")
    expect(page.get_by_role("status").first).to_contain_text("two-factor sign-in is not required")
    page.get_by_role("link", name="Stepanakert–Baku dialogue").click()
    expect(page.get_by_role("heading", name="Stepanakert–Baku dialogue")).to_be_visible()
    page.get_by_role("navigation", name="Process").get_by_role("link", name="Mandate").click()
    scope = page.locator("ul.scope li")
    expect(scope).to_have_count(5)
    expect(scope.nth(3)).to_have_text("Reopening of the Stepanakert–Goris road")
    expect(page.get_by_text("Strengthen the ceasefire")).to_be_visible()
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("link", name="Мои процессы")).to_be_visible()
    assert re.search(r"[А-Яа-я]", page.locator("main").inner_text())


def test_head_adds_a_delegate_with_the_keyboard(page: Page, demo_url: str) -> None:
    sign_in(page, demo_url, "baku")
    page.get_by_role("link", name="Stepanakert–Baku dialogue").click()
    page.get_by_role("link", name="Delegation of Baku").click()
    page.get_by_label("Username").fill("no-such-person")
    page.get_by_label("Username").press("Enter")
    expect(page.get_by_text("no account of that name can join this delegation")).to_be_visible()
    page.get_by_label("Username").fill("outsider")
    page.get_by_label("Role").select_option("delegate")
    page.get_by_role("button", name="Add to delegation").click()
    expect(page.get_by_role("status").last).to_contain_text("joined the delegation")
    expect(page.get_by_role("cell", name="Outsider (outsider)")).to_be_visible()
    page.get_by_role("button", name="Remove Outsider").click()
    expect(page.get_by_role("cell", name="Outsider (outsider)")).to_have_count(0)


def test_outsider_finds_no_trace_of_the_process(page: Page, demo_url: str) -> None:
    sign_in(page, demo_url, "outsider")
    expect(page.get_by_text("You take part in no process yet")).to_be_visible()
    response = page.goto(demo_url + "/processes/1/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
