"""HTML of the Microsoft Entra ID sign-in pages, modelled on captured real ones.

Pure functions returning whole documents; every dynamic value is escaped. A "Converged"
page carries its state in `$Config={...JSON...};` inside a script, with the layout noise
of the real pages around it (meta PageID, CDATA scripts, `ServerData = $Config;`, many
unrelated $Config fields). `layout` says what follows the object's `;` in its script, as
in captured pages: "nolinebreak" (`//]]></script>` at once), "linebreak" (a line break)
and "extrascript" (more script on the same line, then more lines).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

LAYOUTS = ("nolinebreak", "linebreak", "extrascript")

#: pgid -> (hpgid, hpgact) as real pages pair them (unknown ones made up in range).
PAGE_IDS: dict[str, tuple[int, int]] = {
    "ConvergedSignIn": (1104, 1800),
    "ConvergedTFA": (1114, 2202),
    "KmsiInterrupt": (1115, 2005),
    "ConvergedProofUpRedirect": (1121, 2110),
    "ConvergedError": (1102, 1600),
    "ConvergedConditionalAccess": (1125, 2300),
    "ConvergedPasskeyEnrollment": (1190, 2999),
}
TITLES = {
    "ConvergedSignIn": "Sign in to your account",
    "ConvergedTFA": "Sign in to your account",
    "KmsiInterrupt": "Sign in to your account",
    "ConvergedProofUpRedirect": "Sign in to your account",
    "ConvergedError": "Sign in to your account",
}

#: $Config fields that every real page carries and no client needs.
_NOISE: dict[str, Any] = {
    "fShowPersistentCookiesWarning": False,
    "urlMsaSignUp": "https://login.live.com/oauth20_authorize.srf?scope=openid+profile",
    "urlCdn": "https://aadcdn.msauth.net/shared/1.0/",
    "urlFooterTOU": "https://www.microsoft.com/en-US/servicesagreement/",
    "urlFooterPrivacy": "https://privacy.microsoft.com/en-US/privacystatement",
    "iMaxStackForKnockoutAsyncComponents": 10000,
    "fShowButtons": True,
    "iPawnIcon": 0,
    "iPollingInterval": 5000,
    "urlNoCookies": "/cookiesdisabled",
    "staticTenantBranding": [
        {"Locale": 0, "UserIdLabel": "someone@example.com", "KeepMeSignedInDisabled": False}
    ],
    "oAppCobranding": {},
    "iBackgroundImage": 2,
    "fEnableCssAnimation": True,
    "scid": 1013,
    "locale": {"mkt": "en-US", "lcid": 1033},
    "slMaxRetry": 2,
    "strings": {"desktopsso": {"authenticatingmessage": "Trying to sign you in"}},
    "enums": {"ClientMetricsModes": {"None": 0, "SubmitOnPost": 1, "SubmitOnRedirect": 2}},
    "serverDetails": {"slc": "ProdSlices", "dc": "WEULR2", "ver": {"v": [2, 1, 19200, 4]}},
    "watson": {"url": "/common/handlers/watson", "resetErrorPeriod": 5, "maxErrors": 10},
    "country": "US",
    "fTrimChromeBssoUrl": True,
    "inlineMode": 5,
}


def config_script(config: Mapping[str, Any]) -> str:
    """`{...}` as Entra writes it into a script: JSON (noise fields first) with <, > and &
    as \\u escapes."""
    text = json.dumps({**_NOISE, **config})
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _config_element(config: Mapping[str, Any], layout: str) -> str:
    body = config_script(config)
    after = {
        "nolinebreak": "//]]></script>",
        "linebreak": "\n//]]></script>",
        # More script on the object's own line, then more lines of it.
        "extrascript": ' if (!window.$Loader) { var $Loader = {"On": function () {}}; }'
        "\nif (window.$Config && $Config.fEnableCssAnimation) { var bAnim = 1; }\n//]]></script>",
    }[layout]
    return f'<script type="text/javascript">//<![CDATA[\n$Config={body};{after}'


def converged_page(config: Mapping[str, Any], layout: str = "linebreak", body: str = "") -> str:
    """A Converged page whose $Config is `config` (plus noise); `body` is trusted HTML."""
    page_id = escape(str(config.get("pgid", "")))
    title = escape(TITLES.get(str(config.get("pgid")), "Sign in to your account"))
    return f"""

