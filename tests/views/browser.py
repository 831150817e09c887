"""A small browser for view tests: one cookie jar (so the session and its CSRF token
last from the page to the post), log-in through CKAN's login form, and forms read from
the page and posted as a browser posts them.

What the page's JavaScript changes before a post is applied here too:

- scheming's ``scheming-repeating-subfields`` removes the hidden ``repeating-template``
  copy of the sub-fields;
- the extension's ``provincialstats-dataset-form`` disables the fields that do not
  apply to the chosen data type, and a ``*_other`` field whose parent does not say
  "other" (rules in the ``data-provincialstats-*`` attributes of each field's wrapper).
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

CSRF_FIELD = "_csrf_token"


class Control:
    """One form control: an input, a select, a textarea or a submit button."""

    def __init__(self, tag, attrs, wrappers, in_template):
        self.tag = tag
        self.attrs = attrs
        self.name = attrs.get("name")
        self.type = (attrs.get("type") or ("text" if tag == "input" else tag)).lower()
        self.wrapper = wrappers[-1] if wrappers else None
        self.in_template = in_template
        self.options = []  # select: [(value, selected)]
        self.text = ""

    @property
    def is_button(self):
        return self.tag == "button" or self.type in ("submit", "image", "reset", "button")

    def values(self):
        """What the control sends when the form is posted as the page shows it."""
        if self.name is None or "disabled" in self.attrs or self.is_button:
            return []
        if self.type == "file":
            return []
        if self.type in ("checkbox", "radio"):
            return [self.attrs.get("value", "on")] if "checked" in self.attrs else []
        if self.tag == "select":
            chosen = [value for value, selected in self.options if selected]
            if not chosen and self.options and "multiple" not in self.attrs:
                chosen = [self.options[0][0]]
            return chosen
        if self.tag == "textarea":
            return [self.text[1:] if self.text.startswith("\n") else self.text]
        return [self.attrs.get("value", "")]

    def choices(self):
        """The values a user can pick (None: free text)."""
        if self.tag == "select":
            return [value for value, _selected in self.options]
        if self.type in ("checkbox", "radio"):
            return [self.attrs.get("value", "on")]
        return None


class Form:
    def __init__(self, attrs):
        self.attrs = attrs
        self.controls: list[Control] = []

    @property
    def action(self):
        return self.attrs.get("action") or ""

    def names(self):
        return {c.name for c in self.controls if c.name}

    def button(self, name, value=None):
        for control in self.controls:
            if control.is_button and control.name == name and (
                    value is None or control.attrs.get("value", "") == value):
                return control
        raise AssertionError("no button %s=%r in the form" % (name, value))

    def fill(self, values, button=None, js=True):
        """The pairs a browser posts after the user typed ``values`` ({name: value or
        list}) and pressed ``button`` ((name, value)); with ``js`` as the page's
        JavaScript leaves the form."""
        controls = [c for c in self.controls if c.name and not c.is_button]
        if js:
            controls = [c for c in controls if not c.in_template]
        typed = {name: value if isinstance(value, list) else [value]
                 for name, value in values.items()}
        for name, wanted in typed.items():
            found = [c for c in controls if c.name == name]
            assert found, "the form has no field %r" % name
            choices = [v for c in found if c.choices() is not None for v in c.choices()]
            if any(c.choices() is not None for c in found):
                missing = [v for v in wanted if v not in choices]
                assert not missing, "%s: %r not offered (offered: %r)" % (
                    name, missing, choices)
        current = {}
        for control in controls:
            current.setdefault(control.name, []).extend(control.values())
        current.update(typed)
        if js:
            hidden = {c.name for c in controls if not _applies(c, current)}
            current = {name: v for name, v in current.items() if name not in hidden}
        pairs = [(name, value) for name, values_ in current.items() for value in values_]
        if button is not None:
            control = self.button(*button)
            pairs.append((control.name, control.attrs.get("value", "")))
        return pairs


def _applies(control, current):
    """Whether provincialstats-dataset-form leaves the control enabled."""
    wrapper = control.wrapper
    if wrapper is None:
        return True
    data_types = wrapper.get("data-provincialstats-data-types")
    data_type = (current.get("data_type") or [""])[0]
    if data_types is not None and data_type not in json.loads(data_types):
        return False
    parent = wrapper.get("data-provincialstats-other-of")
    if parent:
        others = json.loads(wrapper.get("data-provincialstats-other-values") or "[]")
        return any(value in others for value in current.get(parent, []))
    return True


class Page(HTMLParser):
    """The forms of an HTML page, its ``<meta>`` values and its links' attributes."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.meta = {}
        self.links = []
        self._form = None
        self._divs = []  # (is wrapper, is repeating template) per open <div>
        self._wrappers = []
        self._select = None
        self._option = None
        self._textarea = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {k: ("" if v is None else v) for k, v in attrs}
        if tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content")
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs)
        elif tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
        elif tag == "div":
            wrapper = "data-provincialstats-field" in attrs
            self._divs.append((wrapper, attrs.get("name") == "repeating-template"))
            if wrapper:
                self._wrappers.append(attrs)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None:
            control = Control(tag, attrs, self._wrappers,
                              any(template for _w, template in self._divs))
            self._form.controls.append(control)
            if tag == "select":
                self._select = control
            elif tag == "textarea":
                self._textarea = control
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "div" and self._divs:
            wrapper, _template = self._divs.pop()
            if wrapper:
                self._wrappers.pop()
        elif tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def _close_option(self):
        if self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select.options.append((text.strip() if value is None else value,
                                         selected))
        self._option = None

    def form(self, **attrs):
        """The form whose attributes include ``attrs`` (``id="dataset-edit"``), or the
        only form that posts to the page itself when none are given."""
        found = [f for f in self.forms
                 if all(f.attrs.get(k) == v for k, v in attrs.items())]
        if not attrs:
            found = [f for f in self.forms
                     if f.attrs.get("method", "").lower() == "post"
                     and not f.action.startswith(("/user/_logout", "/util/redirect"))]
        assert len(found) == 1, "expected one form %r, found %d" % (attrs, len(found))
        return found[0]


