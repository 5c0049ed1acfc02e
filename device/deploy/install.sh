#!/bin/sh
# Installs the Edge device host on a Raspberry Pi (Raspberry Pi OS arm64, systemd). Run as root from an unpacked
# bundle made by build-bundle.sh (host/, launcher/, VERSION and the files of device/deploy/):
#   sudo ./install.sh                    install or upgrade, enable and start edge-device
# Options:
#   --from DIR      the bundle (default: this script's folder)
#   --root DIR      install root (default /opt/edge): launcher/, releases/VERSION/, current -> releases/VERSION
#   --version V     the host's version (default: the bundle's VERSION file)
#   --dotnet PATH   the dotnet program (default: found on PATH); needed only for a framework-dependent bundle (host/
#                   Edge.Device.dll), whose Pi must have the .NET 10 runtimes its runtimeconfig.json files name (checked);
#                   the default bundle (Native AOT) needs none
#   --destdir DIR   write everything under DIR and change nothing else (no user, no systemctl): packaging and tests
#   --no-start      install and enable, but do not start
set -eu

from=$(cd "$(dirname "$0")" && pwd)
root=/opt/edge
version=
dotnet=
destdir=
start=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --from) from=$2; shift 2 ;;
        --root) root=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        --dotnet) dotnet=$2; shift 2 ;;
        --destdir) destdir=$2; shift 2 ;;
        --no-start) start=no; shift ;;
        *) echo "error: unknown option $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done

fail() { echo "error: $*" >&2; exit 1; }

# Which kind of program a folder holds, by the rule the launcher follows (device/Updates/HostProgram.cs): NAME.dll is
# framework-dependent (run with dotnet, even beside its apphost NAME); without it, NAME is a Native AOT program.
kind() {
    if [ -f "$1/$2.dll" ]; then echo framework-dependent
    elif [ -x "$1/$2" ]; then echo native
    else fail "$1 holds neither $2.dll nor the program $2 (executable): --from must name a bundle made by build-bundle.sh"
    fi
}
host_kind=$(kind "$from/host" Edge.Device)
launcher_kind=$(kind "$from/launcher" edge-launcher)
[ -n "$version" ] || version=$(cat "$from/VERSION" 2>/dev/null || true)
echo "$version" | grep -Eq '^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$' || fail "no usable version (give --version or a VERSION file): '$version'"
[ -n "$dotnet" ] || dotnet=$(command -v dotnet || true)
if [ "$host_kind" = native ] && [ "$launcher_kind" = native ]; then
    # No runtime needed. The launcher still runs a framework-dependent release with dotnet, should one ever be sent.
    [ -n "$dotnet" ] || dotnet=/usr/bin/dotnet
else
    [ -n "$dotnet" ] || fail "dotnet not found: this bundle is framework-dependent: install the .NET 10 runtime for arm64 first, or install the default (Native AOT) bundle (README.md beside this script)"
    dotnet=$(readlink -f "$dotnet")
    # The shared frameworks the bundle's programs name in their runtimeconfig.json (Microsoft.NETCore.App at least).
    frameworks=$(cat "$from/host/Edge.Device.runtimeconfig.json" "$from/launcher/edge-launcher.runtimeconfig.json" 2>/dev/null \
        | sed -n 's/.*"name": *"\([A-Za-z.]*\)".*/\1/p' | sort -u)
    for framework in Microsoft.NETCore.App $frameworks; do
        "$dotnet" --list-runtimes 2>/dev/null | grep -q "^$framework 10\." \
            || fail "$dotnet has no $framework 10 runtime (dotnet --list-runtimes), which this bundle needs"
    done
fi
if [ "$launcher_kind" = native ]; then launcher="$root/launcher/edge-launcher"; else launcher="$dotnet $root/launcher/edge-launcher.dll"; fi

if [ -z "$destdir" ]; then
    [ "$(id -u)" = 0 ] || fail "run as root (sudo), or give --destdir"
    getent group edge >/dev/null || groupadd --system edge
    getent passwd edge >/dev/null || useradd --system --gid edge --home-dir /var/lib/edge-device --shell /usr/sbin/nologin edge
    for group in gpio i2c spi dialout lp; do
        getent group "$group" >/dev/null && usermod -a -G "$group" edge
    done
fi

target=$destdir$root
release=$target/releases/$version
mkdir -p "$target/launcher" "$target/releases" "$target/incoming" "$target/state/rolled-back"
# The launcher is replaced only by an install, never by an update: copy it whole.
rm -rf "$target/launcher.new" && cp -a "$from/launcher" "$target/launcher.new"
rm -rf "$target/launcher" && mv "$target/launcher.new" "$target/launcher"
rm -rf "$release.new" && cp -a "$from/host" "$release.new"
rm -rf "$release" && mv "$release.new" "$release"
# current -> releases/VERSION, switched atomically (rename over the old link), as updates do.
ln -sfn "releases/$version" "$target/current.new" && mv -T "$target/current.new" "$target/current"

fill() { sed -e "s#@LAUNCHER@#$launcher#g" -e "s#@ROOT@#$root#g" -e "s#@DOTNET@#$dotnet#g" "$1"; }
mkdir -p "$destdir/etc/systemd/system" "$destdir/etc/edge-device" "$destdir/usr/local/bin" "$destdir/etc/sudoers.d"
fill "$from/edge-device.service" > "$destdir/etc/systemd/system/edge-device.service"
# The hall screen's unit is installed everywhere and enabled only on a hall display (README.md).
fill "$from/edge-hall-screen.service" > "$destdir/etc/systemd/system/edge-hall-screen.service"
fill "$from/edge" > "$destdir/usr/local/bin/edge" && chmod 0755 "$destdir/usr/local/bin/edge"
# Site settings survive upgrades: only a missing file is created.
[ -f "$destdir/etc/edge-device/device.env" ] || install -m 0640 "$from/device.env" "$destdir/etc/edge-device/device.env"
# The host may restart itself and reboot the Pi (fleet commands), and nothing else as root.
printf 'edge ALL=(root) NOPASSWD: /usr/bin/systemctl reboot, /usr/bin/systemctl restart edge-device\n' > "$destdir/etc/sudoers.d/edge-device"
chmod 0440 "$destdir/etc/sudoers.d/edge-device"

if [ -z "$destdir" ]; then
    chown -R root:root "$target" && chown -R edge:edge "$target/releases" "$target/incoming" "$target/state"
    # Updates swap current and write releases/: the host (user edge) owns the root folder's entries it changes.
    chown edge:edge "$target" && chown -h edge:edge "$target/current"
    chgrp edge /etc/edge-device/device.env
    mkdir -p /var/lib/edge-device && chown edge:edge /var/lib/edge-device && chmod 0700 /var/lib/edge-device
    systemctl daemon-reload
    systemctl enable edge-device.service
    [ "$start" = yes ] && systemctl restart edge-device.service
fi

echo "Installed Edge device host $version ($host_kind, launcher $launcher_kind) in $target (current -> releases/$version), unit edge-device.service, CLI /usr/local/bin/edge."
[ -z "$destdir" ] && [ "$start" = yes ] && echo "Check it with: systemctl status edge-device; edge status"
exit 0
