"""The Microsoft Teams app package:
``python -m actions.build.teams_package --out dist/hok-assistenten-teams.zip``.

A zip with ``manifest.json`` (app manifest schema 1.19), a 192×192 colour icon and a 32×32
outline icon (white on transparent). The icons are drawn here (a speech bubble, PNG written with
zlib), or given with ``--color-icon`` / ``--outline-icon``. Everything is validated before the zip
is written: the schema's required fields and limits, versions, GUIDs, HTTPS URLs and the icons."""

from __future__ import annotations

import argparse
import io
import json
import re
import struct
import sys
import uuid
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


# --- PNG: writing the default icons and reading any icon back for validation -------------------


RGBA = tuple[int, int, int, int]


def encode_png(width: int, height: int, pixels: Sequence[RGBA]) -> bytes:
    """An 8-bit RGBA PNG."""
    rows = (b"\x00" + b"".join(bytes(p) for p in pixels[y * width : (y + 1) * width]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _in_bubble(x: float, y: float) -> bool:
    """A speech bubble with three dots cut out, in unit coordinates (0..1, y downwards)."""
    if any((x - cx) ** 2 + (y - 0.45) ** 2 < 0.055**2 for cx in (0.34, 0.5, 0.66)):
        return False
    left, top, right, bottom, radius = 0.16, 0.22, 0.84, 0.68, 0.13
    nx = min(max(x, left + radius), right - radius)
    ny = min(max(y, top + radius), bottom - radius)
    if (x - nx) ** 2 + (y - ny) ** 2 <= radius**2:
        return True
    # The tail: a triangle below the body's lower left.
    (ax, ay), (bx, by), (cx, cy) = (0.28, 0.66), (0.46, 0.66), (0.24, 0.84)
    d1 = (x - bx) * (ay - by) - (ax - bx) * (y - by)
    d2 = (x - cx) * (by - cy) - (bx - cx) * (y - cy)
    d3 = (x - ax) * (cy - ay) - (cx - ax) * (y - ay)
    return not ((d1 < 0 or d2 < 0 or d3 < 0) and (d1 > 0 or d2 > 0 or d3 > 0))


def _coverage(size: int, inside: Callable[[float, float], bool], samples: int = 4) -> list[float]:
    """Per pixel, the share of it inside the shape (anti-aliasing): pixels whose four corners agree
    are taken as wholly in or out; only the others are sampled on a samples×samples grid."""
    corners = [[inside(x / size, y / size) for x in range(size + 1)] for y in range(size + 1)]
    step = 1 / (size * samples)
    coverage: list[float] = []
    for py in range(size):
        for px in range(size):
            square = {corners[py][px], corners[py][px + 1], corners[py + 1][px], corners[py + 1][px + 1]}
            if len(square) == 1:
                coverage.append(1.0 if square.pop() else 0.0)
                continue
            hits = sum(
                inside((px * samples + i + 0.5) * step, (py * samples + j + 0.5) * step)
                for i in range(samples)
                for j in range(samples)
            )
            coverage.append(hits / samples**2)
    return coverage


def color_icon() -> bytes:
    """192×192: a white speech bubble on the accent colour."""
    r, g, b = (int(ACCENT_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    pixels = [
        (round(r + (255 - r) * c), round(g + (255 - g) * c), round(b + (255 - b) * c), 255)
        for c in _coverage(COLOR_ICON_SIZE, _in_bubble)
    ]
    return encode_png(COLOR_ICON_SIZE, COLOR_ICON_SIZE, pixels)


def outline_icon() -> bytes:
    """32×32: the same bubble, white on a transparent background."""
    pixels = [(255, 255, 255, round(255 * c)) for c in _coverage(OUTLINE_ICON_SIZE, _in_bubble)]
    return encode_png(OUTLINE_ICON_SIZE, OUTLINE_ICON_SIZE, pixels)


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    pixels: tuple[RGBA, ...]


def decode_png(data: bytes) -> Image:
    """Any 8-bit, non-interlaced PNG (grey, RGB, palette, with or without alpha) as RGBA pixels."""
    if not data.startswith(PNG_SIGNATURE):
        raise PackageError("not a PNG file")
    chunks: dict[bytes, bytes] = {}
    idat = b""
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, tag = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length or data[pos + 8 + length : pos + 12 + length] != struct.pack(
            ">I", zlib.crc32(tag + body)
        ):
            raise PackageError("damaged PNG file (truncated or bad checksum)")
        if tag == b"IDAT":
            idat += body
        else:
            chunks.setdefault(tag, body)
        pos += 12 + length
        if tag == b"IEND":
            break
    if b"IHDR" not in chunks or not idat:
        raise PackageError("damaged PNG file (no header or no image data)")
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(color_type)
    if depth != 8 or interlace or channels is None:
        raise PackageError("unsupported PNG format: save the icon as an 8-bit, non-interlaced (RGBA) PNG")
    try:
        raw = zlib.decompress(idat)
    except zlib.error as exc:
        raise PackageError("damaged PNG file (image data)") from exc
    rows = _unfilter(raw, width, height, channels)
    return Image(width, height, tuple(_rgba(rows, color_type, chunks)))


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> list[bytes]:
    stride = width * bpp
    if len(raw) < height * (stride + 1):
        raise PackageError("damaged PNG file (too little image data)")
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            up_left = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 0xFF
            elif kind != 0:
                raise PackageError(f"damaged PNG file (filter type {kind})")
        rows.append(bytes(line))
        previous = line
    return rows


def _rgba(rows: list[bytes], color_type: int, chunks: Mapping[bytes, bytes]) -> list[RGBA]:
    transparency = chunks.get(b"tRNS", b"")
    pixels: list[RGBA] = []
    for row in rows:
        if color_type == 6:
            pixels.extend((row[i], row[i + 1], row[i + 2], row[i + 3]) for i in range(0, len(row), 4))
        elif color_type == 4:
            pixels.extend((row[i], row[i], row[i], row[i + 1]) for i in range(0, len(row), 2))
        elif color_type == 2:
            key = struct.unpack(">HHH", transparency) if len(transparency) == 6 else None
            pixels.extend(
                (row[i], row[i + 1], row[i + 2], 0 if key == (row[i], row[i + 1], row[i + 2]) else 255)
                for i in range(0, len(row), 3)
            )
        elif color_type == 0:
            grey = struct.unpack(">H", transparency)[0] if len(transparency) == 2 else None
            pixels.extend((v, v, v, 0 if v == grey else 255) for v in row)
        else:
            palette = chunks.get(b"PLTE", b"")
            for index in row:
                if 3 * index + 3 > len(palette):
                    raise PackageError("damaged PNG file (palette index out of range)")
                alpha = transparency[index] if index < len(transparency) else 255
                pixels.append((palette[3 * index], palette[3 * index + 1], palette[3 * index + 2], alpha))
    return pixels


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
