"""HTML of the Keycloak pages, in the shapes of real captured Keycloak login pages.

Pure functions returning full HTML documents; every dynamic value is escaped. Two
themes: "v1" (the `keycloak` theme before version 12: `span#input-error` under the
username) and "v2" (`keycloak.v2`: `div#input-error-username` holding a
`span.kc-feedback-text`). Page-level messages (disabled account, wrong code, timed-out
login) sit in an alert whose text is a `span.kc-feedback-text`, in both themes. The
pages keep the layout noise of the real ones: scripts, the hidden `credentialId`
input, the "Try another way" form next to the second factor.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tests.emulators.saml import AWS_SIGNIN_URL

THEMES = ("v1", "v2")
LOCALES = ("en", "ja")
OTP_FIELDS = ("otp", "totp")

#: locale -> message key -> text (Keycloak's messages_en / messages_ja).
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Sign in to your account",
        "username": "Username or email",
        "password": "Password",
        "login": "Sign In",
        "otp": "One-time code",
        "invalid": "Invalid username or password.",
        "disabled": "Account is disabled, contact your administrator.",
        "bad_code": "Invalid authenticator code.",
        "timeout": "Your login attempt timed out. Login will start from the beginning.",
        "cookie": "Cookie not found. Please make sure cookies are enabled in your browser.",
        "another_way": "Try Another Way",
    },
    "ja": {
        "title": "アカウントにサインイン",
        "username": "ユーザー名 または メールアドレス",
        "password": "パスワード",
        "login": "ログイン",
        "otp": "ワンタイムコード",
        "invalid": "無効なユーザー名またはパスワードです。",
        "disabled": "アカウントが無効になっています。管理者に連絡してください。",
        "bad_code": "無効な認証コードです。",
        "timeout": "ログインの試行がタイムアウトしました。ログインは最初から開始されます。",
        "cookie": (
            "Cookieが見つかりません。ブラウザーでCookieが有効になっていることを確認してください。"
        ),
        "another_way": "別の方法を試す",
    },
}


def _page(realm: str, lang: str, title: str, body: str, resources: str) -> str:
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


def alert(message: str | None) -> str:
    """The page-level error alert, or "" without a message."""
    if message is None:
        return ""
    return f"""      <div class="alert-error pf-c-alert pf-m-inline pf-m-danger">
        <div class="pf-c-alert__icon"><span class="fa fa-fw fa-exclamation-circle"></span></div>
        <span class="pf-c-alert__title kc-feedback-text">{escape(message)}</span>
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
    invalid = ' aria-invalid="true"' if field_error else ""
    body = f"""{alert(page_error)}      <div id="kc-form"><div id="kc-form-wrapper">
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
<div id="kc-form-buttons" class="form-group">
  <input type="hidden" id="id-hidden-input" name="credentialId" />
  <input tabindex="4" class="pf-c-button pf-m-primary pf-m-block btn-lg" name="login" \
id="kc-login" type="submit" value="{escape(texts["login"])}"/>
</div>
</form>
      </div></div>"""
    return _page(realm, locale, texts["title"], body, resources)


def _another_way(action: str, locale: str) -> str:
    return f"""<form id="kc-select-try-another-way-form" action="{escape(action)}" method="post">
  <div class="form-group">
    <input type="hidden" name="tryAnotherWay" value="on"/>
    <a href="#" id="try-another-way" \
onclick="document.forms['kc-select-try-another-way-form'].submit();return false;">\
{escape(TEXTS[locale]["another_way"])}</a>
  </div>
</form>"""


