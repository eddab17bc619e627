"""`govukAttributes` in Python (portal/templating.py) writes what GOV.UK Frontend's macro
writes, character for character, for every shape of argument the components give it."""

from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from portal.templating import GOVUK_ATTRIBUTES, govuk_attributes_for


def environment() -> jinja2.Environment:
    """With the portal's settings for templates (trim_blocks and lstrip_blocks: the macro
    then writes no white space of its own; with Jinja's defaults the portal keeps the
    macro)."""
    govuk = jinja2.PrefixLoader(
        {"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}
    )
    return jinja2.Environment(
        # As Flask loads them: by their sources, so each keeps its whole name.
        loader=jinja2.FunctionLoader(lambda name: govuk.get_source(None, name)),  # type: ignore[arg-type]
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


MISSING = object()  # the argument not given at all, as `params.attributes` of a field
ARGUMENTS: list[Any] = [
    MISSING,
    None,
    "",
    {},
    ' data-module="govuk-button"',
    Markup(' data-x="<b>"'),
    {"data-module": "govuk-character-count"},
    {"autocomplete": "email", "spellcheck": False, "aria-describedby": "hint error"},
    {"data-maxlength": 2000, "rows": 8, "disabled": True},
    {'onclick"': 'alert("<x>")', "title": "Tom & Jerry's"},
    {"value": Markup("<b>safe</b>"), "other": "<b>not</b>"},
    # The optional form: output only when there is a value, `name` alone for true.
    {"id": {"value": "x", "optional": True}},
    {"required": {"value": True, "optional": True}},
    {"required": {"value": False, "optional": True}},
    {"required": {"value": None, "optional": True}},
    {"required": {"value": "", "optional": True}},
    {"required": {"value": 0, "optional": True}},
    {"required": {"value": "yes", "optional": False}},
    {"required": {"value": "yes"}},
    {"required": {"optional": True}},
    {"required": {}},
    # A value marked safe in Nunjucks comes as {"val": ...}.
    {"data-x": {"val": "<i>", "length": 1}},
    {"data-x": {"val": None}},
    {"data-x": {"val": {"value": "v", "optional": True}}},
    {"a": True, "b": None, "c": 1.5, "d": ["x", "y"]},
]


@pytest.mark.parametrize("argument", ARGUMENTS, ids=[str(i) for i in range(len(ARGUMENTS))])
def test_the_python_attributes_write_what_the_macro_writes(argument: Any) -> None:
    env = environment()
    macro = env.get_template(GOVUK_ATTRIBUTES).make_module().govukAttributes
    fast = govuk_attributes_for(env)
    arguments = () if argument is MISSING else (argument,)

    expected = macro(*arguments)
    written = fast(*arguments)

    assert written == expected
    assert isinstance(written, Markup) and isinstance(expected, Markup)


def test_a_component_renders_the_same_with_either() -> None:
    """The portal's Template class hands the components the Python version."""
    from portal.templating import Template

    env = environment()
    params = {
        "id": "email",
        "name": "email",
        "label": {"text": "Email <address>"},
        "value": "a&b@example.com",
        "attributes": {"spellcheck": False, "autocomplete": "email"},
        "formGroup": {"attributes": {"data-x": {"value": "1", "optional": True}}},
    }
    source = '{% from "govuk_frontend_jinja/components/input/macro.html" import govukInput %}'
    call = source + "{{ govukInput(params) }}"
    expected = env.from_string(call).render(params=params)
    portal = environment()
    portal.template_class = Template
    assert portal.from_string(call).render(params=params) == expected
    module = portal.get_template(GOVUK_ATTRIBUTES)._get_default_module()  # type: ignore[attr-defined]
    assert not isinstance(module.govukAttributes, jinja2.runtime.Macro)
    assert 'spellcheck="false"' in expected and 'data-x="1"' in expected
