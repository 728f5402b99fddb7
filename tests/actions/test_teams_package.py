"""The Teams app package: manifest, icons, validation, zip."""

from __future__ import annotations

import json
import zipfile

import pytest

from actions.build import teams_package
from actions.build.teams_package import PackageError, build, decode_png, encode_png, main
from knowledge.settings import Settings

APP_ID = "6f1c2d3e-4b5a-4c6d-8e7f-000000000001"  # fictitious


def settings(**values: str) -> Settings:
    return Settings(**{"teams_app_id": APP_ID, **values})


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("teams") / "dist" / "hok-assistenten-teams.zip"
    build(settings(teams_app_version="1.2.3"), out)
    return zipfile.ZipFile(out)


def test_the_zip_holds_the_manifest_and_both_icons_at_its_root(package):
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]


def test_the_manifest_follows_schema_1_19(package):
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["$schema"] == (
        "https://developer.microsoft.com/en-us/json-schemas/teams/v1.19/MicrosoftTeams.schema.json"
    )
    assert manifest["manifestVersion"] == "1.19" and manifest["version"] == "1.2.3"
    assert manifest["id"] == teams_package.app_id_for(APP_ID) != APP_ID
    assert set(manifest["developer"]) == {"name", "websiteUrl", "privacyUrl", "termsOfUseUrl"}
    assert manifest["name"]["short"] == "HÖK-assistenten" and len(manifest["name"]["short"]) <= 30
    assert "samverkan" in manifest["description"]["short"] and len(manifest["description"]["short"]) <= 80
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    assert bot["supportsFiles"] is False and bot["isNotificationOnly"] is False
    commands = bot["commandLists"][0]["commands"]
    assert commands and all(len(c["title"]) <= 32 and len(c["description"]) <= 128 for c in commands)
    assert teams_package.validate_manifest(manifest) == []


def test_the_manifest_id_is_stable_for_a_bot(tmp_path):
    first = build(settings(), tmp_path / "a.zip")
    second = build(settings(), tmp_path / "b.zip")
    assert first["id"] == second["id"]
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()  # reproducible


def test_the_icons_have_the_sizes_and_colours_teams_requires(package):
    color = decode_png(package.read("color.png"))
    outline = decode_png(package.read("outline.png"))
    assert (color.width, color.height) == (192, 192)
    assert (outline.width, outline.height) == (32, 32)
    assert any(p[3] == 0 for p in outline.pixels) and any(p[3] == 255 for p in outline.pixels)
    assert all(p[:3] == (255, 255, 255) for p in outline.pixels if p[3])


def test_a_missing_app_id_is_a_clear_error(tmp_path):
    with pytest.raises(PackageError, match="HOK_TEAMS_APP_ID is not set"):
        build(Settings(teams_app_id=""), tmp_path / "out.zip")
    assert not (tmp_path / "out.zip").exists()


def test_the_command_line_reports_a_missing_app_id(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOK_TEAMS_APP_ID", "")
    assert main(["--out", str(tmp_path / "out.zip")]) == 1
    assert "HOK_TEAMS_APP_ID is not set" in capsys.readouterr().err


def test_the_command_line_builds_the_package(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOK_TEAMS_APP_ID", APP_ID)
    assert main(["--out", str(tmp_path / "out.zip")]) == 0
    assert zipfile.is_zipfile(tmp_path / "out.zip")
    assert "placeholders" in capsys.readouterr().out  # the default developer URLs are example.invalid


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"teams_app_id": "not-a-guid"}, "botId 'not-a-guid' is not a GUID"),
        ({"teams_app_version": "1.0"}, "not a semantic version"),
        ({"teams_website_url": "http://example.invalid"}, "developer.websiteUrl must be an https:// URL"),
        ({"teams_developer_name": "x" * 33}, "developer.name is longer than 32"),
    ],
)
def test_invalid_settings_are_refused_with_the_reason(tmp_path, values, message):
    with pytest.raises(PackageError, match=message):
        build(settings(**values), tmp_path / "out.zip")


def _png(size: int, pixel: tuple[int, int, int, int]) -> bytes:
    return encode_png(size, size, [pixel] * size * size)


@pytest.mark.parametrize(
    ("color", "outline", "message"),
    [
        (_png(96, (0, 0, 0, 255)), None, r"icons.color \(color.png\) is 96×96, must be 192×192"),
        (None, _png(32, (255, 255, 255, 255)), "has no transparency"),
        (None, _png(32, (0, 0, 0, 128)), "must be white and transparent only"),
        (None, b"GIF89a", "not a PNG file"),
    ],
)
def test_bad_icons_are_refused(tmp_path, color, outline, message):
    with pytest.raises(PackageError, match=message):
        build(settings(), tmp_path / "out.zip", color_png=color, outline_png=outline)


def test_png_decoding_handles_filters_and_palettes():
    # Written by zlib with a Paeth filter on every row: the decoder must undo it.
    import struct
    import zlib

    width, height = 3, 2
    rows = [
        [(10, 20, 30, 255), (40, 50, 60, 0), (70, 80, 90, 128)],
        [(1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12)],
    ]
    raw = b""
    previous = bytes(width * 4)
    for row in rows:
        line = b"".join(bytes(p) for p in row)
        filtered = bytearray()
        for i, value in enumerate(line):
            a = line[i - 4] if i >= 4 else 0
            b = previous[i]
            c = previous[i - 4] if i >= 4 else 0
            p = a + b - c
            pred = (
                a
                if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c)
                else b
                if abs(p - b) <= abs(p - c)
                else c
            )
            filtered.append((value - pred) & 0xFF)
        raw += b"\x04" + bytes(filtered)
        previous = line

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    assert list(decode_png(png).pixels) == rows[0] + rows[1]

    palette = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 3, 0, 0, 0))
        + chunk(b"PLTE", bytes([255, 255, 255, 0, 0, 0]))
        + chunk(b"tRNS", bytes([255, 0]))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x01"))
        + chunk(b"IEND", b"")
    )
    assert list(decode_png(palette).pixels) == [(255, 255, 255, 255), (0, 0, 0, 0)]
