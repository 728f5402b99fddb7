"""The Microsoft Teams app package:
``python -m actions.build.teams_package --out dist/hok-assistenten-teams.zip``.

A zip with ``manifest.json`` (app manifest schema 1.19), a 192×192 colour icon and a 32×32
outline icon (white on transparent). The icons are drawn here with Pillow (a speech bubble), or
given with ``--color-icon`` / ``--outline-icon``. Everything is validated before the zip
is written: the schema's required fields and limits, versions, GUIDs, HTTPS URLs and the icons."""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from PIL import Image as PILImage
from PIL import ImageDraw

from knowledge.settings import Settings

SCHEMA_URL = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.19/MicrosoftTeams.schema.json"
MANIFEST_VERSION = "1.19"
MIN_MANIFEST_VERSION = (1, 19)
# The manifest id is derived from the bot's app id within this namespace: stable for one bot
# registration, different for every organisation's own registration.
APP_ID_NAMESPACE = uuid.UUID("aa34f06f-7d4a-4ece-85f1-1438ab94d618")
ACCENT_COLOR = "#1F5C99"
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
COLOR_ICON_SIZE = 192
OUTLINE_ICON_SIZE = 32
BOT_SCOPES = ["personal", "team", "groupChat"]

# Swedish wording shown in Teams.
SHORT_NAME = "HÖK-assistenten"
FULL_NAME = "HÖK-assistenten – frågor om samverkan kring hälsa, vård och omsorg"
SHORT_DESCRIPTION = "Svar om samverkansöverenskommelser mellan kommuner och regioner"
FULL_DESCRIPTION = (
    "HÖK-assistenten svarar personal på frågor om överenskommelserna om samverkan kring hälsa, vård "
    "och omsorg mellan kommuner och regioner i Stockholms län och Skåne, till exempel HÖK, samordnande "
    "vårdcentral (GSA) och kommunens samordnande funktion (KSA). Varje svar visar vilka dokument och "
    "avsnitt det bygger på. Assistenten ersätter inte överenskommelserna: kontrollera viktiga beslut "
    "mot källan."
)
COMMANDS = [
    (
        "Vem kallar till lokal samverkan?",
        "Vem som sammankallar till lokal samverkan enligt överenskommelserna",
    ),
    ("Vem är GSA i Farsta?", "Samordnande vårdcentral (GSA) för en kommun eller ett stadsdelsområde"),
    ("Vem är KSA i Huddinge?", "Kommunens samordnande funktion (KSA) för en kommun"),
    ("Hur följs HÖK upp?", "Hur huvudöverenskommelsen om hälsa, vård och omsorg följs upp"),
]

# Limits and required fields from the 1.19 schema.
REQUIRED = ["manifestVersion", "version", "id", "developer", "name", "description", "icons", "accentColor"]
REQUIRED_NESTED = {
    "developer": ["name", "websiteUrl", "privacyUrl", "termsOfUseUrl"],
    "name": ["short", "full"],
    "description": ["short", "full"],
    "icons": ["outline", "color"],
}
MAX_LENGTHS = {
    ("name", "short"): 30,
    ("name", "full"): 100,
    ("description", "short"): 80,
    ("description", "full"): 4000,
    ("developer", "name"): 32,
}
SEMVER = re.compile(r"^([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)$")
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PackageError(Exception):
    """The package cannot be built; the message says why and what to set."""


# --- The manifest ------------------------------------------------------------------------------


def app_id_for(bot_id: str) -> str:
    return str(uuid.uuid5(APP_ID_NAMESPACE, bot_id.strip().lower()))


def manifest(settings: Settings) -> dict[str, Any]:
    bot_id = settings.teams_app_id.strip()
    if not bot_id:
        raise PackageError(
            "HOK_TEAMS_APP_ID is not set: the package needs the bot's Microsoft App ID "
            "(Azure portal → your Azure Bot → Configuration → Microsoft App ID)."
        )
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": settings.teams_app_version,
        "id": app_id_for(bot_id),
        "localizationInfo": {"defaultLanguageTag": "sv-se"},
        "developer": {
            "name": settings.teams_developer_name,
            "websiteUrl": settings.teams_website_url,
            "privacyUrl": settings.teams_privacy_url,
            "termsOfUseUrl": settings.teams_terms_url,
        },
        "name": {"short": SHORT_NAME, "full": FULL_NAME},
        "description": {"short": SHORT_DESCRIPTION, "full": FULL_DESCRIPTION},
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": bot_id,
                "scopes": BOT_SCOPES,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {
                        "scopes": BOT_SCOPES,
                        "commands": [{"title": t, "description": d} for t, d in COMMANDS],
                    }
                ],
            }
        ],
    }


