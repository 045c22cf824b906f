"""The HTML views of the Shibboleth IdP emulator, in the shapes of Shibboleth IdP v4/v5.

Each view mirrors a Velocity template of the IdP's default views: `login.vm` (the
password form and its error paragraph), the client-storage read and write views
("Loading Session Information" / "Saving Session Information", form `form1`),
`intercept/attribute-release.vm` (consent), `error.vm`, and OpenSAML's POST-binding
template for the SAMLResponse form. Every form posts to the flow execution URL
(`/idp/profile/SAML2/Unsolicited/SSO?execution=eCsN`); from v4 on each carries the hidden
`csrf_token` that must come back. Pure functions: no state here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

SSO_PATH = "/idp/profile/SAML2/Unsolicited/SSO"
STORAGE_KEYS = ("shib_idp_session_ss", "shib_idp_persistent_ss")

# messages.properties of the IdP (classified authentication errors).
WRONG_PASSWORD = "The password you entered was incorrect."
UNKNOWN_USER = "The username you entered cannot be identified."
ACCOUNT_MESSAGES = {
    "locked": "Your account is locked.",
    "expired": "Your password has expired.",
}
STALE = (
    "Stale Request",
    "You may be seeing this page because you used the Back button while browsing a secure "
    "web site or application. Alternatively, you may have mistakenly bookmarked the web "
    "login form instead of the actual web site you wanted to bookmark or used a copy of a "
    "shortcut/bookmark that's outdated.",
)
CSRF = (
    "CSRF Token Error",
    "The request could not be processed: its CSRF token was missing or invalid.",
)
REFUSED = (
    "Attribute Release Rejected",
    "The service cannot be accessed because you did not consent to the release of your "
    "information to it.",
)
UNSUPPORTED = (
    "Unsupported Request",
    "The application you have accessed is not registered for use with this service.",
)
CONSENT_OPTIONS = (
    ("_shib_idp_doNotRememberConsent", "Ask me again at next login"),
    ("_shib_idp_rememberConsent", "Ask me again if information to be provided changes"),
    ("_shib_idp_globalConsent", "Do not ask me again"),
)


def action_of(execution: str) -> str:
    """The flow execution URL a view's form posts to (relative to the host, as v4/v5 render)."""
    return f"{SSO_PATH}?execution={execution}"


def _csrf(token: str | None) -> str:
    if token is None:  # v3: no CSRF protection
        return ""
    return f'<input type="hidden" name="csrf_token" value="{escape(token)}" />\n'


def _page(title: str, body: str, onload: str = "") -> str:
    load = f' onload="{onload}"' if onload else ""
    return f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>{escape(title)}</title>
    <link rel="stylesheet" type="text/css" href="/idp/css/main.css">
  </head>
  <body{load}>
    <div class="wrapper">
      <div class="container">
        <header>
          <img src="/idp/images/dummylogo.png" alt="Replace or remove this logo">
        </header>
        <div class="content">
{body}
        </div>
      </div>
      <footer>
        <div class="container container-footer">
          <p class="footer-text">Insert your footer text here.</p>
        </div>
      </footer>
    </div>
  </body>
