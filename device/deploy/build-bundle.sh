#!/bin/sh
# Builds the device bundle for the Pi:
#   device/deploy/build-bundle.sh [--version 1.2.0] [--rid linux-arm64] [--out dist] [--framework-dependent [--no-ready-to-run]]
# → dist/edge-device-VERSION-RID[-framework-dependent].tar.gz with host/ (device/Host published), launcher/
# (device/Launcher published), VERSION, install.sh, edge-device.service, edge and device.env.
# Default: Native AOT (PublishAot): host/Edge.Device and launcher/edge-launcher are native programs, the Pi needs no
# .NET runtime (README.md beside this script: why, the figures, and the build machine's packages: clang, lld and, for
# linux-arm64 from x64, the aarch64 cross gcc, binutils, libc and zlib). --framework-dependent publishes both as
# Edge.Device.dll and edge-launcher.dll, ReadyToRun (precompiled) unless --no-ready-to-run: the Pi then needs the
# .NET 10 runtime (Microsoft.NETCore.App). The launcher and install.sh tell the two apart by the .dll
# (device/Updates/HostProgram.cs). A host update is the host/ folder of either kind, signed with the fleet's
# `release sign --folder dist/NAME/host`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=1.0.0
rid=linux-arm64
out=$repo/dist
kind=aot
ready_to_run=true
while [ $# -gt 0 ]; do
    case "$1" in
        --version) version=$2; shift 2 ;;
        --rid) rid=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --aot) kind=aot; shift ;; # the default; accepted for the scripts and docs written when it was opt-in
        --framework-dependent) kind=framework-dependent; shift ;;
        --no-ready-to-run) ready_to_run=false; shift ;;
        *) echo "error: unknown option $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done

case "$kind" in
    aot) name=edge-device-$version-$rid; publish="-p:PublishAot=true" ;;
    framework-dependent) name=edge-device-$version-$rid-framework-dependent; publish="--self-contained false -p:PublishReadyToRun=$ready_to_run" ;;
esac
stage=$out/$name
rm -rf "$stage" && mkdir -p "$stage"
for project in Host:host Launcher:launcher; do
    # shellcheck disable=SC2086 # $publish is a list of options
    dotnet publish "$repo/device/${project%%:*}" -c Release -r "$rid" $publish -p:Version="$version" -o "$stage/${project#*:}"
done
if [ "$kind" = aot ]; then
    # The native programs' symbols (*.dbg, twice their size) and the assemblies' .pdb files (no IL left to map them
    # to): not shipped. Nor SkiaSharp's native library (12 MB), which the host never loads: only device/Drivers'
    # RasterTextRenderer draws with it and no printer setting of the host makes one.
    rm -f "$stage/host/"*.dbg "$stage/host/"*.pdb "$stage/host/libSkiaSharp.so" "$stage/launcher/"*.dbg "$stage/launcher/"*.pdb
fi
echo "$version" > "$stage/VERSION"
cp "$here/install.sh" "$here/edge-device.service" "$here/edge-hall-screen.service" "$here/edge" "$here/device.env" "$here/README.md" "$stage/"
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
