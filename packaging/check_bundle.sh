#!/usr/bin/env bash
# Checks that a PyInstaller bundle starts on its own: prints its version, classifies a face
# with the bundled model, and opens its window (offscreen) long enough to save a screenshot.
#   packaging/check_bundle.sh dist/moodplayer
set -euo pipefail

bundle="${1:-dist/moodplayer}"
here="$(cd "$(dirname "$0")/.." && pwd)"
[ -x "$bundle/moodplayer" ] || { echo "check_bundle: no executable at $bundle/moodplayer (run make bundle)" >&2; exit 1; }
bundle="$(cd "$bundle" && pwd)"
exe="$bundle/moodplayer"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Its own XDG folders and no session bus: nothing of the user's is read or written.
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
export XDG_STATE_HOME="$work/state" QT_QPA_PLATFORM=offscreen
export MOODPLAYER_VLC_ARGS="${MOODPLAYER_VLC_ARGS:---intf=dummy --aout=adummy --no-video}"
unset DBUS_SESSION_BUS_ADDRESS PYTHONPATH VIRTUAL_ENV
cd "$work"  # nowhere near the checkout

version="$("$exe" --version)"
echo "version: $version"
[ "$version" = "moodplayer $(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$here/moodplayer/__init__.py")" ]

if [ -f "$here/tests/data/astronaut.png" ]; then
    emotion="$("$exe" classify "$here/tests/data/astronaut.png" --json |
               python3 -c 'import json,sys; print(json.load(sys.stdin)["images"][0]["faces"][0]["emotion"])')"
    echo "astronaut: $emotion"
    [ "$emotion" = happy ]
fi

# libVLC is the system's: the bundle must find it and its plugins, and play through it.
played="$("$exe" play --emotion happy --seconds 2 --json 2>"$work/stderr")" || {
    echo "check_bundle: the bundle could not play through libVLC:" >&2; tail -5 "$work/stderr" >&2; exit 1; }
printf '%s' "$played" | python3 -c '
import json, sys
played = json.load(sys.stdin)["played"]
assert played and played[0]["seconds"] > 0.5, played
print("played:", played[0]["title"], "for", played[0]["seconds"], "s through the system libVLC")'


# The menu entry starts this very bundle.
"$exe" --install-desktop >/dev/null
grep -qx "Exec=$exe %U" "$XDG_DATA_HOME/applications/moodplayer.desktop"
echo "desktop entry: Exec=$exe %U"

start=$(date +%s.%N)
"$exe" --no-camera --screenshot "$work/window.png" 2>"$work/stderr" || { tail -20 "$work/stderr"; exit 1; }
end=$(date +%s.%N)
python3 - "$work/window.png" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
assert width >= 760 and height >= 540, (width, height)
print(f"screenshot: {width}x{height}, {len(data)} bytes")
PY
echo "window up and pictured in $(python3 -c "print(round($end - $start, 1))") s"
cp "$work/window.png" "${SCREENSHOT_OUT:-$bundle/../bundle-window.png}"
echo "check_bundle: OK ($(du -sh "$bundle" | cut -f1) in $bundle)"
