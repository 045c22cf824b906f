"""`make demo`: the whole job on this machine, nothing from the internet.

Starts the bundled AD FS emulator (HTTPS on 127.0.0.1 with a throw-away CA) and moto as
STS, writes a throw-away AWS config whose profile runs the installed
``awsprocesscreds-saml`` as its credential_process, and makes a real boto3
``sts.get_caller_identity()`` call through that profile, twice: the first run logs in
(you type the password), the second is served from the cache.
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3

from tests.emulators import AdfsEmulator, MotoSts, make_tls

USER = "alice@example.com"
PASSWORD = "correct horse"
ROLE_ARN = "arn:aws:iam::123456789012:role/Dev"


def main() -> int:
    cli = Path(sys.executable).with_name("awsprocesscreds-saml")
    with tempfile.TemporaryDirectory(prefix="awsprocesscreds-demo-") as scratch:
        home = Path(scratch)
        tls = make_tls(home)
        with AdfsEmulator(tls, users={USER: PASSWORD}) as idp, MotoSts() as sts:
            command = shlex.join(
                [str(cli), "-e", idp.entry_url, "-u", USER, "-p", "adfs", "-a", ROLE_ARN]
            )
            config = home / "config"
            profile = f"[profile demo]\nregion = us-east-1\ncredential_process = {command}\n"
            config.write_text(profile)
            os.environ.update(
                HOME=str(home),  # the cache goes to this throw-away home, not yours
                AWS_CONFIG_FILE=str(config),
                AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
                REQUESTS_CA_BUNDLE=str(tls.ca_file),
                AWS_ENDPOINT_URL_STS=sts.url,
                NO_PROXY="127.0.0.1,localhost",
            )
            for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
                os.environ.pop(name, None)
            print(f"AD FS emulator: {idp.entry_url}")
            print(f"STS (moto):     {sts.url}")
            print(f"AWS config:     {config}\n\n[profile demo]\ncredential_process = {command}\n")
            if not _has_terminal():
                print("(no terminal here: the password is passed in AWSPROCESSCREDS_PASSWORD)")
                os.environ["AWSPROCESSCREDS_PASSWORD"] = PASSWORD
            else:
                print(f"When asked for the password, type:  {PASSWORD}\n")
            for attempt in ("first call (logs in)", "second call (from the cache)"):
                started = time.perf_counter()
                client = boto3.Session(profile_name="demo").client("sts")
                arn = client.get_caller_identity()["Arn"]
                took = time.perf_counter() - started
                print(f"{attempt}: {arn}  [{took:.2f} s]")
            print(f"\nlogins at the IdP: {idp.logins}")
    return 0


def _has_terminal() -> bool:
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))
    except OSError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
