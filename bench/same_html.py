"""The public pages' HTML, saved so that a change meant to make them faster can be shown
to change none of them, byte for byte (issue 19).

    .venv/bin/python bench/same_html.py OUT               # save the pages in OUT
    .venv/bin/python bench/same_html.py OUT --against OLD # save, then compare with OLD

On a temporary SQLite database (the migrations and the demo teams), with the test client,
six journeys in English and in Welsh: each question first seen, sent empty, sent with
wrong answers (a choice we do not offer, hostile text too long for its box, a date that
is not one), then answered and seen again with its answers; check your answers, get help
now, save and come back later, the confirmation after Send and the tracking page; then
the start page and the page not found. The CSRF tokens, nonces and tracking links' tokens
are blanked (they differ on every run). Run it on the commit before a change (OUT), then
after it `--against` that folder: it prints each page that differs and exits non-zero.
With `--afresh` no field comes from the HTML kept for everyone (portal/fields.py): the
pages as GOV.UK's macros make them, to compare the kept ones with.
"""

import argparse
import difflib
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from common import ROOT, build_schema, create_database, make_app

JOURNEYS = [
    ("complaint", "parent"),
    ("complaint", "child"),
    ("representation", "professional"),
    ("compliment", "advocate"),
    ("advocacy", "child"),
    ("complaint", "relative"),
]
HOSTILE = "<script>alert('x')</script> & \"quoted\" {{ 7*7 }} " * 120
BLANKS = [
    (re.compile(r'(name="csrf_token"[^>]*value=")[^"]*'), r"\1-"),
    (re.compile(r'(value=")[^"]*("[^>]*name="csrf_token")'), r"\1-\2"),
    (re.compile(r'(nonce=")[^"]*'), r"\1-"),
    (re.compile(r"(/track/[^/\s\"<]+/)[A-Za-z0-9_\-]+"), r"\1-"),
]
FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>")
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def blanked(html: str) -> str:
    for pattern, replacement in BLANKS:
        html = pattern.sub(replacement, html)
    return html


def wrong_answers(html: str) -> dict[str, Any]:
    """For every field on the page, an answer it must refuse."""
    wrong: dict[str, Any] = {}
    for _tag, attributes in FIELD.findall(html):
        found = dict(ATTRIBUTE.findall(attributes))
        name, kind = found.get("name"), found.get("type", "text")
        if not name or name == "csrf_token" or kind in ("hidden", "submit", "file"):
            continue
        if kind in ("radio", "checkbox"):
            wrong[name] = "not-one-of-ours"
        elif name.endswith(("-day", "-month", "-year")) or "date" in name:
            wrong.setdefault(name, []).append("31")
            wrong[name] = ["31", "Febtember", "20x5"][: len(wrong[name])]
        else:
            wrong[name] = HOSTILE
    return wrong


class Walk:
    def __init__(self, app: Any, out: Path) -> None:
        sys.path.insert(0, str(ROOT / "tests" / "integration"))
        self.app = app
        self.out = out
        self.count = 0

    def keep(self, name: str, response: Any) -> str:
        html = response.get_data(as_text=True)
        self.count += 1
        safe = re.sub(r"[^\w.-]+", "_", name)
        (self.out / f"{self.count:03d}-{safe}.html").write_text(
            f"<!-- {response.status_code} -->\n{blanked(html)}"
        )
        return str(html)

    def journey(self, kind: str, role: str, language: str) -> None:
        from journey_helpers import Journey, answers_for  # type: ignore[import-not-found]

        client = self.app.test_client()
        client.get(f"/?lang={language}")
        journey = Journey(client, kind)
        with self.app.app_context():
            answers = answers_for(kind, role, who_are_you={"role": role})
        label = f"{language}-{kind}-{role}"
        step = "who-are-you"
        asked: list[str] = []
        while step != "check-answers" and step not in asked:
            asked.append(step)
            html = self.keep(f"{label}-{step}-first", client.get(journey.url(step)))
            self.keep(f"{label}-{step}-empty", journey.post(step, {}))
            if step != "files":
                self.keep(f"{label}-{step}-wrong", journey.post(step, wrong_answers(html)))
            given = answers.get(step)
            if given is None:
                print(f"{label}: asked {step}, which has no answer here; stopped")
                return
            step = journey.answer(step, given)
            self.keep(f"{label}-{asked[-1]}-answered", client.get(journey.url(asked[-1])))
        self.keep(f"{label}-check-answers", client.get(journey.url("check-answers")))
        self.keep(f"{label}-get-help-now", client.get(journey.url("get-help-now?then=contact")))
        self.keep(f"{label}-save-for-later", client.get(journey.url("save-for-later?step=contact")))
        sent = journey.send()
        assert sent.status_code == 302, (label, sent.status_code)
        self.keep(f"{label}-confirmation", client.get(sent.location))

    def tracking(self) -> None:
        from portal.extensions import db
        from portal.models import OutboxMessage

        with self.app.app_context():
            rows = db.session.execute(sa.select(OutboxMessage.__table__)).mappings().all()
            links = sorted(
                set(
                    re.findall(
                        r"/track/[^/\s\"\\]+/[A-Za-z0-9_\-]+",
                        " ".join(str(value) for row in rows for value in row.values()),
                    )
                )
            )
        for language in ("en", "cy"):
            client = self.app.test_client()
            client.get(f"/?lang={language}")
            for number, link in enumerate(links):
                self.keep(f"{language}-tracking-{number}", client.get(link))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--against", type=Path, help="pages saved before, to compare")
    parser.add_argument(
        "--afresh",
        action="store_true",
        help="every field made by its GOV.UK macro, none from kept HTML (portal/fields.py)",
    )
    args = parser.parse_args()
    if args.afresh:
        from portal import fields

        fields._shared_key = lambda *arguments: None  # type: ignore[assignment]
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.html"):
        old.unlink()
    os.environ.pop("DATABASE_URL", None)
    database = create_database(Path(tempfile.mkdtemp(prefix="portal-same-html-")))
    try:
        app = make_app(
            database.url,
            WELSH_ENABLED=True,
            SUBMISSION_RATE_LIMIT="100000 per minute",
            TRACKING_RATE_LIMIT="100000 per minute",
        )
        build_schema(app)
        walk = Walk(app, args.out)
        for language in ("en", "cy"):
            for kind, role in JOURNEYS:
                walk.journey(kind, role, language)
        walk.tracking()
        for language in ("en", "cy"):
            client = app.test_client()
            client.get(f"/?lang={language}")
            walk.keep(f"{language}-start", client.get("/"))
            walk.keep(f"{language}-not-found", client.get("/no-such-page"))
    finally:
        database.drop()
    print(f"{walk.count} pages saved in {args.out}")
    if args.against is None:
        return
    before = sorted(p.name for p in args.against.glob("*.html"))
    after = sorted(p.name for p in args.out.glob("*.html"))
    differ = [
        name
        for name in after
        if name in before and (args.out / name).read_bytes() != (args.against / name).read_bytes()
    ]
    missing = sorted(set(before) ^ set(after))
    for name in differ[:5]:
        old = (args.against / name).read_text().splitlines()
        new = (args.out / name).read_text().splitlines()
        print("".join(f"{line}\n" for line in difflib.unified_diff(old, new, name, name, n=1)))
    print(f"{len(after)} pages compared with {args.against}: {len(differ)} differ", end="")
    print(f", {len(missing)} in one folder only: {missing[:10]}" if missing else "")
    sys.exit(1 if differ or missing else 0)


if __name__ == "__main__":
    main()
