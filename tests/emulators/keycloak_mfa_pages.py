"""HTML of Keycloak's second-factor pages: the one-time code (one device, or several
behind `selectedCredentialId` radios) and WebAuthn. Pure functions; every dynamic value
is escaped. The layout around them is `keycloak_pages.page`."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tests.emulators import keycloak_pages as pages
from tests.emulators.keycloak_texts import TEXTS


def otp_page(
    *,
    realm: str,
    action: str,
    resources: str,
    theme: str,
    locale: str,
    otp_field: str,
    devices: Sequence[tuple[str, str]],
    error: str | None = None,
) -> str:
    """The one-time-code page: `form#kc-otp-login-form` with input `otp`, or before
    Keycloak 8.0.1 `form#kc-totp-login-form` with input `totp` and a Cancel button. With
    two or more `devices` ((credential id, label) pairs), radios `selectedCredentialId`
    with ids `kc-otp-credential-N` (the first one checked) and the labels in
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
    cancel = ""
    if otp_field == "totp":  # the old theme's Cancel button: a browser posts it only when clicked
        cancel = (
            '\n    <input class="btn btn-default btn-lg" name="cancel" id="kc-cancel" '
            'type="submit" value="Cancel"/>'
        )
    body = f"""{pages.alert(theme, error)}      <div id="kc-form"><div id="kc-form-wrapper">
<form id="{form_id}" class="form-horizontal" action="{escape(action)}" method="post">
{radios}
  <div class="form-group">
    <label for="{otp_field}" class="control-label">{escape(texts["otp"])}</label>
    <input id="{otp_field}" name="{otp_field}" autocomplete="off" type="text" \
class="form-control" autofocus />
  </div>
  <div id="kc-form-buttons" class="form-group">
    <input class="btn btn-primary btn-lg" name="login" id="kc-login" type="submit" \
value="{escape(texts["login"])}"/>{cancel}
  </div>
</form>
{pages.another_way(action, locale)}
      </div></div>"""
    return pages.page(realm, locale, texts["title"], body, resources)


def webauthn_page(
    *,
    realm: str,
    action: str,
    resources: str,
    theme: str,
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
{pages.alert(theme, error)}<form id="webauth" class="form-horizontal" action="{escape(action)}" \
method="post">
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
{pages.another_way(action, locale)}"""
    return pages.page(realm, locale, TEXTS[locale]["title"], body, resources)