def otp_page(
    *,
    realm: str,
    action: str,
    resources: str,
    locale: str,
    otp_field: str,
    devices: Sequence[tuple[str, str]],
    error: str | None = None,
) -> str:
    """The one-time-code page: `form#kc-otp-login-form` with input `otp`, or before
    Keycloak 8.0.1 `form#kc-totp-login-form` with input `totp`. With two or more
    `devices` ((credential id, label) pairs), radios `selectedCredentialId` with ids
    `kc-otp-credential-N` (the first one checked) and the labels in
    `span.pf-c-tile__title`. `error` shows in the alert."""
    texts = TEXTS[locale]
    radios = ""
    if len(devices) > 1:
        tiles = []
        for index, (credential, label) in enumerate(devices):
            checked = ' checked="checked"' if index == 0 else ""
            tiles.append(
                f"""      <input id="kc-otp-credential-{index}" class="pf-c-tile__input" \
type="radio" name="selectedCredentialId" value="{escape(credential)}"{checked}>
      <label for="kc-otp-credential-{index}" class="pf-c-tile" tabindex="{index}">
        <span class="pf-c-tile__header">
          <span class="pf-c-tile__icon"><i class="fa fa-mobile" aria-hidden="true"></i></span>
          <span class="pf-c-tile__title">{escape(label)}</span>
        </span>
      </label>
"""
            )
        radios = f'<div class="form-group"><div class="col-xs-12">\n{"".join(tiles)}</div></div>'
    form_id = "kc-otp-login-form" if otp_field == "otp" else "kc-totp-login-form"
    body = f"""{alert(error)}      <div id="kc-form"><div id="kc-form-wrapper">
<form id="{form_id}" class="form-horizontal" action="{escape(action)}" method="post">
{radios}
  <div class="form-group">
    <label for="{otp_field}" class="control-label">{escape(texts["otp"])}</label>
    <input id="{otp_field}" name="{otp_field}" autocomplete="off" type="text" \
class="form-control" autofocus />
  </div>
  <div id="kc-form-buttons" class="form-group">
    <input class="btn btn-primary btn-lg" name="login" id="kc-login" type="submit" \
value="{escape(texts["login"])}"/>
  </div>
</form>
{_another_way(action, locale)}
      </div></div>"""
    return _page(realm, locale, texts["title"], body, resources)


def webauthn_page(
    *,
    realm: str,
    action: str,
    resources: str,
    locale: str,
    username: str,
    challenge: str,
    rp_id: str,
    credential_ids: Sequence[str],
    error: str | None = None,
) -> str:
    """The WebAuthn page: `form#webauth` (hidden clientDataJSON, authenticatorData,
    signature, credentialId, userHandle, error), `form#authn_select` with one
    `authn_use_chk` per credential, and the script holding `let challenge = "..."` and
    `let rpId = "..."`. Only a browser with a security key can answer it."""
    checks = "\n".join(
        f'  <input type="hidden" name="authn_use_chk" value="{escape(cid)}"/>'
        for cid in credential_ids
    )
    hidden = "\n".join(
        f'    <input type="hidden" id="{name}" name="{name}"/>'
        for name in (
            "clientDataJSON",
            "authenticatorData",
            "signature",
            "credentialId",
            "userHandle",
            "error",
        )
    )
    # json-style string literals inside the script: escape() leaves no quote or "<" raw
    body = f"""      <div id="kc-username" class="form-group">
        <label id="kc-attempted-username">{escape(username)}</label>
      </div>
{alert(error)}<form id="webauth" class="form-horizontal" action="{escape(action)}" method="post">
  <div class="form-group">
{hidden}
  </div>
</form>
<form id="authn_select" class="form-horizontal">
{checks}
</form>
<script type="text/javascript" src="{escape(resources)}/js/base64url.js"></script>
<script type="text/javascript">
    function doAuthenticate(allowCredentials) {{
        if (!window.PublicKeyCredential) {{
            document.getElementById("error").value = "WebAuthn is not supported by this browser.";
            document.forms["webauth"].submit();
            return;
        }}
        let challenge = "{escape(challenge)}";
        let userVerification = "discouraged";
        let rpId = "{escape(rp_id)}";
        let publicKey = {{ rpId: rpId, challenge: base64url.decode(challenge, {{ loose: true }}) }};
        navigator.credentials.get({{publicKey}});
    }}
    window.onload = () => doAuthenticate([]);
</script>
{_another_way(action, locale)}"""
    return _page(realm, locale, TEXTS[locale]["title"], body, resources)


def error_page(*, realm: str, resources: str, locale: str, message: str) -> str:
    """Keycloak's error page (error.ftl): the message in `p.instruction` inside
    `div#kc-error-message`."""
    body = f"""      <div id="kc-error-message">
        <p class="instruction">{escape(message)}</p>
      </div>"""
    return _page(realm, locale, "We are sorry...", body, resources)


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
