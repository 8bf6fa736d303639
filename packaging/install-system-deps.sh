#!/usr/bin/env bash
# Installs the system libraries MoodPlayer needs and pip cannot provide:
# libVLC (playback) and the few shared libraries Qt's wheels expect.
# Debian/Ubuntu only; elsewhere it says what to install and carries on.
#   install-system-deps.sh test   what the headless tests need (Qt offscreen)
#   install-system-deps.sh run    that, plus what Qt's X11 (xcb) window needs
set -euo pipefail

packages=(libvlc5 vlc-plugin-base libvlc-bin sqlite3 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
          libportaudio2)
# The desktop-integration checks: entry and AppStream validators, a session bus, an MPRIS client;
# espeak-ng makes the speech WAVs (voice commands, "speech is not music").
if [ "${1:-run}" = test ]; then packages+=(desktop-file-utils appstream dbus-daemon playerctl espeak-ng); fi
if [ "${1:-run}" = run ]; then
    packages+=(libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
               libxcb-render-util0 libxcb-xkb1 libxcb-shape0 libxcb-randr0)
fi
if [ "${WITH_XVFB:-0}" = 1 ]; then packages+=(xvfb xauth); fi
# Debian's python3 comes without venv/ensurepip until python3-venv is installed.
if ! "${PYTHON:-python3}" -c "import ensurepip, venv" >/dev/null 2>&1; then packages+=(python3-venv); fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "moodplayer: not a Debian/Ubuntu system; install VLC (libVLC) with your package manager." >&2
    exit 0
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
else
    echo "moodplayer needs system packages: ${missing[*]}" >&2
    echo "Run this once, then try again:  sudo apt-get update && sudo $cmd" >&2
    exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo $cmd -qq
