"""The texts of the Keycloak emulator's pages: Keycloak's own messages in English and
Japanese (messages_en.properties / messages_ja.properties), so that tests can check the
client shows the IdP's words, whatever its language."""

from __future__ import annotations

LOCALES = ("en", "ja")

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
