"""HTML pages of the Okta Identity Engine emulator: the sign-in page, the device
activation page. The AWS app's SAML form is `okta_pages.app_page`."""

from __future__ import annotations

from html import escape


def js_escape(text: str) -> str:
    r"""Write `text` inside a JavaScript string the way Okta's pages do: every
    character other than a letter, a digit or '_' as `\xHH` (so '-' becomes `\x2D`)."""
    return "".join(
        c if c.isascii() and (c.isalnum() or c == "_") else f"\\x{ord(c):02X}" for c in text
    )


def sign_in_page(state_token: str, base_url: str, app_id: str) -> str:
    """The OIE sign-in page: the widget's bootstrap script holds `var oktaData` whose
    `signIn.stateToken` (and `signIn.baseUrl`) are JavaScript-escaped."""
    token, base = js_escape(state_token), js_escape(base_url)
    redirect = js_escape(f"{base_url}/app/amazon_aws/{app_id}/sso/saml")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/>
<meta name="robots" content="noindex,nofollow"/>
<title>Example Org - Sign In</title>
<script src="/assets/js/sdk/okta-signin-widget/7.14.0/js/okta-sign-in.min.js"
  type="text/javascript" integrity="sha384-EXAMPLE" crossorigin="anonymous"></script>
<link href="/assets/css/okta-sign-in.min.css" type="text/css" rel="stylesheet"/></head>
<body class="auth okta-container">
<div id="okta-sign-in" class="auth-container main-container"></div>
<script type="text/javascript" nonce="n0nceEXAMPLE">
var oktaData = {{"redirectUri":"{redirect}",
"isMobileSso":false,"fromUri":"","isMobileClientLogin":false,
"signIn":{{"logoText":"Example Org logo","brandName":"Example Org","baseUrl":"{base}",
"stateToken":"{token}","interstitialBeforeLoginRedirect":"DEFAULT",
"features":{{"router":true,"rememberMe":true}},"language":"en"}},
"accountChooserDiscoveryUrl":"https:\\x2F\\x2Flogin.okta.com\\x2Fdiscovery\\x2Fiframe.html"}};
var runLoginPage = function (fn) {{ fn(); }};
</script>
<script type="text/javascript">
runLoginPage(function () {{
  var signIn = new OktaSignIn(oktaData.signIn);
  signIn.renderEl({{el: '#okta-sign-in'}});
}});
</script>
</body></html>
"""


def activate_page(user_code: str | None) -> str:
    """The device activation page a person's browser opens (not scripted here: tests
    stand in for the person through `/test/device/approve`)."""
    code = escape(user_code or "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><title>Example Org - Activate</title></head>
<body><h1>Activate your device</h1>
<form method="POST" action="/activate"><input name="userCode" value="{code}"/>
<input type="submit" value="Next"/></form></body></html>
"""


def message_page(title: str, text: str, status_text: str = "") -> str:
    """A plain page for the test endpoints and refused tokens."""
    return (
        f"<!DOCTYPE html><html><head><title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1><p>{escape(text)}</p>{escape(status_text)}</body></html>"
    )