<!-- Copyright (C) Microsoft Corporation. All rights reserved. -->
<!DOCTYPE html>
<html dir="ltr" class="" lang="en">
<head>
    <title>{title}</title>
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
    <meta http-equiv="X-UA-Compatible" content="IE=edge">
    <meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=2.0">
    <meta http-equiv="Pragma" content="no-cache">
    <meta http-equiv="Expires" content="-1">
    <link rel="preconnect" href="https://aadcdn.msauth.net" crossorigin>
    <meta name="PageID" content="{page_id}" />
    <meta name="SiteID" content="" />
    <meta name="ReqLC" content="1033" />
    <meta name="LocLC" content="en-US" />
    <noscript>
        <meta http-equiv="Refresh" content="0; URL=/jsdisabled" />
    </noscript>
<meta name="robots" content="none" />

{_config_element(config, layout)}
<script type="text/javascript">//<![CDATA[
!function(){{var e=window,r=e.$Debug=e.$Debug||{{}};r.appendLog||(r.appendLog=function(){{}})}}();
//]]></script>
    <link rel="shortcut icon"
        href="https://aadcdn.msauth.net/shared/1.0/content/images/favicon.ico" />
    <script type="text/javascript">
        ServerData = $Config;
    </script>
<script crossorigin="anonymous" src="https://aadcdn.msauth.net/shared/1.0/content/js/ConvergedLogin_PCore.js"></script>
</head>
<body data-bind="defineGlobals: ServerData, bodyCssClass" class="cb" style="display: none">
{body}
    <script type="text/javascript">//<![CDATA[
!function(){{var e=document.body;e&&(e.style.display="block")}}();
//]]></script>
</body>
</html>"""


def error_body(message: str) -> str:
    """The visible error block of a ConvergedError page (`#service_exception_message`)."""
    return (
        '<div id="serviceExceptionContainer"><div class="row text-title" role="heading">'
        "Sign in</div>\n"
        f'<div id="service_exception_message" class="text-block-body">{escape(message)}</div>'
        '\n<div class="debug-details-header">Troubleshooting details</div></div>'
    )


def hidden_form(action: str, inputs: Sequence[tuple[str, str]], *, timeout: bool = False) -> str:
    """An auto-posting "Working..." form (hidden inputs only), as Entra and AD FS send.

    `timeout` submits through `window.setTimeout(...)` (AD FS) rather than at once."""
    fields = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}" />'
        for name, value in inputs
    )
    submit = (
        "window.setTimeout('document.forms[0].submit()', 0);"
        if timeout
        else "document.forms[0].submit();"
    )
    return (
        '<html><head><title>Working...</title></head><body><form method="POST" '
        f'name="hiddenform" action="{escape(action)}">{fields}<noscript><p>Script is '
        'disabled. Click Submit to continue.</p><input type="submit" value="Submit" />'
        f'</noscript></form><script language="javascript">{submit}</script></body></html>'
    )


def _js_string(value: str) -> str:
    """`value` for a single-quoted JS string, with & written as \\u0026 as .NET does."""
    out = value.replace("\\", "\\\\").replace("'", "\\'").replace("&", "\\u0026")
    return out.replace("<", "\\u003c").replace(">", "\\u003e")


def portal_page(location: str) -> str:
    """The My Apps portal page whose script sends the browser to `location`."""
    target = _js_string(location)
    return f"""

<!DOCTYPE html>

<html xmlns="http://www.w3.org/1999/xhtml" dir="ltr" class="Page-Metro PageWithNavBar-Metro">
<head><meta http-equiv="X-UA-Compatible" content="IE=10; IE=9; IE=8" />
<script type="text/javascript">
    var headerStartTime = (new Date()).getTime();
</script><title>
</title>
<meta name="WT.ti" content="RedirectToApplicationPage" /></head>
<body>
    <form name="RedirectToFederatedApplicationForm" method="post" action="./signin"
        id="RedirectToFederatedApplicationForm" autocomplete="off">
<div>
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="LqaMd4GfyEXAMPLEVIEWSTATE" />
</div>
<div class="Shell-Metro" id="ShellContainer"><center style="padding-top: 120px">
<span id="RedirectingTextLabel"></span>
<img id="LoadingImage" src="../images/loading_animation.gif" alt="Redirecting" />
</center></div>
<script type="text/javascript">
//<![CDATA[
Sys.Application.add_load( function() {{ Shared.CacheContentFile('/JS/Layout.js'); }} );\
window.location = '{target}';Sys.Application.add_init(Button.ResizeButtons);
var DialogManager = new BOX.JS.DialogManager();
DialogManager.set_dismissButtonDefaultText("Close");
//]]>
</script>
</form>
</body>
</html>
"""


def not_found_page() -> str:
    """The plain 404 page."""
    return (
        "<!DOCTYPE html><html><head><title>404 - Not Found</title></head><body>"
        "<h1>404 - File or directory not found.</h1></body></html>"
    )
