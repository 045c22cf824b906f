"""HTML of the Keycloak pages, in the shapes of real captured Keycloak login pages.

Pure functions returning full HTML documents; every dynamic value is escaped. Two
themes: "v1" (the `keycloak` theme before version 12: `span#input-error` under the
username) and "v2" (`keycloak.v2`: `div#input-error-username` holding a
`span.kc-feedback-text`). Page-level messages (disabled account, wrong code, timed-out
login) sit in an alert whose text is a `span.kc-feedback-text`, in both themes. The
pages keep the layout noise of the real ones: scripts, the hidden `credentialId`
input, the "Remember me" checkbox, links, the "Try another way" form beside the login
and second-factor forms.
"""

from __future__ import annotations

from html import escape

from tests.emulators.keycloak_texts import TEXTS
from tests.emulators.saml import AWS_SIGNIN_URL

THEMES = ("v1", "v2")
OTP_FIELDS = ("otp", "totp")


def page(realm: str, lang: str, title: str, body: str, resources: str) -> str:
    return f"""<!DOCTYPE html>
<html class="login-pf" lang="{escape(lang)}">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
  <meta name="robots" content="noindex, nofollow">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)}</title>
  <link rel="icon" href="{escape(resources)}/img/favicon.ico" />
  <link href="{escape(resources)}/css/login.css" rel="stylesheet" />
  <script type="module" src="{escape(resources)}/js/passwordVisibility.js"></script>
  <script>
    // Workaround for https://bugzilla.mozilla.org/show_bug.cgi?id=1404468
    const isFirefox = true;
  </script>
</head>
<body id="keycloak-bg" class="">
<div class="login-pf-page">
  <header id="kc-header" class="login-pf-page-header">
    <div id="kc-header-wrapper" class="">{escape(realm)}</div>
  </header>
  <div class="card-pf">
    <h1 id="kc-page-title">{escape(title)}</h1>
    <div id="kc-content"><div id="kc-content-wrapper">
{body}
    </div></div>
  </div>
</div>
</body>
</html>
"""


def alert(theme: str, message: str | None) -> str:
    """The page-level error alert (PatternFly 4 classes in v1, PatternFly 5 in v2), or ""
    without a message. Its text is the `span.kc-feedback-text` in both."""
    if message is None:
        return ""
    pf = "pf" if theme == "v1" else "pf-v5"
    return f"""      <div class="alert-error {pf}-c-alert pf-m-inline pf-m-danger">
        <div class="{pf}-c-alert__icon"><span class="fa fa-fw fa-exclamation-circle"></span></div>
        <span class="{pf}-c-alert__title kc-feedback-text">{escape(message)}</span>
      </div>
"""


def _field_error(theme: str, message: str | None) -> str:
    if message is None:
        return ""
    if theme == "v1":
        return (
            '  <span id="input-error" class="pf-c-form__helper-text pf-m-error required '
            f'kc-feedback-text" aria-live="polite">\n    {escape(message)}\n  </span>\n'
        )
    return f"""  <div id="input-error-container-username">
    <div class="pf-v5-c-form__helper-text" aria-live="polite"><div class="pf-v5-c-helper-text">
      <div class="pf-v5-c-helper-text__item pf-m-error" id="input-error-username">
        <span class="pf-v5-c-helper-text__item-text pf-m-error kc-feedback-text">
            {escape(message)}
        </span>
      </div>
    </div></div>
  </div>
"""


