"""HTML of the PingFederate and PingID pages, in the shapes of real captured ones.

Pure functions returning full HTML documents; every dynamic value is escaped. The
login page follows PingFederate's HTML Form Adapter template (`pf.username`, `pf.pass`,
hidden `pf.ok`, `pf.cancel`, `pf.adapterId`; the error in `div.ping-messages >
div.ping-error`); the PingID pages follow the captured PingID pages (the WebAuthn probe
`form#start-form`, the device list `ul.device-list`, `form#otp-form`, the swipe page's
`form#form1` and `form#reponseView` (sic), the `ppm_request` auto-post form). They keep
the noise of the real ones: the `<noscript>` page that says JavaScript is needed,
scripts, the "Change Device" link, the admin message.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tests.emulators.saml import AWS_SIGNIN_URL

INVALID_CREDENTIALS = "We didn't recognize the username or password you entered. Please try again."
BAD_PASSCODE = "Incorrect passcode. Please try again."
NOSCRIPT_TEXT = (
    "PingID requires Javascript to be enabled. If the problem persists, please contact your "
    "administrator."
)
COPYRIGHT = "Copyright &copy; 2003-2019 Ping Identity Corporation. All rights reserved."


def login_page(
    *, base: str, action: str, adapter_id: str, username: str = "", error: str | None = None
) -> str:
    """The HTML Form Adapter login page: `form` posting to `action` (the flow's resume
    path), the username kept, `error` (if any) in `div.ping-error`. `base` is the server's
    base URL, written in `<base href>` as PingFederate's templates do."""
    message = ""
    if error is not None:
        message = f"""        <div class="ping-messages">
          <div class="ping-error">{escape(error)}</div>
        </div>
"""
    return f"""<!DOCTYPE html>
<!-- html.form.login.template.html -->
<html lang="en" dir="ltr">
<head>
  <title>Sign On</title>
  <base href="{escape(base)}"/>
  <meta name="viewport" content="initial-scale=1.0"/>
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>
  <meta http-equiv="x-ua-compatible" content="IE=edge"/>
  <link rel="stylesheet" type="text/css" href="assets/css/main.css"/>
</head>
<body>
<div class="ping-container ping-signin">
  <div class="ping-header">Sign On</div>
  <div class="ping-body-container">
    <div>
      <form method="POST" action="{escape(action)}" autocomplete="off">
{message}        <div class="ping-input-label">Username</div>
        <div class="ping-input-container">
          <input id="username" type="text" size="36" name="pf.username" \
value="{escape(username)}" autocorrect="off" autocapitalize="off" \
onKeyPress="return postOnReturn(event)"/>
        </div>
        <div class="ping-input-label">Password</div>
        <div class="ping-input-container">
          <input id="password" type="password" size="36" name="pf.pass" \
onKeyPress="return postOnReturn(event)" autocomplete="off"/>
        </div>
        <div class="ping-buttons">
          <input type="hidden" name="pf.ok" value=""/>
          <input type="hidden" name="pf.cancel" value=""/>
          <input type="hidden" name="pf.adapterId" value="{escape(adapter_id)}"/>
          <a href="#" onclick="postOk();" class="ping-button normal allow" \
title="Sign On">Sign On</a>
        </div>
      </form>
    </div>
  </div>
  <div class="ping-footer-container"><div class="ping-footer">
    <div class="ping-copyright">Copyright &copy; 2003-2024. Ping Identity Corporation. \
All rights reserved.</div>
  </div></div>
</div>
<script type="text/javascript">
  function postOk() {{ document.forms[0]['pf.ok'].value = 'clicked'; document.forms[0].submit(); }}
  function postOnReturn(e) {{ if (e.keyCode == 13) {{ postOk(); return false; }} return true; }}
</script>
</body>
</html>
"""


def auto_post(action: str, fields: Sequence[tuple[str, str]], title: str = "Submit Form") -> str:
    """An auto-posting form (`form-redirect.html` shape): hidden `fields` to `action`,
    submitted on load, a Resume button for browsers without JavaScript."""
    inputs = "".join(
        f'    <input type="hidden" name="{escape(name)}" value="{escape(value)}"/>\n'
        for name, value in fields
    )
    return f"""<html>
<head>
  <title>{escape(title)}</title>
  <meta name="referrer" content="origin"/>
  <meta http-equiv="x-ua-compatible" content="IE=edge"/>
</head>
<body onload="javascript:document.forms[0].submit()">
  <noscript>
    <p><strong>Note:</strong> Since your browser does not support JavaScript, you must \
press the Resume button once to proceed.</p>
  </noscript>
  <form method="post" action="{escape(action)}">
{inputs}    <noscript><input type="submit" value="Resume"/></noscript>
  </form>
</body>
</html>
"""


def saml_page(saml_response: str) -> str:
    """PingFederate's SAML POST binding page: `SAMLResponse` auto-posted to AWS."""
    return auto_post(AWS_SIGNIN_URL, [("SAMLResponse", saml_response)], title="Submit Form")


def _pingid(title: str, body: str, scripts: Sequence[str] = ()) -> str:
    tags = "".join(
        f'  <script type="text/javascript" src="/pingid/assets/js/{escape(name)}"></script>\n'
        for name in scripts
    )
    return f"""<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0"/>
  <meta http-equiv="x-ua-compatible" content="IE=edge">
  <title>{escape(title)}</title>
  <link rel="stylesheet" href="/pingid/assets/css/main-v21.219.css" media="screen"/>
  <script type="text/javascript" src="/pingid/assets/js/jquery-1.11.1.min.js"></script>
{tags}</head>
<body>
  <noscript>
    <div class="nojspage"><div class="window error"><div class="content">
      <div class="title-text">Important</div>
      <div class="error-text"><div class="text">{NOSCRIPT_TEXT}</div></div>
    </div></div></div>
    <style type="text/css">.dialog {{ display:none; }}</style>
  </noscript>
  <div class="dialog">
{body}
    <div class="admin-message">Corporate MOTD</div>
    <div class="footer">
      <div class="logo"></div>
      <div class="copyright">{COPYRIGHT}</div>
    </div>
  </div>
</body>
</html>
"""


