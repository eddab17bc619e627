"""A public form page's HTML made once a worker for each shape, the person's answers put
in each time it is shown (issue 19): the question pages, get help now, save and come back
later, and check your answers (`answers_page`: each question and answer a mark); and
the pages made only of plain values and the person's reference and token (`plain_page`:
the confirmation and the tracking page).

A page shows nothing of the person but what they typed (`shares_rendered_fields`: its
words come from our choices only) and the token that guards its form. So it is made once
for each template, language, address, context and shape of its fields (each choice made,
whether each box has text), with a mark where each typed answer goes (`fields.marking`),
and kept; each view puts the answers in, escaped and indented as the macros would, and
the token. `KEPT_PAGES_CHECK` (the tests' setting) makes every page again in full and
fails when the two differ; `KEPT_PAGES=false` makes every page in full.
"""

import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import FunctionType
from typing import Any

from flask import current_app, render_template, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import escape, soft_str
from wtforms.csrf.core import CSRFTokenField

from portal import fields

_KEPT: dict[tuple[object, ...], str] = {}
_MOST = 512
_LOCK = threading.Lock()
# Where the form's token goes: a token of this process's own, which nobody can type.
_TOKEN = f"portal{secrets.token_hex(8)}token"
# The context processors' values that are the request itself, not words on the page.
_NOT_WORDS = frozenset({"request", "session", "g", "current_user"})
# What the shape keys instead, and the marks stand for.
_MARKED = frozenset({"form", "rows", "files"})
# A person's own value a plain page may hold: the same wherever it is written (text, an
# attribute, an address), and long enough never to be a part of the page's own words.
_WRITTEN_AS_IS = re.compile(r"[A-Za-z0-9_-]{6,}")


class KeptPageDiffers(AssertionError):
    """A kept page filled in is not the page made in full (KEPT_PAGES_CHECK)."""


class _NotKeepable(Exception):
    """An answer a kept page cannot show exactly as the macros would (see `_indented`)."""


def form_page(template: str, form: fields.PortalForm, **context: Any) -> str:
    """`render_template(template, form=form, **context)`, from the kept page where one
    may be."""
    context["form"] = form
    if form.errors or not form.shares_rendered_fields():
        return render_template(template, **context)
    by_name = {field.name: field for field in form}
    shape = (
        type(form).__name__,
        # A question's words may follow an earlier choice (`QuestionForm.earlier_choice`).
        tuple(
            sorted(
                (step, name, repr(form.earlier.get(step, {}).get(name)))
                for step, name in getattr(form, "earlier_read", ())
            )
        ),
        tuple(_shape(field) for field in form),
    )

    def marked() -> str:
        with fields.marking():
            return render_template(template, **context)

    return _kept(
        template, context, shape, marked, lambda name, part: by_name[name], fields.typed_part
    )


def answers_page(template: str, rows: list[Any], files: list[Any], **context: Any) -> str:
    """Check your answers (`render_template(template, rows=rows, files=files,
    **context)`): the same page for every set of answers to the same questions. Each
    question, answer and file name is a mark; a question's mark is also shown in lower
    case ("Change what happened"), so its name's case says which is which."""
    context |= {"rows": rows, "files": files}
    words = {f"Q{n}": row.question for n, row in enumerate(rows)}
    words |= {f"A{n}": row.answer for n, row in enumerate(rows)}
    words |= {f"F{n}": file.filename for n, file in enumerate(files)}
    shape = (tuple((row.step, row.field_id) for row in rows), len(files))

    def marked() -> str:
        marks = [
            replace(row, question=_marked(f"Q{n}"), answer=_marked(f"A{n}"))
            for n, row in enumerate(rows)
        ]
        names = [_FileName(_marked(f"F{n}")) for n in range(len(files))]
        return render_template(template, **(context | {"rows": marks, "files": names}))

    def word(name: str, part: int) -> Any:
        if name in words:
            return words[name]
        return soft_str(words[name.upper()]).lower()  # the mark's name lowered: `| lower`

    return _kept(template, context, shape, marked, lambda name, part: name, word)


def plain_page(template: str, secret: tuple[str, ...], **context: Any) -> str:
    """`render_template(template, **context)` for a page that reads nothing but plain
    values (words, dates, numbers and frozen dataclasses of them: their repr is the key,
    so nothing read from the database may be passed), the person's own among them named
    in `secret` (their reference, the token in their link). The page is made for the
    first person with each set of the other values; wherever one of theirs is written
    in it (the text, the links, the language switch's address) a mark is put, and each
    next person's put in. No form: the page neither shows nor makes a token."""
    theirs = {f"S{n}": str(context[name]) for n, name in enumerate(secret) if context[name]}
    if not all(_WRITTEN_AS_IS.fullmatch(value) for value in theirs.values()):
        return render_template(template, **context)
    return _kept(
        template,
        context,
        tuple(theirs),
        lambda: render_template(template, **context),
        lambda name, part: theirs[name],
        lambda value, part: value,
        not_key=frozenset(secret),
        token=False,
        theirs=theirs,
    )