def login_page(
    *,
    realm: str,
    action: str,
    resources: str,
    theme: str,
    locale: str,
    username: str = "",
    field_error: str | None = None,
    page_error: str | None = None,
) -> str:
    """The username and password page (`form#kc-form-login`, fields `username` and
    `password`). `field_error` shows under the username in the theme's element,
    `page_error` in the alert; the username is kept."""
    texts = TEXTS[locale]
    forgot = action.partition("/login-actions/")[0] + "/login-actions/reset-credentials"
    invalid = ' aria-invalid="true"' if field_error else ""
    body = f"""{alert(theme, page_error)}      <div id="kc-form"><div id="kc-form-wrapper">
<form id="kc-form-login" class="pf-c-form" onsubmit="login.disabled = true; return true;" \
action="{escape(action)}" method="post" novalidate="novalidate">
<div class="form-group">
  <label for="username" class="pf-c-form__label pf-c-form__label-text">\
{escape(texts["username"])}</label>
  <input tabindex="1" id="username" class="pf-c-form-control" name="username" \
value="{escape(username)}" type="text" autofocus autocomplete="username"{invalid}/>
{_field_error(theme, field_error)}</div>
<div class="form-group">
  <label for="password" class="pf-c-form__label pf-c-form__label-text">\
{escape(texts["password"])}</label>
  <input tabindex="2" id="password" class="pf-c-form-control" name="password" value="" \
type="password" autocomplete="current-password"{invalid}/>
</div>
<div id="kc-form-options" class="form-group">
  <div class="checkbox"><label><input tabindex="3" id="rememberMe" name="rememberMe" \
type="checkbox"> Remember me</label></div>
  <span><a tabindex="5" href="{escape(forgot)}">Forgot Password?</a></span>
</div>
<div id="kc-form-buttons" class="form-group">
  <input type="hidden" id="id-hidden-input" name="credentialId" />
  <input tabindex="4" class="pf-c-button pf-m-primary pf-m-block btn-lg" name="login" \
id="kc-login" type="submit" value="{escape(texts["login"])}"/>
</div>
</form>
      </div></div>
{another_way(action, locale)}"""
    return page(realm, locale, texts["title"], body, resources)


def another_way(action: str, locale: str) -> str:
    """The "Try another way" form: it posts `tryAnotherWay=on` to the page's action."""
    return f"""<form id="kc-select-try-another-way-form" action="{escape(action)}" method="post">
  <div class="form-group">
    <input type="hidden" name="tryAnotherWay" value="on"/>
    <a href="#" id="try-another-way" \
onclick="document.forms['kc-select-try-another-way-form'].submit();return false;">\
{escape(TEXTS[locale]["another_way"])}</a>
  </div>
</form>"""


def kerberos_page(action: str) -> str:
    """The "Kerberos Unsupported" page Keycloak answers (HTTP 401, Negotiate) when the
    browser flow tries SPNEGO first: a form a script posts at once."""
    return f"""<HTML>
<HEAD>
    <TITLE>Kerberos Unsupported</TITLE>
</HEAD>
<BODY Onload="document.forms[0].submit()">
    <FORM METHOD="POST" ACTION="{escape(action)}">
        <NOSCRIPT>
            <P>JavaScript is disabled. We strongly recommend to enable it. You were unable \
to login via Kerberos.  Click the button below to login via an alternative method .</P>
            <INPUT name="continue" TYPE="SUBMIT" VALUE="CONTINUE" />
        </NOSCRIPT>
    </FORM>
</BODY>
</HTML>
"""


def error_page(*, realm: str, resources: str, locale: str, message: str) -> str:
    """Keycloak's error page (error.ftl): the message in `p.instruction` inside
    `div#kc-error-message`."""
    body = f"""      <div id="kc-error-message">
        <p class="instruction">{escape(message)}</p>
      </div>"""
    return page(realm, locale, "We are sorry...", body, resources)


def assertion_page(saml_response: str, return_url: str) -> str:
    """The SAML POST binding page: one form posting `SAMLResponse` to AWS, submitted on
    load (title "SAML HTTP Post Binding", as Keycloak renders it)."""
    return f"""<HTML>
<HEAD>
    <TITLE>SAML HTTP Post Binding</TITLE>
    <SCRIPT> if (typeof history.replaceState === 'function') {{ history.replaceState({{}}, \
"some title", "{escape(return_url)}"); }}</SCRIPT>
</HEAD>
<BODY Onload="document.forms[0].submit()">
    <FORM METHOD="POST" ACTION="{AWS_SIGNIN_URL}">
        <INPUT TYPE="BUTTON" VALUE="Click"/>
        <INPUT TYPE="HIDDEN" NAME="SAMLResponse" VALUE="{escape(saml_response)}"/>
        <NOSCRIPT>
            <P>JavaScript is disabled. We strongly recommend to enable it. \
Click the button below to continue.</P>
            <INPUT TYPE="SUBMIT" VALUE="CONTINUE" />
        </NOSCRIPT>
    </FORM>
</BODY>
</HTML>
"""
