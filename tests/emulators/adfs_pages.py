"""HTML of the AD FS pages, modelled on real AD FS 2.0 and 2016+ sign-in pages.

Pure functions returning full HTML documents; every dynamic value is escaped. The
login and MFA pages keep the layout noise of the real ones (scripts, divs, a second
form) so that parsers are tested against realistic markup, not a minimal form.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html import escape
from xml.sax.saxutils import escape as xml_escape

# kind -> (AuthMethod value, name of the one-time-code input or None, form id)
MFA_METHODS: dict[str, tuple[str, str | None, str]] = {
    "azure": ("AzureMfaAuthentication", None, "options"),
    "azure_number": ("AzureMfaAuthentication", None, "options"),
    "azure_otp": ("AzureMfaAuthentication", "VerificationCode", "loginForm"),
    "securid": ("SecurIDAuthentication", "Passcode", "passcodeForm"),
    "oath": ("VIPAuthenticationProviderWindowsAccountName", "OathCode", "loginForm"),
    "duo": ("DuoAdfsAdapter", None, "duo_form"),
}
VIEWSTATE = "/wEPDwUKMTE2NjA4NDk3NmRkEXAMPLEVIEWSTATEb3Vq2w=="
EVENTVALIDATION = "/wEWBALi7sHtBwKDk4jBDAKk2vmUBwK8w4S2BEXAMPLEEVENTVALIDATION"
ADFS2_USER = "ctl00$ContentPlaceHolder1$UsernameTextBox"
ADFS2_PASSWORD = "ctl00$ContentPlaceHolder1$PasswordTextBox"
ADFS2_SUBMIT = "ctl00$ContentPlaceHolder1$SubmitButton"
INCORRECT = "Incorrect user ID or password. Type the correct user ID and password, and try again."
LOCKED = "Your account has been locked. Contact your administrator for assistance."
DENIED = "The request was denied by the user. Sign in again, then approve the request."
WRONG_CODE = "The code you entered is not valid. Check the code and try again."


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en-US"><head>
<meta http-equiv="X-UA-Compatible" content="IE=edge"/>
<meta name="viewport" content="width=device-width, initial-scale=1.0"/>
<meta http-equiv="content-type" content="text/html;charset=UTF-8"/>
<title>{escape(title)}</title>
<script type="text/javascript">
//<![CDATA[
function LoginErrors(){{
  this.userNameFormatError = 'Enter your user ID in the format'
    + ' \\u0026quot;domain\\\\user\\u0026quot; or \\u0026quot;user@domain\\u0026quot;.';
  this.passwordEmpty = 'Enter your password.';
}}
//]]>
</script>
<link rel="stylesheet" type="text/css" href="/adfs/portal/css/style.css?id=D74D4D6D"/>
</head>
<body dir="ltr" class="body">
<div id="noScript" style="position:static; width:100%; height:100%; z-index:100">
<h1>JavaScript required</h1><p>JavaScript is required. This web browser does not support
JavaScript or JavaScript in this web browser is not enabled.</p>
</div>
<script type="text/javascript">document.getElementById("noScript").style.display = "none";</script>
<div id="fullPage"><div id="brandingWrapper" class="float"><div id="branding"></div></div>
<div id="contentWrapper" class="float"><div id="content">
<div id="header"><img class="logoImage" id="companyLogo" src="/adfs/portal/logo/logo.png"
  alt="Example Corp"/></div>
<main><div id="workArea">
{body}
</div></main>
<div id="footerPlaceholder"></div></div>
<div id="footer"><div id="footerLinks" class="floatReverse">
<span id="copyright">&#169; 2018 Microsoft</span></div></div>
</div></div>
<script type="text/javascript">
//<![CDATA[
var Login = {{}};
Login.submitLoginRequest = function () {{
  var u = new InputUtil(); var e = new LoginErrors();
  var userName = document.getElementById(Login.userNameInput);
  var password = document.getElementById(Login.passwordInput);
  if (!userName.value) {{ u.setError(userName, e.userNameFormatError); return false; }}
  document.forms['loginForm'].submit();
  return false;
}};
Login.userNameInput = 'userNameInput'; Login.passwordInput = 'passwordInput';
//]]>
</script>
</body></html>
"""


def _error_span(error: str | None) -> str:
    if error is None:
        # Real AD FS always renders the element, empty when there is nothing to say.
        return '<span id="errorText" for=""></span>'
    return f'<span id="errorText" for="" role="alert">{escape(error)}</span>'