class Browser:
    """One user's browser on CKAN's test app."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, url, status=200):
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code)
        return response

    def page(self, url):
        return Page(self.get(url).body)

    def post(self, url, pairs, status=None, follow=True):
        response = self.client.post(url, data=_multi(pairs), follow_redirects=follow)
        if status is not None:
            assert response.status_code == status, (
                url, response.status_code, _flash(response.body))
        return response

    def submit(self, url, values, form=None, button=None, token=True, status=None):
        """Open ``url``, fill its form with ``values`` and press ``button``; without
        ``token`` the page's CSRF token is taken out of the post (a forged request)."""
        page = self.page(url)
        chosen = page.form(**(form or {}))
        pairs = chosen.fill(values, button=button)
        if not token:
            pairs = [(name, value) for name, value in pairs if name != CSRF_FIELD]
        else:
            assert any(name == CSRF_FIELD and value for name, value in pairs), (
                "the form carries no CSRF token")
        return self.post(chosen.action or url, pairs, status=status)

    def confirm(self, url, href, token=True, status=None):
        """Press the link to ``href`` on the page at ``url`` whose ``confirm-action``
        module posts it (CKAN's module adds the token of the page's ``<meta>``)."""
        page = self.page(url)
        assert any(link["href"] == href and link.get("data-module") == "confirm-action"
                   for link in page.links), "no confirm-action link to %s" % href
        field = page.meta["csrf_field_name"]
        pairs = [(field, page.meta[field])] if token else []
        return self.post(href, pairs, status=status)

    def log_in(self, name, password):
        response = self.submit("/user/login", {"login": name, "password": password})
        assert response.request.path != "/user/login", "log-in failed"
        return response


def _multi(pairs):
    from werkzeug.datastructures import MultiDict
    return MultiDict(pairs)


def _flash(html):
    """The error messages of a page (for assertion messages)."""
    return re.findall(r'class="(?:alert[^"]*|error-block)"[^>]*>\s*(.*?)<', html, re.S)
