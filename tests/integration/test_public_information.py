"""The pages a public body must publish (issue 13, section 5): the privacy notice (UK GDPR
article 13), the accessibility statement (the 2018 regulations' model) and the cookies
page, each with the council's details from configuration; every question that asks for
personal data links to the privacy notice; and the cookies page names every cookie the
portal sets, and nothing else. (In Welsh: test_welsh.py. In the footer of every public
page, and axe and the Nu checker on each: tests/browser.)"""

from collections.abc import Callable
from datetime import date
from typing import Any

import textstat
from backoffice_helpers import browser, sign_in_as_manager
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, Page, answers_for, page_of

from portal.domain.types import Kind


def open_page(client: FlaskClient, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return page_of(response)


def links_to(page: Page, href: str) -> list[dict[str, str]]:
    return [a.attrs | {"text": a.text} for a in page.find_all("a") if a.attrs.get("href") == href]


def headings(page: Page) -> list[str]:
    return [" ".join(h.text.split()) for h in page.find_all() if h.tag in ("h1", "h2", "h3")]


# --- the privacy notice ------------------------------------------------------------------------


def test_the_privacy_notice_says_who_decides_what_is_done_with_the_information_and_why(
    app: Flask, client: FlaskClient
) -> None:
    app.config.update(
        COUNCIL_DPO_EMAIL="dpo@elsewhere.example",
        COUNCIL_DPO_ADDRESS="Information Governance, 2 High Street, Elsewhere, EL1 1AA",
        RETENTION_YEARS=7,
        PRIVACY_NOTICE_UPDATED=date(2026, 11, 2),
    )
    page = open_page(client, "/privacy")
    text = page.text
    assert headings(page)[:2] == ["How we use your information", "The short version"]
    # Who the controller is, and how to reach them and their data protection officer.
    assert f"{app.config['COUNCIL_NAME']} is responsible for the information" in text
    assert "“data controller”" in text
    assert app.config["COUNCIL_ADDRESS"] in text
    assert links_to(page, "mailto:dpo@elsewhere.example")
    assert "Information Governance, 2 High Street, Elsewhere, EL1 1AA" in text
    # The lawful basis: a public task, and DPA 2018 Schedule 1 for special category data.
    assert "Children Act 1989 (sections 26 and 26A)" in text
    assert "“public task”" in text and "article 6(1)(e)" in text
    assert "article 9(2)(g)" in text and "Schedule 1, Part 2" in text
    # Who it goes to: the team, the advocacy service, safeguarding, the ombudsman.
    for shared in (
        "children's services team your message is about",
        "independent advocacy service",
        "the people who keep children safe",
        "Local Government and Social Care Ombudsman",
    ):
        assert shared in text
    assert "Public Services Ombudsman for Wales" not in text
    # How long, from the configured retention period.
    assert "7 years after it ends" in text
    assert "We keep it for 7 years after we finish with it." in text
    # The rights, and the regulator.
    for right in ("see the information", "correct", "delete", "limit how", "object to"):
        assert right in text
    assert links_to(page, "https://ico.org.uk/make-a-complaint/")
    assert "0303 123 1113" in text
    assert "We last changed this notice on Monday 2 November 2026." in text


def test_in_wales_the_privacy_notice_names_the_welsh_law_ombudsman_and_regulator_office(
    app: Flask, client: FlaskClient
) -> None:
    app.config["JURISDICTION"] = "wales"
    text = open_page(client, "/privacy").text
    assert "Social Services and Well-being (Wales) Act 2014" in text
    assert "Children Act 1989" not in text
    assert "Public Services Ombudsman for Wales" in text
    assert "Local Government and Social Care Ombudsman" not in text
    assert "Churchill House, Churchill Way, Cardiff, CF10 2HH" in text


def test_a_child_can_read_the_short_version_at_the_top_of_the_privacy_notice(
    client: FlaskClient,
) -> None:
    """The same measure as the children's pages (tests/browser/test_readability.py)."""
    page = open_page(client, "/privacy")
    (summary,) = page.find_all("div", "govuk-inset-text")
    lines = [" ".join(item.text.split()) for item in page.find_all("li")][:6]
    assert all(line in " ".join(summary.text.split()) for line in lines)
    assert textstat.flesch_kincaid_grade(" ".join(lines)) <= 6.0


def test_every_question_asking_for_personal_data_links_to_the_privacy_notice_in_a_new_tab(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    step = "who-are-you"
    pages = []
    while step != "check-answers":
        pages.append((step, journey.get(step)))
        step = journey.answer(step, answers[step])
    pages.append(("save-for-later", open_page(client, f"/{journey.slug}/save-for-later")))
    for step, page in pages:
        (link,) = [
            link
            for link in links_to(page, "/privacy")
            if " ".join(link["text"].split()) == "How we use your information (opens in new tab)"
        ]
        assert link["target"] == "_blank", step
        assert "noopener" in link["rel"], step
    assert {step for step, _ in pages} >= {"who-are-you", "about-the-child", "contact"}


# --- the accessibility statement ---------------------------------------------------------------


def test_the_accessibility_statement_follows_the_model_and_says_what_was_tested(
    app: Flask, client: FlaskClient
) -> None:
    app.config.update(
        COUNCIL_ACCESSIBILITY_EMAIL="access@elsewhere.example",
        STAFF_IDLE_MINUTES=20,
        ACCESSIBILITY_STATEMENT_PREPARED=date(2026, 1, 5),
        ACCESSIBILITY_STATEMENT_REVIEWED=date(2026, 6, 1),
        PUBLIC_BASE_URL="https://complaints.elsewhere.example",
    )
    page = open_page(client, "/accessibility-statement")
    text = page.text
    assert [h for h in page.headings if h][:1] == ["Accessibility statement"]
    for heading in (
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website's accessibility",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in headings(page)
    assert "This accessibility statement applies to https://complaints.elsewhere.example" in text
    assert links_to(page, "mailto:access@elsewhere.example")
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in text
    # The one failure known, with the configured time: no warning without JavaScript.
    assert "signs them out after 20 minutes without doing anything" in text
    assert "offers a button to stay signed in, but not when JavaScript is turned off" in text
    assert "2.2.1 (Timing Adjustable) for people who turn JavaScript off" in text
    assert "prepared on Monday 5 January 2026" in text
    assert "last reviewed on Monday 1 June 2026" in text
    assert "Equality and Human Rights Commission" in text
    assert links_to(page, "https://www.equalityadvisoryservice.com/")
    assert links_to(page, "https://www.equalityni.org/Home")
    assert "We have not yet tested this website with people who use screen readers" in text


# --- the cookies page ----------------------------------------------------------------------------


def test_the_cookies_page_names_every_cookie_the_portal_sets_and_no_other(app: Flask) -> None:
    """A person sends a complaint in Welsh and English, saves answers for later, and a
    manager signs in: every cookie those responses set is listed, with its purpose."""
    set_by_portal: set[str] = set()
    portal = app.wsgi_app

    def noting_cookies(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            for name, value in headers:
                # (Flask-Login sends an order to delete a "remember me" cookie the portal
                # never sets: nothing is stored.)
                if name.lower() == "set-cookie" and "Max-Age=0" not in value:
                    set_by_portal.add(value.split("=", 1)[0].strip())
            return start_response(status, headers, *rest)

        return portal(environ, start)

    app.wsgi_app = noting_cookies  # type: ignore[method-assign]

    person = browser(app)
    person.get("/?lang=cy")
    person.get("/?lang=en")
    Journey(person, Kind.COMPLAINT.value).complete("parent")
    saver = Journey(browser(app), Kind.REPRESENTATION.value)
    saver.answer("who-are-you", {"role": "parent"})
    saver.client.post(
        f"/{saver.slug}/save-for-later",
        data={
            "csrf_token": saver.token,
            "email": "a@example.com",
            "question": "first_pet",
            "answer": "Biscuit",
        },
    )
    sign_in_as_manager(browser(app))

    page = open_page(browser(app), "/cookies")
    listed = {row.text.strip() for row in page.find_all("th") if row.attrs.get("scope") == "row"}
    assert set_by_portal, "no cookie was set at all: the test is not looking"
    assert listed == set_by_portal
    assert "We do not use cookies to measure how people use the website" in page.text
    assert "24 hours after your last visit" in page.text