# --- The icons: drawn with Pillow, and any icon read back with it for validation -------------

RGBA = tuple[int, int, int, int]
SUPERSAMPLE = 8  # drawn this many times larger, then reduced: smooth (anti-aliased) edges


def encode_png(width: int, height: int, pixels: Sequence[RGBA]) -> bytes:
    """An 8-bit RGBA PNG of ``pixels`` (row by row), written reproducibly (no metadata)."""
    image = PILImage.new("RGBA", (width, height))
    image.putdata(list(pixels))
    return _png(image)


def _png(image: PILImage.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _bubble_mask(size: int) -> PILImage.Image:
    """A speech bubble with three dots cut out, as coverage (0..255) on a ``size`` square: a
    rounded body, a tail below its lower left."""
    big = size * SUPERSAMPLE
    mask = PILImage.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)

    def at(*unit: float) -> list[float]:
        return [u * big for u in unit]

    draw.rounded_rectangle(at(0.16, 0.22, 0.84, 0.68), radius=0.13 * big, fill=255)
    draw.polygon([tuple(at(0.28, 0.66)), tuple(at(0.46, 0.66)), tuple(at(0.24, 0.84))], fill=255)
    for cx in (0.34, 0.5, 0.66):
        draw.ellipse(at(cx - 0.055, 0.45 - 0.055, cx + 0.055, 0.45 + 0.055), fill=0)
    return mask.resize((size, size), PILImage.Resampling.BOX)


def color_icon() -> bytes:
    """192×192: a white speech bubble on the accent colour."""
    background = PILImage.new("RGBA", (COLOR_ICON_SIZE, COLOR_ICON_SIZE), ACCENT_COLOR)
    white = PILImage.new("RGBA", background.size, (255, 255, 255, 255))
    return _png(PILImage.composite(white, background, _bubble_mask(COLOR_ICON_SIZE)))


def outline_icon() -> bytes:
    """32×32: the same bubble, white on a transparent background."""
    image = PILImage.new("RGBA", (OUTLINE_ICON_SIZE, OUTLINE_ICON_SIZE), (255, 255, 255, 0))
    image.putalpha(_bubble_mask(OUTLINE_ICON_SIZE))
    return _png(image)


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    pixels: tuple[RGBA, ...]


def decode_png(data: bytes) -> Image:
    """Any PNG Pillow reads (grey, RGB, palette, with or without alpha, any depth) as RGBA pixels."""
    if not data.startswith(PNG_SIGNATURE):
        raise PackageError("not a PNG file")
    try:
        with PILImage.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.load()
            rgba = image.convert("RGBA")
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError) as exc:  # damaged, or absurd
        raise PackageError(f"damaged PNG file ({exc})") from exc
    width, height = rgba.size
    pixels = cast(tuple[RGBA, ...], rgba.get_flattened_data())  # RGBA: four integers a pixel
    return Image(width, height, pixels)


# --- Validation --------------------------------------------------------------------------------


def _get(manifest: Mapping[str, Any], *path: str) -> Any:
    value: Any = manifest
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def validate_manifest(manifest: Mapping[str, Any]) -> list[str]:
    errors = [f"missing required field {name!r}" for name in REQUIRED if not manifest.get(name)]
    for parent, fields in REQUIRED_NESTED.items():
        errors += [f"missing required field {parent}.{f}" for f in fields if not _get(manifest, parent, f)]
    for (parent, field), limit in MAX_LENGTHS.items():
        if len(str(_get(manifest, parent, field) or "")) > limit:
            errors.append(f"{parent}.{field} is longer than {limit} characters")
    version = re.fullmatch(r"(\d+)\.(\d+)", str(manifest.get("manifestVersion") or ""))
    if not version or (int(version[1]), int(version[2])) < MIN_MANIFEST_VERSION:
        errors.append(f"manifestVersion must be {'.'.join(map(str, MIN_MANIFEST_VERSION))} or newer")
    if not SEMVER.match(str(manifest.get("version") or "")):
        version_text = repr(manifest.get("version"))
        errors.append(f"version {version_text} is not a semantic version like 1.0.0 (HOK_TEAMS_APP_VERSION)")
    if not GUID.match(str(manifest.get("id") or "")):
        errors.append("id must be a GUID")
    if not HEX_COLOR.match(str(manifest.get("accentColor") or "")):
        errors.append("accentColor must be a colour like #1F5C99")
    for field in REQUIRED_NESTED["developer"][1:]:
        url = str(_get(manifest, "developer", field) or "")
        if url and (not url.lower().startswith("https://") or len(url) > 2048):
            errors.append(f"developer.{field} must be an https:// URL of at most 2048 characters")
    errors += _validate_bots(manifest.get("bots"))
    return errors


