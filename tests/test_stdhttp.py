"""The standard-library HTTPS client of refreshes and STS (``stdhttp``), against real
servers on 127.0.0.1: CA bundles in botocore's and requests' order, proxies and
``no_proxy`` from the given environment, redirects (HTTPS only when asked, cookies
carried), bounded bodies, one deadline for a dripping server, and failures as one line
without the URL's query."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from awsprocesscreds.errors import ConfigurationError, NetworkError, Unreachable
from awsprocesscreds.stdhttp import Client, certifi_bundle, trusting
from tests.emulators.drip import DripServer
from tests.emulators.messages import Request, Response
from tests.emulators.proxy import ConnectProxy
from tests.emulators.server import EmulatorServer
from tests.emulators.tls import TestTls

STS_CA = ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE")


class Pages(EmulatorServer):
    """/hop redirects to /page (setting a cookie), /page echoes the cookies it got,
    /plain redirects to http://, /big answers more than a mebibyte, /gone is a 404."""

    def handle(self, request: Request) -> Response:
        if request.path == "/hop":
            return Response.redirect(f"{self.url}/page").set_cookie("hop", "1")
        if request.path == "/page":
            return Response.html(f"cookies: {request.headers.get('cookie', '')}")
        if request.path == "/plain":
            return Response.redirect(f"http://127.0.0.1:{self.port}/page")
        if request.path == "/big":
            return Response.html("x" * (1024 * 1024 + 1))
        return Response.html("gone", 404)


@pytest.fixture
def pages(tls: TestTls) -> Iterator[Pages]:
    with Pages(tls) as server:
        yield server


def client(env: dict[str, str], **options: object) -> Client:
    return Client(env, STS_CA, timeout=5.0, **options)  # type: ignore[arg-type]


def test_the_first_named_ca_bundle_wins(pages: Pages, tls: TestTls, other_tls: TestTls) -> None:
    right, wrong = str(tls.ca_file), str(other_tls.ca_file)
    answer = client({"AWS_CA_BUNDLE": right, "REQUESTS_CA_BUNDLE": wrong}).send(
        "GET", f"{pages.url}/page"
    )
    assert answer.status == 200
    assert client({"REQUESTS_CA_BUNDLE": right}).send("GET", f"{pages.url}/page").status == 200
    with pytest.raises(NetworkError, match=r"TLS verification failed for 127\.0\.0\.1"):
        client({"AWS_CA_BUNDLE": wrong, "REQUESTS_CA_BUNDLE": right}).send(
            "GET", f"{pages.url}/page"
        )


def test_without_a_named_bundle_certifis_public_cas_are_trusted(pages: Pages) -> None:
    assert certifi_bundle() is not None
    with pytest.raises(NetworkError, match="TLS verification failed"):
        client({}).send("GET", f"{pages.url}/page")


def test_an_unreadable_ca_bundle_is_a_configuration_error(pages: Pages, tmp_path: Path) -> None:
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate\n")
    with pytest.raises(ConfigurationError, match="AWS_CA_BUNDLE names"):
        client({"AWS_CA_BUNDLE": str(not_pem)}).send("GET", f"{pages.url}/page")
    with pytest.raises(ConfigurationError, match="cannot read the CA bundle"):
        client({"AWS_CA_BUNDLE": str(tmp_path / "missing.pem")}).send("GET", f"{pages.url}/page")


