"""The case search: one form across every case, open and closed; the cases found that
this person may see (services/search.py). Searched by POST, so that what was searched for
(names, dates of birth) is in no address, access log or browser history."""

from flask import render_template

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import me
from portal.backoffice.forms import CaseSearchForm
from portal.domain.access import Permission
from portal.numbers import whole_number
from portal.services import search


@bp.route("/search", methods=["GET", "POST"])
@requires(Permission.VIEW_CASES)
def case_search() -> str:
    form = CaseSearchForm()
    found = None
    if form.validate_on_submit():
        terms = search.SearchTerms(
            reference=form.reference.data or "",
            name=form.name.data or "",
            email=form.email.data or "",
            phone=form.phone.data or "",
            postcode=form.postcode.data or "",
            child_date_of_birth=form.child_date_of_birth.data,
            words=form.words.data or "",
        )
        found = search.search(me(), terms, page=whole_number(form.page.data) or 1)
    return render_template("backoffice/search.html", form=form, found=found)