def login_page(action: str, error: str | None = None, username: str = "") -> str:
    """AD FS 2016+ forms sign-in page; the "options" form comes before "loginForm"."""
    act, user = escape(action), escape(username)
    body = f"""<div id="authArea" class="groupMargin">
<div id="loginArea">
<div id="loginMessage" class="groupMargin">Sign in with your organizational account</div>
<form id="options" method="post" action="{act}">
<script type="text/javascript">
function SelectOption(option) {{
  var i = document.getElementById('optionSelection'); i.value = option;
  document.forms['options'].submit(); return false;
}}
</script>
<input id="optionSelection" name="AuthMethod" type="hidden"/>
<div class="optionsContainer"><div class="idp" tabindex="1" role="button"
  onclick="SelectOption('WindowsAuthentication')">Windows Authentication</div></div>
</form>
<form method="post" id="loginForm" autocomplete="off" novalidate="novalidate"
  onKeyPress="if (event &amp;&amp; event.keyCode == 13) Login.submitLoginRequest();"
  action="{act}" >
<div id="error" class="fieldMargin error smallText">{_error_span(error)}</div>
<div id="formsAuthenticationArea">
<div id="userNameArea">
<label id="userNameInputLabel" for="userNameInput" class="hidden">User Account</label>
<input id="userNameInput" name="UserName" type="email" value="{user}" tabindex="1"
  class="text fullWidth" spellcheck="false" placeholder="someone@example.com"
  autocomplete="off"/></div>
<div id="passwordArea">
<label id="passwordInputLabel" for="passwordInput" class="hidden">Password</label>
<input id="passwordInput" name="Password" type="password" tabindex="2"
  class="text fullWidth" placeholder="Password" autocomplete="off"/></div>
<div id="kmsiArea" style="display:none">
<input type="checkbox" name="Kmsi" id="kmsiInput" value="true" tabindex="3" />
<label for="kmsiInput">Keep me signed in</label></div>
<div id="submissionArea" class="submitMargin"><span id="submitButton" class="submit"
  tabindex="4" role="button" onclick="return Login.submitLoginRequest();">Sign in</span></div>
</div>
<input id="optionForms" type="hidden" name="AuthMethod" value="FormsAuthentication"/>
</form>
</div></div>"""
    return _page("Sign In", body)


def adfs2_login_page(action: str, error: str | None = None, username: str = "") -> str:
    """AD FS 2.0 ASP.NET sign-in page: one form "aspnetForm" with ctl00$ field names."""
    act, user = escape(action), escape(username)
    label = ""
    if error is not None:
        label = f'<label id="errorText" class="TextColorError">{escape(error)}</label>'
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Sign In</title>
<link href="MasterPages/StyleSheet.css" rel="stylesheet" type="text/css" /></head>
<body>
<form name="aspnetForm" method="post" action="{act}" id="aspnetForm">
<div><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{VIEWSTATE}" /></div>
<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['aspnetForm']; if (!theForm) {{ theForm = document.aspnetForm; }}
//]]>
</script>
<div><input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION"
  value="{EVENTVALIDATION}" /></div>
<div class="MainActionContainer">
<div class="GroupXLargeMargin">Type your user name and password.</div>
<table class="UsernamePasswordTable"><tr><td><span class="Label">User name:</span></td>
<td><input name="{ADFS2_USER}" type="text" value="{user}"
  id="ctl00_ContentPlaceHolder1_UsernameTextBox" /></td>
<td class="TextColorSecondary TextSizeSmall">Example: Domain\\Username</td></tr>
<tr><td><span class="Label">Password:</span></td>
<td><input name="{ADFS2_PASSWORD}" type="password"
  id="ctl00_ContentPlaceHolder1_PasswordTextBox" /></td><td>&nbsp;</td></tr>
<tr><td></td><td colspan="2" class="TextSizeSmall TextColorError">{label}</td></tr>
<tr><td colspan="2"><div class="RightAlign GroupXLargeMargin">
<input type="submit" name="{ADFS2_SUBMIT}" value="Sign In"
  id="ctl00_ContentPlaceHolder1_SubmitButton" class="Resizable" />
</div></td><td>&nbsp;</td></tr></table></div>
</form></body></html>
"""


def mfa_page(
    kind: str,
    action: str,
    context: str,
    *,
    entropy: int | str | None = None,
    error: str | None = None,
    instructions: str | None = None,
) -> str:
    """Second-factor page for `kind` (a key of MFA_METHODS) carrying `context`;
    `instructions` replaces the polled kinds' usual instructions."""
    auth_method, code_field, form_id = MFA_METHODS[kind]
    act, ctx = escape(action), escape(context)
    hidden = (
        f'<input id="authMethod" type="hidden" name="AuthMethod" value="{auth_method}"/>'
        f'<input id="context" type="hidden" name="Context" value="{ctx}"/>'
    )
    if kind == "duo":
        inner = (
            '<iframe id="duo_iframe" title="Two-Factor Authentication" '
            'data-host="api-1a2b3c4d.duosecurity.com" data-sig-request="TX|EXAMPLE"></iframe>'
            '<input type="hidden" name="sig_response" value=""/>'
        )
    elif code_field is None:
        number = "" if entropy is None else f'<p id="validEntropyNumber">{escape(str(entropy))}</p>'
        text = instructions or (
            "Open your Authenticator app, and enter the number shown to sign in."
            if entropy is not None
            else "We've sent a notification to your mobile device. Please respond to continue."
        )
        inner = f'<p id="instructions">{escape(text)}</p>{number}'
    else:
        code_id = {"VerificationCode": "verificationCodeInput", "Passcode": "passcodeInput"}
        inner = (
            '<p id="instructions">Enter the code displayed on your device.</p>'
            f'<input id="{code_id.get(code_field, "oathCodeInput")}" name="{code_field}" '
            'type="text" value="" autocomplete="off" class="text fullWidth"/>'
            '<span id="submitButton" class="submit" role="button" '
            f"onclick=\"document.forms['{form_id}'].submit();\">Verify</span>"
        )
    body = f"""<div id="authArea" class="groupMargin">
<div id="mfaGreetingDescription" class="groupMargin">For security reasons, we require
additional information to verify your account</div>
<form method="post" id="{form_id}" autocomplete="off" novalidate="novalidate" action="{act}">
<div id="error" class="fieldMargin error smallText">{_error_span(error)}</div>
{hidden}
{inner}
</form></div>"""
    return _page("Sign In", body)