def _validate_bots(bots: Any) -> list[str]:
    if not isinstance(bots, list) or len(bots) != 1:
        return ["bots must list exactly one bot"]
    bot = bots[0]
    errors = []
    if not GUID.match(str(bot.get("botId") or "")):
        errors.append(
            f"bots[0].botId {bot.get('botId')!r} is not a GUID: HOK_TEAMS_APP_ID must be the Microsoft App ID"
        )
    scopes = bot.get("scopes")
    if not scopes or not set(scopes) <= set(BOT_SCOPES):
        errors.append(f"bots[0].scopes must be some of {BOT_SCOPES}")
    command_lists = bot.get("commandLists") or []
    if len(command_lists) > 3:
        errors.append("bots[0].commandLists has more than 3 lists")
    for i, command_list in enumerate(command_lists):
        commands = command_list.get("commands") or []
        if not command_list.get("scopes") or not commands:
            errors.append(f"bots[0].commandLists[{i}] needs scopes and commands")
        if len(commands) > 10:
            errors.append(f"bots[0].commandLists[{i}] has more than 10 commands")
        for command in commands:
            title, description = str(command.get("title") or ""), str(command.get("description") or "")
            if not title or len(title) > 32 or not description or len(description) > 128:
                errors.append(f"command {title!r}: title (≤ 32 characters) and description (≤ 128) required")
    return errors


def validate_icons(manifest: Mapping[str, Any], files: Mapping[str, bytes]) -> list[str]:
    errors: list[str] = []
    expected = {"color": COLOR_ICON_SIZE, "outline": OUTLINE_ICON_SIZE}
    for kind, size in expected.items():
        name = str(_get(manifest, "icons", kind) or "")
        if name not in files:
            errors.append(f"icons.{kind}: {name!r} is not in the package")
            continue
        try:
            image = decode_png(files[name])
        except PackageError as exc:
            errors.append(f"icons.{kind} ({name}): {exc}")
            continue
        if (image.width, image.height) != (size, size):
            errors.append(f"icons.{kind} ({name}) is {image.width}×{image.height}, must be {size}×{size}")
        if kind == "outline":
            if all(p[3] == 255 for p in image.pixels):
                errors.append(f"icons.outline ({name}) has no transparency: it must be white on transparent")
            if any(p[3] and p[:3] != (255, 255, 255) for p in image.pixels):
                errors.append(f"icons.outline ({name}) must be white and transparent only")
    return errors


# --- The package -------------------------------------------------------------------------------


def build(
    settings: Settings, out: Path, color_png: bytes | None = None, outline_png: bytes | None = None
) -> dict[str, Any]:
    """Validate and write the zip; the manifest it holds. PackageError lists every problem."""
    app_manifest = manifest(settings)
    files = {
        COLOR_ICON: color_png if color_png is not None else color_icon(),
        OUTLINE_ICON: outline_png if outline_png is not None else outline_icon(),
    }
    errors = validate_manifest(app_manifest) + validate_icons(app_manifest, files)
    if errors:
        raise PackageError("the Teams app package is not valid:\n  - " + "\n  - ".join(errors))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = {"manifest.json": json.dumps(app_manifest, ensure_ascii=False, indent=2).encode() + b"\n"}
        for name, data in {**entries, **files}.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # reproducible zips
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buffer.getvalue())
    return app_manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path("dist/hok-assistenten-teams.zip"))
    parser.add_argument("--color-icon", type=Path, help="your own 192×192 colour PNG instead of the default")
    parser.add_argument("--outline-icon", type=Path, help="your own 32×32 white-on-transparent PNG")
    args = parser.parse_args(argv)
    settings = Settings()
    try:
        color = args.color_icon.read_bytes() if args.color_icon else None
        outline = args.outline_icon.read_bytes() if args.outline_icon else None
        app_manifest = build(settings, args.out, color, outline)
    except (PackageError, OSError) as exc:
        print(f"teams-package: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: Teams app {app_manifest['id']} version {app_manifest['version']}")
    placeholders = [k for k, v in app_manifest["developer"].items() if ".invalid" in str(v)]
    if placeholders:
        print(
            "note: developer " + ", ".join(placeholders) + " are placeholders; set HOK_TEAMS_WEBSITE_URL, "
            "HOK_TEAMS_PRIVACY_URL and HOK_TEAMS_TERMS_URL before publishing to the organisation's catalogue."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
