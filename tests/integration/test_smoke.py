import re

from flask.testing import FlaskClient


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_parent_can_make_a_complaint(client: FlaskClient) -> None:
    page = client.get("/make-a-complaint/who-are-you").get_data(as_text=True)
    token = csrf(page)
    steps = [
        ("who-are-you", {"role": "parent"}),
        ("about-the-child", {"child_name": "Sam", "child_date_of_birth": ["1", "2", "2015"], "child_age": ""}),
        ("the-childs-views", {"child_agreement": "agrees", "child_reply_preference": "through_me"}),
        ("what-it-is-about", {"team": "2"}),
        ("what-happened", {"what_happened": "<script>alert(1)</script> nobody came", "when_it_happened": "last_month", "event_date": ["", "", ""]}),
        ("put-it-right", {"put_right": "An apology"}),
        ("advocate", {"advocacy": "accepted"}),
        ("contact", {"name": "Pat", "contact_preference": "email", "email": "pat@example.com"}),
        ("support", {"support": "none"}),
    ]
    for step, data in steps:
        response = client.post(f"/make-a-complaint/{step}", data={**data, "csrf_token": token})
        assert response.status_code == 302, (step, response.get_data(as_text=True)[-3000:])
    page = client.get("/make-a-complaint/check-answers").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; nobody came" in page
    response = client.post("/make-a-complaint/check-answers", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert re.search(r"CSC-\d{4}-0001", page)
