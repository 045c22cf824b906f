"""The floor of a refresh: what any tool must do to refresh on a kept AD FS session,
with the standard library alone and none of awsprocesscreds' code.

Run as its own process (``python floor_refresh.py ENTRY_URL STS_URL SESSION_FILE
ROLE_ARN OUT``), it does what ours does on a refresh and nothing more: it reads the
cookies of the session file ours kept, sends one GET of the entry URL with them
(following AD FS's redirect on the same connection), cuts the SAMLResponse out of the
page, reads the role pair from the assertion, calls AssumeRoleWithSAML, writes the
credential_process document 0600 and prints it. It leaves out everything that makes
ours safe and general: locks, the credential cache's rules, proxies, deadlines, size
bounds, hardened XML, error messages, argument checks. Its time is what no design that
starts a Python process can go below; the benchmark puts it beside ours.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import ssl
import sys
import urllib.parse
import urllib.request
from http.cookiejar import Cookie, CookieJar
from xml.etree import ElementTree

SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
STS = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}
FIELDS = ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")
SAML_INPUT = re.compile(rb'name="SAMLResponse"\s+value="([^"]+)"')


def kept_cookies(session_file: str) -> CookieJar:
    jar = CookieJar()
    with open(session_file, encoding="utf-8") as file:
        for entry in json.load(file)["cookies"]:
            domain = entry["domain"]
            jar.set_cookie(
                Cookie(0, entry["name"], entry["value"], None, False, domain,
                       domain.startswith("."), domain.startswith("."), entry["path"], True,
                       bool(entry["secure"]), entry["expires"], entry["expires"] is None,
                       None, None, {})
            )  # fmt: skip
    return jar


def saml_response(entry_url: str, jar: CookieJar) -> str:
    context = ssl.create_default_context(cafile=os.environ["REQUESTS_CA_BUNDLE"])
    parts = urllib.parse.urlsplit(entry_url)
    connection = http.client.HTTPSConnection(parts.hostname or "", parts.port, context=context)
    url = entry_url
    for _ in range(10):
        request = urllib.request.Request(url)  # noqa: S310 (https, from the benchmark)
        jar.add_cookie_header(request)
        target = urllib.parse.urlunsplit(("", "", *urllib.parse.urlsplit(url)[2:4], ""))
        connection.request("GET", target, headers=request.unredirected_hdrs)
        response = connection.getresponse()
        body = response.read()
        jar.extract_cookies(response, request)
        location = response.getheader("Location")
        if response.status not in (301, 302, 303) or not location:
            break
        url = urllib.parse.urljoin(url, location)
    connection.close()
    found = SAML_INPUT.search(body)
    if found is None:
        raise SystemExit("the kept session led to no SAML form")
    return found.group(1).decode("ascii")


def role_pair(assertion: str, role_arn: str) -> tuple[str, str]:
    # Unhardened on purpose: the floor leaves out defusedxml (only emulators answer it).
    root = ElementTree.fromstring(base64.b64decode(assertion))  # noqa: S314
    for value in root.iter(f"{SAML}AttributeValue"):
        arns = (value.text or "").split(",")
        if role_arn in arns:
            principal = next(arn for arn in arns if ":saml-provider/" in arn)
            return role_arn, principal
    raise SystemExit(f"the assertion does not grant {role_arn}")


def assume(sts_url: str, assertion: str, role: str, principal: str) -> dict[str, object]:
    parts = urllib.parse.urlsplit(sts_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
    form = urllib.parse.urlencode(
        {
            "Action": "AssumeRoleWithSAML",
            "Version": "2011-06-15",
            "RoleArn": role,
            "PrincipalArn": principal,
            "SAMLAssertion": assertion,
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/", body=form, headers=headers)
    answer = ElementTree.fromstring(connection.getresponse().read())  # noqa: S314
    credentials = answer.find(".//s:Credentials", STS)
    if credentials is None:
        raise SystemExit("STS answered no credentials")
    return {"Version": 1, **{name: credentials.findtext(f"s:{name}", "", STS) for name in FIELDS}}


def main(entry_url: str, sts_url: str, session_file: str, role_arn: str, out: str) -> None:
    assertion = saml_response(entry_url, kept_cookies(session_file))
    document = json.dumps(assume(sts_url, assertion, *role_pair(assertion, role_arn)))
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(document)
    sys.stdout.write(document + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:6])
