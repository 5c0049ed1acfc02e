#!/bin/sh
# Builds the device bundle for the Pi:
#   device/deploy/build-bundle.sh [--version 1.2.0] [--rid linux-arm64] [--out dist] [--self-contained | --trimmed]
#                                 [--aot] [--ready-to-run | --no-ready-to-run]
# → dist/edge-device-VERSION-RID[-self-contained|-trimmed].tar.gz with host/ (device/Host published), launcher/
# (device/Launcher published), VERSION, install.sh, edge-device.service, edge and device.env.
# Default: framework-dependent: the Pi needs the ASP.NET Core 10 runtime, and a host update then carries only the host
# (tens of MB with ReadyToRun), not a runtime. --self-contained carries the .NET runtime for RID in host/ (runs without
# an installed runtime: host/Edge.Device); --trimmed is self-contained with the unused parts of the runtime and
# libraries removed (PublishTrimmed; README.md beside this script says what it keeps and why); --aot (opt-in, being
# explored) publishes the host Native AOT (PublishAot: one native program, no JIT; needs clang, lld and zlib for RID,
# README.md beside this script says which packages) and the launcher trimmed; the launcher cannot run that host yet.
# The framework-dependent and self-contained bundles are ReadyToRun (precompiled: about half the CPU to start and less
# memory that only the JIT's code can fill than when the JIT compiles it on the Pi; README.md beside this script has the
# figures); the trimmed one is not unless --ready-to-run is given (it is the small bundle, and ReadyToRun makes it half
# as big again). --no-ready-to-run leaves it out of any kind.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=1.0.0
rid=linux-arm64
out=$repo/dist
kind=framework-dependent
ready_to_run=
while [ $# -gt 0 ]; do
    case "$1" in
        --version) version=$2; shift 2 ;;
        --rid) rid=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --self-contained) kind=self-contained; shift ;;
        --trimmed) kind=trimmed; shift ;;
        --aot) kind=aot; shift ;;
        --ready-to-run) ready_to_run=true; shift ;;
        --no-ready-to-run) ready_to_run=false; shift ;;
        *) echo "error: unknown option $1" >&2; exit 2 ;;
    esac
done

case "$kind" in
    framework-dependent) name=edge-device-$version-$rid; publish="--self-contained false" ;;
    self-contained) name=edge-device-$version-$rid-self-contained; publish="--self-contained true" ;;
    trimmed) name=edge-device-$version-$rid-trimmed; publish="--self-contained true -p:PublishTrimmed=true" ;;
    aot) name=edge-device-$version-$rid-aot; publish="--self-contained true -p:PublishTrimmed=true" ;;
esac
if [ -z "$ready_to_run" ]; then
    case "$kind" in trimmed | aot) ready_to_run=false ;; *) ready_to_run=true ;; esac
fi
publish="$publish -p:PublishReadyToRun=$ready_to_run"
stage=$out/$name
rm -rf "$stage" && mkdir -p "$stage"
host_publish=$publish
if [ "$kind" = aot ]; then host_publish="-p:PublishAot=true"; fi
# shellcheck disable=SC2086 # $host_publish and $publish are lists of options
dotnet publish "$repo/device/Host" -c Release -r "$rid" $host_publish -p:Version="$version" -o "$stage/host"
# shellcheck disable=SC2086
dotnet publish "$repo/device/Launcher" -c Release -r "$rid" $publish -p:Version="$version" -o "$stage/launcher"
if [ "$kind" = aot ]; then
    # The native program's symbols (Edge.Device.dbg, twice its size) and its assemblies' .pdb files (the program has
    # no IL left to map them to): not shipped. Nor SkiaSharp's native library (12 MB), which the host never loads:
    # only device/Drivers' RasterTextRenderer draws with it and no printer setting of the host makes one.
    rm -f "$stage/host/Edge.Device.dbg" "$stage/host/"*.pdb "$stage/host/libSkiaSharp.so"
fi
if [ "$kind" = trimmed ] || [ "$kind" = aot ]; then
    # Native libraries the host never loads unless asked: the debugger's (libmscordaccore, libmscordbi; createdump
    # needs them for a crash dump), LTTng tracing, and the alternative GCs chosen only with DOTNET_GCName.
    for dir in "$stage/host" "$stage/launcher"; do
        rm -f "$dir/libmscordaccore.so" "$dir/libmscordbi.so" "$dir/createdump" "$dir/libcoreclrtraceptprovider.so" \
            "$dir/libclrgc.so" "$dir/libclrgcexp.so"
    done
fi
echo "$version" > "$stage/VERSION"
cp "$here/install.sh" "$here/edge-device.service" "$here/edge-hall-screen.service" "$here/edge" "$here/device.env" "$here/README.md" "$stage/"
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