</html>
"""


def login_view(execution: str, csrf: str | None, error: str | None = None, user: str = "") -> str:
    """login.vm: `j_username`, `j_password`, the `_eventId_proceed` button, `donotcache`,
    `_shib_idp_revokeConsent`; a failed login shows `error` in `p.form-element.form-error`."""
    shown = (
        f'            <section>\n              <p class="form-element form-error">'
        f"{escape(error)}</p>\n            </section>\n"
        if error
        else ""
    )
    body = f"""          <div class="column one">
            <form action="{escape(action_of(execution))}" method="post">
            {_csrf(csrf)}
            <legend>Login to <strong>Amazon Web Services</strong></legend>
{shown}            <div class="form-element-wrapper">
              <label for="username">Username</label>
              <input class="form-element form-field" id="username" name="j_username"
                type="text" value="{escape(user)}">
            </div>
            <div class="form-element-wrapper">
              <label for="password">Password</label>
              <input class="form-element form-field" id="password" name="j_password"
                type="password" value="">
            </div>
            <div class="form-element-wrapper">
              <input type="checkbox" name="donotcache" value="1" id="donotcache">
              <label for="donotcache">Don't Remember Login</label>
            </div>
            <div class="form-element-wrapper">
              <input id="_shib_idp_revokeConsent" type="checkbox"
                name="_shib_idp_revokeConsent" value="true">
              <label for="_shib_idp_revokeConsent">Clear prior granting of permission for
                release of your information to this service.</label>
            </div>
            <div class="form-element-wrapper">
              <button class="form-element form-button" type="submit" name="_eventId_proceed"
                onClick="this.childNodes[0].nodeValue='Logging in, please wait...'"
                >Login</button>
            </div>
            </form>
          </div>
          <div class="column two">
            <ul class="list list-help">
              <li class="list-help-item"><a href="#">Forgot your password?</a></li>
              <li class="list-help-item"><a href="#">Need Help?</a></li>
            </ul>
          </div>"""
    return _page("Web Login Service", body)


_READ_SCRIPT = """<script>
"use strict";
function readLocalStorage(key) {
    var success;
    try {
        var value = localStorage.getItem(key);
        if (value != null) {
            document.form1["shib_idp_ls_value." + key].value = value;
        }
        success = "true";
    } catch (e) {
        success = "false";
        document.form1["shib_idp_ls_exception." + key].value = e;
    }
    document.form1["shib_idp_ls_success." + key].value = success;
}
function doLoad() {
    var localStorageSupported = isLocalStorageSupported();
    document.form1["shib_idp_ls_supported"].value = localStorageSupported;
    if (localStorageSupported) {
        readLocalStorage("shib_idp_session_ss");
        readLocalStorage("shib_idp_persistent_ss");
    }
    document.form1.submit();
}
</script>"""

_WRITE_SCRIPT = """<script>
"use strict";
function writeLocalStorage(key, value) {
    var success;
    try {
        localStorage.setItem(key, value);
        success = "true";
    } catch (e) {
        success = "false";
        document.form1["shib_idp_ls_exception." + key].value = e;
    }
    document.form1["shib_idp_ls_success." + key].value = success;
}
function doLoad() {
    writeLocalStorage("shib_idp_session_ss", "%s");
    writeLocalStorage("shib_idp_persistent_ss", "%s");
    document.form1.submit();
}
</script>"""

_NOSCRIPT = (
    "<noscript><p><strong>Note:</strong> Since your browser does not support JavaScript, "
    "you must press the Continue button once to proceed.</p></noscript>"
)


def _storage_view(title: str, execution: str, csrf: str | None, script: str, read: bool) -> str:
    fields = []
    for key in STORAGE_KEYS:
        fields.append(f'<input name="shib_idp_ls_exception.{key}" type="hidden" />')
        fields.append(f'<input name="shib_idp_ls_success.{key}" type="hidden" value="false" />')
        if read:
            fields.append(f'<input name="shib_idp_ls_value.{key}" type="hidden" />')
    if read:
        fields.append('<input name="shib_idp_ls_supported" type="hidden" />')
    inputs = "\n            ".join(fields)
    body = f"""          {script}
          {_NOSCRIPT}
          <form name="form1" action="{escape(action_of(execution))}" method="post">
            {_csrf(csrf)}
            {inputs}
            <input name="_eventId_proceed" type="hidden" />
            <noscript><input type="submit" value="Continue" /></noscript>
          </form>"""
    return _page(title, body, "doLoad()")


def storage_read_view(execution: str, csrf: str | None) -> str:
    """The client-storage read view: `form1`, per key exception/success/value, submitted by
    its script after reading localStorage."""
    return _storage_view("Loading Session Information", execution, csrf, _READ_SCRIPT, True)


def storage_write_view(execution: str, csrf: str | None, blob: str) -> str:
    """The client-storage write view: `form1`, per key exception/success, submitted by its
    script after storing `blob` (the encrypted session record) in localStorage."""
    script = _WRITE_SCRIPT % (blob, blob)
    return _storage_view("Saving Session Information", execution, csrf, script, False)


def consent_view(execution: str, csrf: str | None, attributes: Sequence[tuple[str, str]]) -> str:
    """intercept/attribute-release.vm: the attribute table, the `_shib_idp_consentOptions`
    radios, `_shib_idp_consentIds` per attribute, Reject and Accept buttons."""
    rows = "\n".join(
        f"                <tr><td>{escape(name)}</td><td>{escape(value)}</td></tr>"
        for name, value in attributes
    )
    ids = "\n".join(
        f'              <input type="hidden" name="_shib_idp_consentIds" value="{escape(name)}">'
        for name, _ in attributes
    )
    options = "\n".join(
        f'              <input id="{value}" type="radio" name="_shib_idp_consentOptions" '
        f'value="{value}"{" checked" if value == "_shib_idp_rememberConsent" else ""}>\n'
        f'              <label for="{value}">{label}</label>'
        for value, label in CONSENT_OPTIONS
    )
    body = f"""          <form action="{escape(action_of(execution))}" method="post">
            {_csrf(csrf)}
            <div id="attributeRelease">
              <h1>You are about to access the service: <b>Amazon Web Services</b></h1>
              <table>
                <thead><tr><th colspan="2">Information to be Provided to Service</th></tr>
                </thead>
                <tbody>
{rows}
                </tbody>
              </table>
{ids}
              <div id="consentOptions">
                <p>Select an information release consent duration:</p>
{options}
              </div>
              <input type="submit" name="_eventId_AttributeReleaseRejected" value="Reject">
              <input type="submit" name="_eventId_proceed" value="Accept">
            </div>
          </form>"""
    return _page("Information Release", body)


def error_view(title_and_message: tuple[str, str]) -> str:
    """error.vm: the title "Web Login Service - TITLE" and one paragraph."""
    title, message = title_and_message
    body = f"""          <section>
            <h2>Web Login Service - {escape(title)}</h2>
            <p>{escape(message)}</p>
          </section>"""
    return _page(f"Web Login Service - {title}", body)


def _attribute_escape(text: str) -> str:
    """ESAPI encodeForHTMLAttribute, as OpenSAML's POST template encodes the action:
    every character but letters and digits becomes a hex entity."""
    return "".join(c if c.isalnum() else f"&#x{ord(c):x};" for c in text)


def saml_post_form(destination: str, saml_response: str, relay_state: str | None) -> str:
    """OpenSAML's saml2-post-binding.vm: an auto-submitting form to `destination` (its
    action hex-entity encoded, as the real template renders it) holding SAMLResponse."""
    relay = (
        f'\n                <input type="hidden" name="RelayState" value="{escape(relay_state)}"/>'
        if relay_state is not None
        else ""
    )
    return f"""<!DOCTYPE html>
<html>
    <head>
        <meta charset="utf-8" />
    </head>
    <body onload="document.forms[0].submit()">
        {_NOSCRIPT}
        <form action="{_attribute_escape(destination)}" method="post">
            <div>{relay}
                <input type="hidden" name="SAMLResponse" value="{escape(saml_response)}"/>
            </div>
            <noscript>
                <div>
                    <input type="submit" value="Continue"/>
                </div>
            </noscript>
        </form>
    </body>
</html>
"""
