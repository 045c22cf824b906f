"""`make demo`: the whole job on this machine, nothing from the internet.

Starts the bundled IdP and STS emulators (HTTPS on 127.0.0.1 with a throw-away CA),
writes a throw-away AWS config whose profile runs the installed
``awsprocesscreds-saml`` as its credential_process, and makes a real boto3
``sts.get_caller_identity()`` call through that profile, twice: the first run logs in
(you type the password), the second is served from the cache.

``--idp adfs`` (the default, ``make demo``) signs in at the AD FS emulator;
``--idp entra`` (``make demo IDP=entra``) at the Microsoft Entra ID emulator, with a
Microsoft Authenticator push with number matching: the first call shows the number
(on the terminal; without one, on the command's stderr, which botocore keeps) and the
emulated phone approves the push by itself after a few polls. An unknown ``--idp`` is
one line on stderr and exit status 2.

Without a terminal the password is passed in ``AWSPROCESSCREDS_PASSWORD``: the right
one, or the value of ``AWSPROCESSCREDS_DEMO_PASSWORD`` when that is set (to see how a
refused password ends). Any failure ends in one line on stderr and exit status 1.

It needs only the package and trustme (``make demo`` installs ``.[demo]`` into
``.venv-demo``): the emulators it imports use neither moto nor pytest.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from tests.emulators.adfs import AdfsEmulator
from tests.emulators.aws import StsEmulator
from tests.emulators.entra import EntraEmulator
from tests.emulators.tls import TestTls, make_tls

USER = "alice@example.com"
PASSWORD = "correct horse"
ROLE_ARN = "arn:aws:iam::123456789012:role/Dev"
#: Without a terminal, the password the demo passes on instead of the right one.
DEMO_PASSWORD_ENV = "AWSPROCESSCREDS_DEMO_PASSWORD"
IDPS = ("adfs", "entra")
#: The Entra demo's push: the number shown, and the pending polls before the emulated
#: phone approves (at the client's shortest poll interval, half a second each).
PUSH_NUMBER, PUSH_PENDING_POLLS, PUSH_POLL_SECONDS = 42, 2, 0.5


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (``demo: error: ...``) and exit 2."""

    def error(self, message: str) -> NoReturn:
        print(f"demo: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; 0 when both calls succeeded, 1 (with one stderr line) otherwise,
    2 (one stderr line) on a bad option."""
    parser = _Parser(description="Log in at an emulated IdP through a real boto3 profile.")
    parser.add_argument("--idp", choices=IDPS, default="adfs", help="the IdP (default adfs)")
    args = parser.parse_args(argv)
    try:
        return _demo(args.idp)
    except (BotoCoreError, ClientError) as exc:
        # botocore quotes our command's one stderr line: pass that line on, nothing more.
        print(f"demo: {_one_line(str(exc))}", file=sys.stderr)
        return 1


@contextmanager
def _idp(name: str, tls: TestTls) -> Iterator[tuple[AdfsEmulator | EntraEmulator, str, str]]:
    """The running emulator of IdP ``name``, its label and the endpoint `-e` names."""
    if name == "entra":
        with EntraEmulator(
            tls,
            users={USER: PASSWORD},
            mfa=["PhoneAppNotification"],
            entropy=PUSH_NUMBER,
            mfa_approve_after=PUSH_PENDING_POLLS,
            poll_interval=PUSH_POLL_SECONDS,
        ) as entra:
            yield entra, "Entra ID emulator", entra.tenant_saml_url
    else:
        with AdfsEmulator(tls, users={USER: PASSWORD}) as adfs:
            yield adfs, "AD FS emulator", adfs.entry_url


def _demo(provider: str) -> int:
    cli = Path(sys.executable).with_name("awsprocesscreds-saml")
    with tempfile.TemporaryDirectory(prefix="awsprocesscreds-demo-") as scratch, ExitStack() as up:
        home = Path(scratch)
        tls = make_tls(home)
        idp, label, endpoint = up.enter_context(_idp(provider, tls))
        sts = up.enter_context(StsEmulator(tls))
        command = shlex.join([str(cli), "-e", endpoint, "-u", USER, "-p", provider, "-a", ROLE_ARN])
        config = home / "config"
        profile = f"[profile demo]\nregion = us-east-1\ncredential_process = {command}\n"
        config.write_text(profile)
        os.environ.update(
            HOME=str(home),  # the cache goes to this throw-away home, not yours
            AWS_CONFIG_FILE=str(config),
            AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
            # With AWS_CA_BUNDLE unset, botocore (ours and boto3's) trusts this too.
            REQUESTS_CA_BUNDLE=str(tls.ca_file),
            AWS_ENDPOINT_URL_STS=sts.url,
            AWS_EC2_METADATA_DISABLED="true",
            NO_PROXY="127.0.0.1,localhost",
        )
        for name in (
            "AWS_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_CA_BUNDLE",
            "AWSPROCESSCREDS_PASSWORD",
            "AWSPROCESSCREDS_MFA_CODE",
        ):
            os.environ.pop(name, None)
        width = max(16, len(label) + 2)  # the values line up, as they always did for AD FS
        print(f"{label + ':':<{width}}{endpoint}")
        print(f"{'STS emulator:':<{width}}{sts.url}")
        print(f"{'AWS config:':<{width}}{config}\n")
        print(f"[profile demo]\ncredential_process = {command}\n")
        if not _has_terminal():
            print("(no terminal here: the password is passed in AWSPROCESSCREDS_PASSWORD)")
            os.environ["AWSPROCESSCREDS_PASSWORD"] = os.environ.get(DEMO_PASSWORD_ENV, PASSWORD)
        else:
            print(f"When asked for the password, type:  {PASSWORD}\n")
        if provider == "entra":
            print(
                "Microsoft Authenticator is emulated: it approves the sign-in by itself "
                f"a moment after the number ({PUSH_NUMBER}) is shown, as if you had typed it.\n"
            )
        for attempt in ("first call (logs in)", "second call (from the cache)"):
            started = time.perf_counter()
            client = boto3.Session(profile_name="demo").client("sts")
            arn = client.get_caller_identity()["Arn"]
            took = time.perf_counter() - started
            print(f"{attempt}: {arn}  [{took:.2f} s]")
        print(f"\nlogins at the IdP: {idp.logins}")
    return 0


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _has_terminal() -> bool:
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))
    except OSError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
