"""Test helpers: read forms out of HTML the way a browser would."""
from __future__ import annotations

import re
from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = form_id is None
        self.fields: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button"):
                self.fields.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea:
            current = self.fields[self._textarea][-1]
            if not current and data.startswith(("\r\n", "\n")):  # browsers drop one leading newline
                data = data[2:] if data.startswith("\r\n") else data[1:]
            self.fields[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self.fields[self._select] = chosen
            self._select = None
        if tag == "form" and self.form_id is not None:
            self.inside = False


def form_values(html: str, form_id: str | None = "survey") -> dict[str, list[str]]:
    """The values a browser would send for the form as rendered (before the person edits it)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    return parser.fields


def hidden(html: str, name: str) -> str:
    """The value of a hidden input."""
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden field {name!r}"
    return match.group(1)


def fill_and_post(client, url: str, answers: dict, form_id: str = "survey", follow_redirects=False, **kwargs):
    """GET the form at ``url``, change it with ``answers`` (name -> value or list), POST it."""
    page = client.get(url, **kwargs)
    assert page.status_code == 200, page.status_code
    data = form_values(page.get_data(as_text=True), form_id)
    for name, value in answers.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    action = url.split("?")[0]
    return client.post(action, data=data, follow_redirects=follow_redirects, **kwargs)