def final_page(saml_response: str) -> str:
    """The auto-submitting page that hands the assertion to AWS ("" = empty value)."""
    return f"""<html><head><title>Working...</title></head><body>
<form method="POST" name="hiddenform" action="https://signin.aws.amazon.com:443/saml">
<input type="hidden" name="SAMLResponse" value="{escape(saml_response)}" />
<noscript><p>Script is disabled. Click Submit to continue.</p>
<input type="submit" value="Submit" /></noscript></form>
<script language="javascript">window.setTimeout('document.forms[0].submit()', 0);</script>
</body></html>
"""


def wsfed_result(token: str, user: str) -> str:
    """A WS-Trust RequestSecurityTokenResponse (the `wresult`) whose SAML 1.1 assertion
    has AssertionID `token` and names `user`; unsigned."""
    now = datetime.now(timezone.utc)
    created, expires = (
        moment.strftime("%Y-%m-%dT%H:%M:%S.000Z") for moment in (now, now + timedelta(hours=1))
    )
    name = xml_escape(user)
    return (
        '<t:RequestSecurityTokenResponse xmlns:t="http://schemas.xmlsoap.org/ws/2005/02/trust">'
        '<t:Lifetime><wsu:Created xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/'
        f'oasis-200401-wss-wssecurity-utility-1.0.xsd">{created}</wsu:Created><wsu:Expires '
        'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-'
        f'utility-1.0.xsd">{expires}</wsu:Expires></t:Lifetime><wsp:AppliesTo '
        'xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"><wsa:EndpointReference '
        'xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>'
        "urn:federation:MicrosoftOnline</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>"
        '<t:RequestedSecurityToken><saml:Assertion MajorVersion="1" MinorVersion="1" '
        f'AssertionID="{xml_escape(token)}" Issuer="http://adfs.example.com/adfs/services/trust" '
        f'IssueInstant="{created}" xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion">'
        "<saml:AttributeStatement><saml:Subject><saml:NameIdentifier>"
        f'{name}</saml:NameIdentifier></saml:Subject><saml:Attribute AttributeName="UPN" '
        'AttributeNamespace="http://schemas.xmlsoap.org/claims"><saml:AttributeValue>'
        f"{name}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>"
        "</saml:Assertion></t:RequestedSecurityToken>"
        "<t:TokenType>urn:oasis:names:tc:SAML:1.0:assertion</t:TokenType>"
        "</t:RequestSecurityTokenResponse>"
    )


def wsfed_token(wresult: str) -> str | None:
    """The AssertionID of a `wresult` made by `wsfed_result`, or None."""
    found = re.search(r'AssertionID="([^"]+)"', wresult)
    return found.group(1) if found else None


def wsfed_form(reply: str, wresult: str, wctx: str) -> str:
    """The WS-Fed "Working..." form that posts the token back to the relying party."""
    return (
        '<html><head><title>Working...</title></head><body><form method="POST" '
        f'name="hiddenform" action="{escape(reply)}"><input type="hidden" name="wa" '
        f'value="wsignin1.0" /><input type="hidden" name="wresult" value="{escape(wresult)}" />'
        f'<input type="hidden" name="wctx" value="{escape(wctx)}" /><noscript><p>Script is '
        'disabled. Click Submit to continue.</p><input type="submit" value="Submit" />'
        '</noscript></form><script language="javascript">'
        "window.setTimeout('document.forms[0].submit()', 0);</script></body></html>"
    )


def signed_in_page() -> str:
    """IdP-initiated sign-on page shown when no relying party is picked (no assertion)."""
    body = """<div id="idp_SignedInMessage" class="groupMargin">You are signed in.</div>
<form method="post" id="idpForm" action="/adfs/ls/IdpInitiatedSignOn.aspx">
<input id="idp_SignOutButton" name="SignOut" type="submit" value="Sign out"/>
</form>"""
    return _page("Sign In", body)


def error_page(message: str) -> str:
    """AD FS generic error page with `message` (used with 4xx/5xx statuses)."""
    body = f"""<div id="errorArea">
<div id="openingMessage" class="groupMargin">An error occurred</div>
<div id="errorMessage" class="groupMargin">{escape(message)}</div>
<div id="errorDetails"><span id="errorDetailsLabel">Activity ID:</span>
00000000-0000-0000-0000-000000000000</div></div>"""
    return _page("Sign In", body)