def test_a_bundle_is_loaded_once_while_it_stays_as_it_was(
    pages: Pages, tls: TestTls, other_tls: TestTls, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(tls.ca_file.read_bytes())
    # The IdP's variable and STS's name the same file: one load serves both.
    idp = Client({"REQUESTS_CA_BUNDLE": str(bundle)}, ("REQUESTS_CA_BUNDLE",), timeout=5.0)
    assert idp.send("GET", f"{pages.url}/page").status == 200
    assert client({"AWS_CA_BUNDLE": str(bundle)}).send("GET", f"{pages.url}/page").status == 200
    assert trusting(str(bundle)) is trusting(str(bundle))
    # A bundle changed meanwhile is read again: the old CA is no longer trusted.
    bundle.write_bytes(other_tls.ca_file.read_bytes() + b"\n")
    with pytest.raises(NetworkError, match="TLS verification failed"):
        idp.send("GET", f"{pages.url}/page")
    # A refusal is not remembered: the bundle mended is trusted again.
    bundle.write_text("not a certificate\n")
    with pytest.raises(ConfigurationError, match="REQUESTS_CA_BUNDLE names"):
        idp.send("GET", f"{pages.url}/page")
    bundle.write_bytes(tls.ca_file.read_bytes() + b"\n\n")
    assert idp.send("GET", f"{pages.url}/page").status == 200


def test_redirects_carry_cookies_and_the_final_url(pages: Pages, tls: TestTls) -> None:
    jar = CookieJar()
    answer = client({"AWS_CA_BUNDLE": str(tls.ca_file)}).send(
        "GET", f"{pages.url}/hop?secret=1", cookies=jar
    )
    assert answer.url == f"{pages.url}/page"
    assert answer.text() == "cookies: hop=1"
    assert [cookie.name for cookie in jar] == ["hop"]


def test_https_only_refuses_a_redirect_to_plain_http(pages: Pages, tls: TestTls) -> None:
    env = {"AWS_CA_BUNDLE": str(tls.ca_file)}
    with pytest.raises(ConfigurationError, match="only https:// URLs are allowed"):
        client(env, https_only=True).send("GET", f"{pages.url}/plain")
    with pytest.raises(ConfigurationError, match="only https://"):
        client(env, https_only=True).send("GET", f"http://127.0.0.1:{pages.port}/page")
    with pytest.raises(ConfigurationError, match="not an http"):
        client(env).send("GET", "file:///etc/passwd")


def test_error_statuses_are_answers_and_bodies_are_bounded(pages: Pages, tls: TestTls) -> None:
    http = client({"AWS_CA_BUNDLE": str(tls.ca_file)})
    gone = http.send("GET", f"{pages.url}/gone")
    assert (gone.status, gone.body) == (404, b"gone")
    with pytest.raises(NetworkError, match="sent more than 1 MiB"):
        client({"AWS_CA_BUNDLE": str(tls.ca_file)}, max_body=1024 * 1024).send(
            "GET", f"{pages.url}/big"
        )


def test_the_proxy_of_the_environment_tunnels_unless_no_proxy_says(
    pages: Pages, tls: TestTls
) -> None:
    ca = str(tls.ca_file)
    with ConnectProxy() as proxy:
        proxied = {"AWS_CA_BUNDLE": ca, "https_proxy": proxy.url}
        assert client(proxied).send("GET", f"{pages.url}/page").status == 200
        assert proxy.tunnels == [f"127.0.0.1:{pages.port}"]
        upper = {"AWS_CA_BUNDLE": ca, "HTTPS_PROXY": proxy.url}
        assert client(upper).send("GET", f"{pages.url}/page").status == 200
        assert len(proxy.tunnels) == 2
        bypassed = {**proxied, "NO_PROXY": "example.com,127.0.0.1"}
        assert client(bypassed).send("GET", f"{pages.url}/page").status == 200
        assert len(proxy.tunnels) == 2


def test_a_redirect_on_the_same_origin_reuses_the_connection(pages: Pages, tls: TestTls) -> None:
    with ConnectProxy() as proxy:
        env = {"AWS_CA_BUNDLE": str(tls.ca_file), "https_proxy": proxy.url}
        answer = client(env).send("GET", f"{pages.url}/hop", cookies=CookieJar())
        assert answer.text() == "cookies: hop=1"
        assert proxy.tunnels == [f"127.0.0.1:{pages.port}"]  # one connection, one handshake


def test_proxy_credentials_go_to_the_proxy_only(pages: Pages, tls: TestTls) -> None:
    with ConnectProxy() as proxy:
        address = proxy.url.replace("http://", "http://al%40ice:s%3Acret@")
        env = {"AWS_CA_BUNDLE": str(tls.ca_file), "HTTPS_PROXY": address}
        assert client(env).send("GET", f"{pages.url}/page").text() == "cookies: "
        assert proxy.authorizations == ["Basic YWxAaWNlOnM6Y3JldA=="]  # al@ice:s:cret


@pytest.mark.parametrize("part", ["headers", "body"])
def test_one_deadline_bounds_a_dripping_server(tls: TestTls, part: str) -> None:
    with DripServer(tls, part=part, interval=0.05) as drip:
        http = Client({"AWS_CA_BUNDLE": str(tls.ca_file)}, STS_CA, timeout=1.0)
        with pytest.raises(NetworkError, match="did not answer within 1 s"):
            http.send("GET", f"{drip.url}/?token=secret")
        assert not drip.completed


def test_a_refused_connection_is_unreachable_and_names_no_query() -> None:
    with pytest.raises(Unreachable) as caught:
        client({}).send("POST", "http://127.0.0.1:9/?token=secret", body=b"x")
    assert str(caught.value) == "cannot connect to 127.0.0.1:9: connection refused"


def test_a_kept_alive_connection_the_server_closed_is_opened_again(tls: TestTls) -> None:
    """The server answers the redirect and then closes the connection without saying
    so: the GET of the redirect's target goes once more on a fresh connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    served: list[bytes] = []

    def serve() -> None:
        context = tls.server_context()
        for answer in (
            b"HTTP/1.1 302 Found\r\nLocation: /page\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        ):
            raw, _ = listener.accept()
            with context.wrap_socket(raw, server_side=True) as connection:
                connection.settimeout(5)
                served.append(connection.recv(65536).split(b"\r\n", 1)[0])
                connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        answer = client({"AWS_CA_BUNDLE": str(tls.ca_file)}).send(
            "GET", f"https://127.0.0.1:{port}/hop"
        )
    finally:
        thread.join(10)
        listener.close()
    assert (answer.status, answer.body) == (200, b"ok")
    assert served == [b"GET /hop HTTP/1.1", b"GET /page HTTP/1.1"]


@pytest.mark.parametrize(
    "garbage",
    [
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(200)) + b"\r\n",
    ],
    ids=["not-http", "long-header", "many-headers"],
)
def test_an_answer_that_is_not_http_is_one_line_and_not_tried_again(
    tls: TestTls, garbage: bytes
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted: list[int] = []

    def serve() -> None:
        listener.settimeout(1)
        context = tls.server_context()
        for _ in range(2):  # a second connection would be a retry
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                return
            accepted.append(1)
            with context.wrap_socket(raw, server_side=True) as connection:
                connection.settimeout(5)
                connection.recv(65536)
                connection.sendall(garbage)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with pytest.raises(NetworkError) as caught:
            client({"AWS_CA_BUNDLE": str(tls.ca_file)}).send(
                "GET", f"https://127.0.0.1:{port}/?token=secret"
            )
    finally:
        thread.join(10)
        listener.close()
    assert not isinstance(caught.value, Unreachable)
    assert str(caught.value).startswith(f"127.0.0.1:{port} answered something that is not HTTP")
    assert "secret" not in str(caught.value)
    assert accepted == [1]
