#!/bin/sh
# Builds the device bundle for the Pi: device/deploy/build-bundle.sh [--version 1.2.0] [--rid linux-arm64] [--out dist]
# → dist/edge-device-VERSION-RID.tar.gz with host/ (device/Host published), launcher/ (device/Launcher published),
# VERSION, install.sh, edge-device.service, edge and device.env. Framework-dependent: the Pi needs the ASP.NET Core 10
# runtime, and a host update then carries only the host (a few MB), not a runtime.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=1.0.0
rid=linux-arm64
out=$repo/dist
while [ $# -gt 0 ]; do
    case "$1" in
        --version) version=$2; shift 2 ;;
        --rid) rid=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "error: unknown option $1" >&2; exit 2 ;;
    esac
done

name=edge-device-$version-$rid
stage=$out/$name
rm -rf "$stage" && mkdir -p "$stage"
dotnet publish "$repo/device/Host" -c Release -r "$rid" --self-contained false -p:Version="$version" -o "$stage/host"
dotnet publish "$repo/device/Launcher" -c Release -r "$rid" --self-contained false -p:Version="$version" -o "$stage/launcher"
echo "$version" > "$stage/VERSION"
cp "$here/install.sh" "$here/edge-device.service" "$here/edge-hall-screen.service" "$here/edge" "$here/device.env" "$here/README.md" "$stage/"
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
