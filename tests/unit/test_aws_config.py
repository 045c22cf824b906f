"""Editing the config text: checked against botocore's own reading of the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.configloader import load_config

from awsprocesscreds.aws_config import classify, profile_of, update_profile
from awsprocesscreds.errors import ConfigurationError

CMD = {"credential_process": "CMD"}
BOTH = {"credential_process": "CMD", "region": "us-east-1"}


def botocore_reads(text: str, tmp_path: Path) -> dict[str, Any]:
    """What botocore makes of ``text`` as a config file."""
    path = tmp_path / "config"
    path.write_bytes(text.encode("utf-8"))
    return dict(load_config(str(path)))


@pytest.mark.parametrize(
    ("before", "settings", "after"),
    [
        ("", CMD, "[profile dev]\ncredential_process = CMD\n"),
        (
            "[default]\nregion = x",
            CMD,
            "[default]\nregion = x\n\n[profile dev]\ncredential_process = CMD\n",
        ),
        (
            "[profile dev]\nregion = x\ncredential_process = old\n# note\n",
            CMD,
            "[profile dev]\nregion = x\ncredential_process = CMD\n# note\n",
        ),
        (
            "[profile dev]\nregion = x\n\n[profile other]\noutput = json\n",
            CMD,
            "[profile dev]\nregion = x\ncredential_process = CMD\n"
            "\n[profile other]\noutput = json\n",
        ),
        (  # botocore reads `key: value` and keys in any case as the same key
            "[profile dev]\nRegion: eu-west-1\nCREDENTIAL_PROCESS = old\n",
            BOTH,
            "[profile dev]\nregion = us-east-1\ncredential_process = CMD\n",
        ),
        (  # a multi-line old value: its further lines would join the new value
            "[profile dev]\ncredential_process = old\n  more\n\n  -v\n# c\noutput = json\n",
            CMD,
            "[profile dev]\ncredential_process = CMD\n\n# c\noutput = json\n",
        ),
        (  # indented keys keep their indent, or the next one would become a continuation
            "[profile dev]\n  region = x\n  output = json\n",
            BOTH,
            "[profile dev]\n  region = us-east-1\n  output = json\ncredential_process = CMD\n",
        ),
        (  # a new key as deep as the next (indented) header, which it must not swallow
            "[profile dev]\n  [profile next]\n  output = json\n",
            CMD,
            "[profile dev]\n  credential_process = CMD\n  [profile next]\n  output = json\n",
        ),
        (  # a continuation line that looks like a header is not one
            "[default]\nnote = x\n  [profile dev]\n",
            CMD,
            "[default]\nnote = x\n  [profile dev]\n\n[profile dev]\ncredential_process = CMD\n",
        ),
        (  # botocore splits the header like a shell line: this is profile dev
            "[profile  dev ] ; mine\nregion = x\n",
            CMD,
            "[profile  dev ] ; mine\nregion = x\ncredential_process = CMD\n",
        ),
        (  # CRLF stays CRLF, new lines too
            "[default]\r\nregion = x\r\n\r\n[profile dev]\r\noutput = json\r\n",
            BOTH,
            "[default]\r\nregion = x\r\n\r\n[profile dev]\r\noutput = json\r\n"
            "credential_process = CMD\r\nregion = us-east-1\r\n",
        ),
        (  # a form feed is not a line break for configparser (it is for str.splitlines)
            "[default]\nnote = a\x0c[profile dev]\n",
            CMD,
            "[default]\nnote = a\x0c[profile dev]\n\n[profile dev]\ncredential_process = CMD\n",
        ),
        (
            "[profile develop]\nregion = x\n",
            CMD,
            "[profile develop]\nregion = x\n\n[profile dev]\ncredential_process = CMD\n",
        ),
    ],
)
def test_update_profile(before: str, settings: dict[str, str], after: str, tmp_path: Path) -> None:
    edit = update_profile(before, "dev", settings)
    assert edit.text == after
    old = botocore_reads(before, tmp_path)["profiles"]
    new = botocore_reads(edit.text, tmp_path)["profiles"]
    assert new["dev"] == {**old.get("dev", {}), **settings}
    assert {name: value for name, value in new.items() if name != "dev"} == {
        name: value for name, value in old.items() if name != "dev"
    }


@pytest.mark.parametrize(
    ("before", "warning"),
    [
        (
            "[ profile dev ]\nregion = x\n",
            "line 1: [ profile dev ] is ignored by botocore (no spaces",
        ),
        ("[Profile dev]\nregion = x\n", "line 1: [Profile dev] is ignored by botocore (botocore"),
        (
            "[profile dev]\nregion = x\n[profile  dev]\n",
            "line 1: [profile dev] is ignored by botocore (a later section",
        ),
    ],
)
def test_a_section_botocore_ignores_is_reported_and_the_read_one_written(
    before: str, warning: str, tmp_path: Path
) -> None:
    edit = update_profile(before, "dev", CMD)
    assert len(edit.warnings) == 1
    assert edit.warnings[0].startswith(warning)
    assert botocore_reads(edit.text, tmp_path)["profiles"]["dev"]["credential_process"] == "CMD"


def test_default_profile() -> None:
    edit = update_profile("[default]\nregion = x\n", "default", CMD)
    assert edit.text == "[default]\nregion = x\ncredential_process = CMD\n"
    assert edit.header == "default"
    assert update_profile("", "default", CMD).text == "[default]\ncredential_process = CMD\n"


@pytest.mark.parametrize(
    ("before", "message"),
    [
        ("[profile dev]\nregion = a\nREGION = b\n", "line 3: key 'region' appears twice"),
        ("[a]\nx = 1\n[a]\n", "line 3: section [a] appears twice"),
        ("region = x\n[profile dev]\n", "line 1: there is text before the first [section]"),
        ("[a]\naws_secret_access_key\n", "line 2: a line is neither"),
        ("\ufeff[default]\n", "line 1: there is text before"),
    ],
)
def test_a_file_botocore_cannot_read_is_refused(before: str, message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        update_profile(before, "dev", CMD)
    assert message in str(caught.value)
    assert "aws_secret_access_key" not in str(caught.value)  # no line content echoed


@pytest.mark.parametrize(
    ("header", "profile"),
    [
        ("default", "default"),
        ("profile dev", "dev"),
        ("profile  dev ", "dev"),
        ("profile default", "default"),
        (" profile dev", None),
        ("Profile dev", None),
        ("profile my dev", None),
        ("profile 'my dev'", "my dev"),
        ("profile", None),
        ("sso-session corp", None),
        ("profile 'unclosed", None),
    ],
)
def test_profile_of_matches_botocore(header: str, profile: str | None, tmp_path: Path) -> None:
    assert profile_of(header) == profile
    profiles = botocore_reads(f"[{header}]\nk = v\n", tmp_path)["profiles"]
    assert list(profiles) == ([profile] if profile else [])


def test_classify_follows_configparser() -> None:
    text = "# c\n[a]\n  k = 1\n    more\n\n    still\n; c\nj: 2\n  [b]\n"
    kinds = [(line.kind, line.name) for line in classify(text)]
    assert kinds == [
        ("comment", ""),
        ("header", "a"),
        ("option", "k"),
        ("continuation", "k"),
        ("blank", ""),
        ("continuation", "k"),
        ("comment", ""),
        ("option", "j"),
        ("continuation", "j"),
    ]
