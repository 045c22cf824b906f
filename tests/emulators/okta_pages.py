"""HTML pages of the Okta emulator: the sign-in page shell, the AWS app page, 404."""

from __future__ import annotations

from html import escape


def login_page() -> str:
    """The sign-in widget shell Okta serves when there is no session."""
    return """<!DOCTYPE html>
<html><head><meta charset="utf-8"/><title>Example Corp - Sign In</title>
<script src="/assets/js/sdk/okta-signin-widget/7.0.0/js/okta-sign-in.min.js"
  type="text/javascript"></script>
<link href="/assets/css/okta-sign-in.min.css" type="text/css" rel="stylesheet"/></head>
<body class="auth okta-container">
<div id="okta-sign-in" class="auth-container main-container">
<form novalidate="novalidate" method="POST" action="/signin" autocomplete="off"
  data-se="o-form" id="form19" class="primary-auth-form o-form">
<div class="o-form-content"><h2 class="okta-form-title">Sign In</h2>
<input type="text" placeholder="Username" name="username" id="okta-signin-username"
  value="" aria-label="Username" autocomplete="username"/>
<input type="password" placeholder="Password" name="password" id="okta-signin-password"
  value="" aria-label="Password" autocomplete="current-password"/>
<input class="button button-primary" type="submit" value="Sign In" id="okta-signin-submit"
  data-type="save"/>
</div></form></div>
<script type="text/javascript">
var signIn = new OktaSignIn({baseUrl: window.location.origin});
signIn.renderEl({el: '#okta-sign-in'});
</script>
</body></html>
"""


def app_page(saml_response: str) -> str:
    """The AWS app page holding the assertion.

    Like real Okta, the SAMLResponse value has its '+', '/' and '=' written as
    hexadecimal character references: clients must HTML-unescape it.
    """
    encoded = "".join(f"&#x{ord(c):x};" if c in "+/=" else c for c in saml_response)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><title>Example Corp - Signing in...</title>
<script type="text/javascript">
function formSubmit(){{ document.getElementById("appForm").submit(); }}
</script>
</head>
<body onload="formSubmit()">
<noscript><p>Since your browser does not support JavaScript,
you must press the button below once to proceed.</p></noscript>
<form id="appForm" action="https://signin.aws.amazon.com/saml" method="POST">
<input name="SAMLResponse" type="hidden" value="{encoded}"/>
<input name="RelayState" type="hidden" value=""/>
<noscript><input type="submit" value="Continue"/></noscript>
</form></body></html>
"""


def not_found_page(path: str) -> str:
    """Okta's 404 page."""
    return (
        "<!DOCTYPE html><html><head><title>404</title></head>"
        f"<body><h1>Page not found</h1><p>{escape(path)}</p></body></html>"
    )