@dataclass
class _FileName:
    filename: str


def _marked(name: str) -> str:
    return fields.mark_named(name, 0)


def _kept(
    template: str,
    context: dict[str, Any],
    shape: tuple[object, ...],
    marked: Callable[[], str],
    find: Callable[[str, int], Any],
    text: Callable[[Any, int], Any],
    *,
    not_key: frozenset[str] = _MARKED,
    token: bool = True,
    theirs: dict[str, str] | None = None,
) -> str:
    """The page from its kept HTML (made by `marked` the first time), each mark filled
    with `text(find(name, part), part)`; in full if kept pages are off, if a text cannot
    be put in exactly, for a page with a one-time message (the session expired), or for
    someone signed in (an advocate filing for a child: the page fills in what their
    account knows)."""
    if not current_app.config["KEPT_PAGES"] or "_flashes" in session or "_user_id" in session:
        return render_template(template, **context)
    key: tuple[object, ...] = (*_where(template, context, not_key), shape)
    if theirs:  # the person's values, wherever the key holds them, stand for anyone's
        key = (template, _without(repr(key), theirs, lambda name: f"\0{name}"))
    page = _KEPT.get(key)
    if page is None:
        page = marked().replace(generate_csrf(), _TOKEN) if token else marked()
        page = _without(page, theirs or {}, _marked)
        with _LOCK:
            if len(_KEPT) >= _MOST:
                del _KEPT[next(iter(_KEPT))]  # the oldest
            _KEPT[key] = page

    def answer(found: Any) -> str:
        name, part, indent = found.group(1), int(found.group(2)), found.group(3)
        return _indented(str(escape(text(find(name, part), part))), indent)

    try:
        html = fields.MARKS.sub(answer, page)
        if token:
            html = html.replace(_TOKEN, generate_csrf())
    except _NotKeepable:
        return render_template(template, **context)
    if current_app.config["KEPT_PAGES_CHECK"]:
        made = render_template(template, **context)
        if made != html:
            raise KeptPageDiffers(template)
    return html


def _without(text: str, theirs: dict[str, str], mark: Callable[[str], str]) -> str:
    """`text` with each of a person's values (`theirs`, by mark name) marked."""
    for name, value in theirs.items():
        text = text.replace(value, mark(name))
    return text


def _where(template: str, context: dict[str, Any], marked: frozenset[str]) -> tuple[object, ...]:
    """The page and everything its templates read besides the marked values: the view's
    values and the context processors' (the council, the language switch), as text."""
    words = {name: value for name, value in context.items() if name not in marked}
    for blueprint in (None, *request.blueprints):
        for processor in current_app.template_context_processors.get(blueprint, ()):
            words.update(current_app.ensure_sync(processor)())
    shown = tuple(
        sorted((name, _said(value)) for name, value in words.items() if name not in _NOT_WORDS)
    )
    return (
        template,
        str(get_locale()),
        request.script_root,
        request.path,
        request.query_string,
        shown,
    )


def _said(value: Any) -> object:
    """A value as the key holds it: a function (a link maker) by its code and what it
    closes over, anything else by its repr."""
    if isinstance(value, FunctionType):
        cells = tuple(repr(cell.cell_contents) for cell in value.__closure__ or ())
        return (value.__code__, cells)
    return repr(value)


def _shape(field: Any) -> tuple[object, ...]:
    if isinstance(field, CSRFTokenField):
        return (field.name, "the token")  # the page's token, put in as the form's own
    typing = fields.marked_typing(field)
    choices = getattr(field, "choices", None)
    return (
        field.name,
        type(field).__name__,
        str(field.label.text),
        str(field.description),
        tuple((str(value), str(label)) for value, label, *_ in choices) if choices else None,
        # What a choice field holds is ours; a field shown without marks shows its value.
        typing if typing is not None else repr(field._value() if not choices else field.data),
    )


def _indented(typed: str, indent: str) -> str:
    """Typed text as the macros' `indent` filters leave it, `indent` being what they put
    before the mark's second line (Jinja splits the text into lines, joins them with
    "\\n" and indents each line that is not empty). Text ending in a line break would
    indent what follows it too: not kept (typed text is stripped, so it never does)."""
    lines = typed.splitlines()
    if not indent or not lines:
        return typed
    if typed.splitlines(keepends=True)[-1:] != lines[-1:]:
        raise _NotKeepable
    return "\n".join([lines[0], *(indent + line if line else line for line in lines[1:])])
