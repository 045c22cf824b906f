"""HTML of Keycloak's required-action pages, shown after a right password until the
person has done what the realm asks: set up an authenticator app (`CONFIGURE_TOTP`,
`login-config-totp.ftl`) or choose a new password (`UPDATE_PASSWORD`,
`login-update-password.ftl`). Pure functions; every dynamic value is escaped. The
layout around them is `keycloak_pages.page`."""

from __future__ import annotations

from html import escape

from tests.emulators import keycloak_pages as pages
from tests.emulators.keycloak_texts import TEXTS

ACTIONS = ("CONFIGURE_TOTP", "UPDATE_PASSWORD")


def action_page(
    kind: str,
    *,
    realm: str,
    action: str,
    resources: str,
    theme: str,
    locale: str,
    secret: str,
    error: str | None = None,
) -> str:
    """`CONFIGURE_TOTP`: the secret to scan (`#kc-totp-secret-key`) and
    `form#kc-totp-settings-form` with a text input `totp` (the first code of the new
    app: the same name as the old themes' login code), hidden `totpSecret` and
    `userLabel`. `UPDATE_PASSWORD`: `form#kc-passwd-update-form` with the password
    inputs `password-new` and `password-confirm`. `error` shows in the alert. Raises
    ValueError for another kind."""
    texts = TEXTS[locale]
    if kind == "CONFIGURE_TOTP":
        title = "Mobile Authenticator Setup"
        inner = f"""<ol id="kc-totp-settings">
  <li><p>Install an authenticator application on your mobile.</p></li>
  <li><p>Open the application and enter the key:</p>
    <p><span id="kc-totp-secret-key">{escape(secret)}</span></p></li>
  <li><p>Enter the one-time code provided by the application and click Submit.</p></li>
</ol>
<form action="{escape(action)}" class="form-horizontal" id="kc-totp-settings-form" method="post">
  <div class="form-group">
    <label for="totp" class="control-label">{escape(texts["otp"])}</label>
    <input type="text" id="totp" name="totp" autocomplete="off" class="form-control"/>
    <input type="hidden" id="totpSecret" name="totpSecret" value="{escape(secret)}"/>
  </div>
  <div class="form-group">
    <label for="userLabel" class="control-label">Device Name</label>
    <input type="text" class="form-control" id="userLabel" name="userLabel" autocomplete="off"/>
  </div>
  <input type="submit" class="btn btn-primary btn-lg" id="saveTOTPBtn" value="Submit"/>
</form>"""
    elif kind == "UPDATE_PASSWORD":
        title = "Update password"
        inner = f"""<form id="kc-passwd-update-form" class="form-horizontal" \
action="{escape(action)}" method="post">
  <div class="form-group">
    <label for="password-new" class="control-label">New Password</label>
    <input type="password" id="password-new" name="password-new" class="form-control" \
autofocus autocomplete="new-password"/>
  </div>
  <div class="form-group">
    <label for="password-confirm" class="control-label">Confirm password</label>
    <input type="password" id="password-confirm" name="password-confirm" \
class="form-control" autocomplete="new-password"/>
  </div>
  <input class="btn btn-primary btn-lg" type="submit" value="Submit"/>
</form>"""
    else:
        raise ValueError(f"required action: unknown {kind!r}, valid: {ACTIONS}")
    body = f'{pages.alert(theme, error)}      <div id="kc-form">\n{inner}\n      </div>'
    return pages.page(realm, locale, title, body, resources)