def _csrf(token: str) -> str:
    return (
        f'<input type="hidden" name="csrfToken" id="csrfToken" class="csrf" '
        f'value="{escape(token)}" encode="false"/>'
    )


def webauthn_probe(action: str) -> str:
    """The "is WebAuthn supported by this browser" page: `form#start-form` with the empty
    input `isWebAuthnSupportedByBrowser`, posted by a script (a terminal answers false)."""
    body = f"""    <script type="text/javascript" \
src="/pingid/assets/js/utils/webauthn/webauthn.js"></script>
    <form method="post" action="{escape(action)}" id="start-form">
      <input type="hidden" name="isWebAuthnSupportedByBrowser"/>
    </form>
    <script type="text/javascript" src="/pingid/assets/js/utils/startAuthSubmit.js"></script>"""
    return _pingid("", body)


def device_page(*, action: str, csrf: str, devices: Sequence[tuple[str, str]]) -> str:
    """The device selection page: `ul.device-list > li[data-id]` with `div.device-name`;
    `form#device-form` (name `device-form`) posts `deviceId` (preset to the first) and
    `csrfToken` to `action`."""
    items = "".join(
        f"""        <li class="device mobile-phone{" selected" if index == 0 else ""}" \
data-id="{escape(device_id)}">
          <a>
            {escape(name)}
            <div class="device-name">{escape(name)}</div>
          </a>
        </li>
"""
        for index, (device_id, name) in enumerate(devices)
    )
    first = devices[0][0] if devices else ""
    body = f"""    <div class="window change-device"><div class="content">
      <div class="title">Change Authenticating Device</div>
      <ul class="device-list">
{items}      </ul>
      <form id="device-form" name="device-form" action="{escape(action)}" method="post">
        {_csrf(csrf)}
        <input type="hidden" name="deviceId" id="deviceId" value="{escape(first)}" encode="false"/>
        <div class="buttons"><input type="Submit" value="Sign On" class="primary"/></div>
      </form>
    </div></div>"""
    return _pingid("Change Authenticating Device", body, ["wizards/devices.js"])


def otp_page(*, action: str, csrf: str, device: str, error: str | None = None) -> str:
    """The passcode page: `form#otp-form` posting `otp` and `csrfToken` to `action`; a
    wrong passcode shows `error` in `div.error-message`."""
    body = f"""    <div class="window settings">
      <div class="error-message">{escape(error or "")}</div>
      <div class="content">
        <h1>Authentication</h1>
        <div class="success-message">Authenticating with {escape(device)}</div>
        <p>Enter the passcode displayed in PingID.</p>
        <form id="otp-form" action="{escape(action)}" method="post">
          <input id="otp" name="otp" type="text" class="passcode-input" value="" \
maxlength="6" autocomplete="off"/>
          {_csrf(csrf)}
          <div class="buttons">
            <a class="button" href="/pingid/ppm/devices">Change Device</a>
            <input type="submit" value="Sign On" class="primary" disabled>
          </div>
        </form>
      </div>
    </div>"""
    return _pingid("PingID", body, ["wizards/otp.js", "utils/selfsubmitinstantotp.js"])


def swipe_page(
    *, status_url: str, response_url: str, csrf: str, device: str, number: int | None
) -> str:
    """The push page: `form#form1` (its action polled with GET, JSON `status`),
    `form#reponseView` (GET, `csrfToken` and an empty `status`) submitted when the wait
    ends, and `div.numbermatching` holding `number` when there is one."""
    if number is None:
        prompt, status = "Swipe to authenticate in your PingID mobile app", ""
    else:
        prompt = "Select the number displayed in your PingID mobile app"
        status = f'<div class="numbermatching">{number}</div>'
    body = f"""    <div class="window authenticating"><div class="content">
      <h1>Authentication</h1>
      <p>{prompt}</p>
      <div class="status">{status}</div>
      <div class="text device">Authenticating on
        <div class="device-name">{escape(device)}</div>
      </div>
      <a class="button" href="/pingid/ppm/devices">Change Device</a>
    </div></div>
    <form method="POST" action="{escape(status_url)}" id="form1">
      {_csrf(csrf)}
      <noscript><input type="submit" value="Resume"/></noscript>
    </form>
    <form method="GET" action="{escape(response_url)}" id="reponseView">
      {_csrf(csrf)}
      <input type="hidden" name="status" id="status" encode="false"/>
      <noscript><input type="submit" value="Resume"/></noscript>
    </form>
    <div id="authModelSection">
      <input type="hidden" name="isAsync" id="isAsync" value="true" encode="false"/>
    </div>"""
    return _pingid("", body, ["spin.js", "utils/getAuthStatus.js"])


def error_page(reason: str) -> str:
    """PingID's error page: `div.window.error` with the reason in `div.error-text >
    div.text`, and no form."""
    body = f"""    <div class="window error"><div class="content">
      <div class="status"></div>
      <div class="title-text">Authentication failed</div>
      <div class="error-text"><div class="text">{escape(reason)}</div></div>
    </div></div>"""
    return _pingid("PingID", body)
