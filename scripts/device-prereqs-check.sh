#!/usr/bin/env bash
# Runs the device prerequisites step in a fresh Debian root and then the packaged inference component there:
#   1. packages the component with the project's packager (edge-component/tools/EdgeMlOps.Edge.Package) and writes
#      the demo model (EdgeMlOps.Edge.ModelGen);
#   2. builds a fresh Debian root with debootstrap (--variant=minbase) from the Debian mirror this machine's apt uses;
#   3. runs edge-component/prerequisites/install-device-prerequisites.sh inside it as root (as Greengrass runs the
#      Install step with RequiresPrivilege): first --dry-run with the default package source (the route of a real
#      device with internet: apt, with packages.microsoft.com added), then for real with --dotnet-source tarball and a
#      runtime tarball made from this machine's .NET installation (packages.microsoft.com is not reachable here),
#      then once more to show the second run changes nothing;
#   4. unpacks the component zip as Greengrass does and runs it as an unprivileged user (ggc_user) with `dotnet` from
#      PATH, over the sample images shipped in the zip, and checks that every image produced a result.
# Needs root (debootstrap, chroot, mount), debootstrap, network access to the Debian mirror. Writes
# .build/device-prereqs/report.txt. Options:
#   --suite NAME        Debian suite of the root (default: this machine's VERSION_CODENAME)
#   --mirror URL        Debian mirror (default: the first .../debian URI in /etc/apt/sources.list*)
#   --from-root DIR     copy an existing debootstrapped root instead of running debootstrap (development shortcut;
#                       the recorded run uses a fresh root)
#   --keep-root         keep the root folder afterwards (default: deleted)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$repo/.build/device-prereqs"
suite=""
mirror=""
from_root=""
keep_root="false"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --suite) suite="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    --from-root) from_root="$2"; shift 2 ;;
    --keep-root) keep_root="true"; shift ;;
    *) echo "unknown option '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*"; }
die() { printf 'device-prereqs-check: %s\n' "$*" >&2; exit 1; }
[[ "$(id -u)" == "0" ]] || die "needs root (debootstrap, chroot and mounting /proc)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install -y debootstrap"
[[ -n "$suite" ]] || suite="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
[[ -n "$suite" ]] || die "cannot tell the Debian suite: give --suite"
if [[ -z "$mirror" ]]; then
  mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' | head -n 1 | tr -d '[:space:]' || true)"
  [[ -n "$mirror" ]] || mirror="http://deb.debian.org/debian"
fi

root="$work/root"
report="$work/report.txt"
mounted=""
cleanup() {
  if [[ -n "$mounted" ]]; then umount "$root/proc" 2>/dev/null || umount -l "$root/proc" 2>/dev/null || true; fi
  if [[ "$keep_root" != "true" && -d "$root" ]]; then rm -rf "$root"; fi
}
trap cleanup EXIT
seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
in_root() { chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

start_all="$(seconds)"
if [[ -d "$root" ]]; then
  if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc" || umount -l "$root/proc"; fi
  rm -rf "$root"
fi
mkdir -p "$work"

# --- 1. the packaged component, the model and the runtime tarball ----------------------------------------------------
say "packaging the inference component (dotnet publish + zip)"
t="$(seconds)"
dotnet build "$repo/edge-component/tools/EdgeMlOps.Edge.Package/EdgeMlOps.Edge.Package.csproj" -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build "$repo/edge-component/tools/EdgeMlOps.Edge.ModelGen/EdgeMlOps.Edge.ModelGen.csproj" -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
dotnet "$repo/edge-component/tools/EdgeMlOps.Edge.Package/bin/Release/net10.0/EdgeMlOps.Edge.Package.dll" \
  --project "$repo/edge-component/src/EdgeMlOps.Edge.Component/EdgeMlOps.Edge.Component.csproj" \
  --images "$repo/tests/data/edge/images" --out "$work/package" | tee "$work/package.txt"
zip="$(awk -F'\t' '$1 == "zip" { print $2 }' "$work/package.txt")"
dotnet "$repo/edge-component/tools/EdgeMlOps.Edge.ModelGen/bin/Release/net10.0/EdgeMlOps.Edge.ModelGen.dll" --out "$work/models" >/dev/null
model="$work/models/yolov8n-640-seeded.onnx"
[[ -f "$zip" && -f "$model" ]] || die "packaging did not produce the zip or the model"
package_seconds="$(elapsed "$t" "$(seconds)")"

# The runtime tarball in the layout of Microsoft's dotnet-runtime-<version>-linux-x64.tar.gz, from this machine.
runtime_line="$(dotnet --list-runtimes | grep '^Microsoft.NETCore.App ' | sort -V | tail -n 1)"
runtime_version="$(awk '{ print $2 }' <<<"$runtime_line")"
dotnet_root="$(sed -E 's/.*\[(.*)\]$/\1/' <<<"$runtime_line")/../.."
dotnet_root="$(cd "$dotnet_root" && pwd)"
fxr="$(ls -d "$dotnet_root/host/fxr/"* | sort -V | tail -n 1)"
tarball="$work/dotnet-runtime-$runtime_version-linux-x64.tar.gz"
say "runtime tarball from $dotnet_root: Microsoft.NETCore.App $runtime_version"
tar -czf "$tarball" -C "$dotnet_root" dotnet LICENSE.txt ThirdPartyNotices.txt "host/fxr/$(basename "$fxr")" "shared/Microsoft.NETCore.App/$runtime_version"
tarball_sha512="$(sha512sum "$tarball" | awk '{ print $1 }')"

# --- 2. a fresh Debian root -----------------------------------------------------------------------------------------
t="$(seconds)"
if [[ -n "$from_root" ]]; then
  say "copying the Debian root from $from_root (development shortcut)"
  cp -a "$from_root" "$root"
  root_origin="copied from $from_root"
else
  say "debootstrap --variant=minbase $suite from $mirror"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed (log: $work/debootstrap.log)"; }
  root_origin="fresh debootstrap --variant=minbase $suite from $mirror"
fi
debootstrap_seconds="$(elapsed "$t" "$(seconds)")"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mounted="yes"
in_root dpkg-query -W -f='${Package}\n' | sort > "$work/packages-before.txt"

# --- 3. the prerequisites step, as the Greengrass Install step runs it -----------------------------------------------
mkdir -p "$root/tmp/prereqs"
cp "$repo/edge-component/prerequisites/install-device-prerequisites.sh" "$tarball" "$root/tmp/prereqs/"
script="/tmp/prereqs/install-device-prerequisites.sh"

say "prerequisites, dry run with the default source (what a device with internet does)"
in_root bash "$script" --dry-run | tee "$work/prereqs-dry-run.log"

say "prerequisites, for real, with the runtime tarball"
t="$(seconds)"
in_root bash "$script" --dotnet-source tarball --dotnet-tarball "/tmp/prereqs/$(basename "$tarball")" --dotnet-tarball-sha512 "$tarball_sha512" \
  2>&1 | tee "$work/prereqs-install.log"
install_seconds="$(elapsed "$t" "$(seconds)")"
in_root dpkg-query -W -f='${Package}\n' | sort > "$work/packages-after.txt"
installed_packages="$(comm -13 "$work/packages-before.txt" "$work/packages-after.txt" | tr '\n' ' ')"

say "prerequisites, second run (must change nothing)"
t="$(seconds)"
in_root bash "$script" --dotnet-source tarball --dotnet-tarball "/tmp/prereqs/$(basename "$tarball")" --dotnet-tarball-sha512 "$tarball_sha512" \
  2>&1 | tee "$work/prereqs-second-run.log"
second_seconds="$(elapsed "$t" "$(seconds)")"
grep -q 'nothing to do' "$work/prereqs-second-run.log" || die "the second run of the prerequisites step did something"
rm -rf "$root/tmp/prereqs"

# --- 4. the packaged component, as Greengrass starts it --------------------------------------------------------------
say "running the packaged component in the root as ggc_user"
in_root groupadd --system ggc_group
in_root useradd --system --gid ggc_group --home-dir /nonexistent --shell /usr/sbin/nologin ggc_user
# Greengrass unpacks <name>.zip into {artifacts:decompressedPath}/<name>; the model comes from the model component.
artifacts="/greengrass/v2/packages/artifacts-unarchived/com.edgemlops.Inference/1.0.0"
mkdir -p "$root$artifacts/edge-inference" "$root/greengrass/v2/work/com.edgemlops.Inference" "$root/greengrass/v2/packages/artifacts/com.edgemlops.Model/1.0.0"
python3 -m zipfile -e "$zip" "$root$artifacts/edge-inference"
cp "$model" "$root/greengrass/v2/packages/artifacts/com.edgemlops.Model/1.0.0/model.onnx"
chmod -R a+rX "$root/greengrass"
chown ggc_user:ggc_group "$root/greengrass/v2/work/com.edgemlops.Inference" 2>/dev/null || in_root chown ggc_user:ggc_group /greengrass/v2/work/com.edgemlops.Inference
app="$artifacts/edge-inference"
# The component replays every file of the folder that is not hidden.
find "$root$app/sample-images" -maxdepth 1 -type f ! -name '.*' -printf '%f\n' | sort > "$work/images.txt"
images="$(wc -l < "$work/images.txt")"
t="$(seconds)"
chroot --userspec=ggc_user:ggc_group "$root" /usr/bin/env -i HOME=/greengrass/v2/work/com.edgemlops.Inference LANG=C.UTF-8 \
  PATH=/usr/local/bin:/usr/bin:/bin DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_gcServer=0 \
  sh -c "cd /greengrass/v2/work/com.edgemlops.Inference && exec dotnet '$app/EdgeMlOps.Edge.Component.dll' --demo \
    --model /greengrass/v2/packages/artifacts/com.edgemlops.Model/1.0.0/model.onnx \
    --images '$app/sample-images' --thing-name debootstrap-device \
    --model-component-version 1.0.0 --model-package-version device-prereqs-check \
    --results-file /greengrass/v2/work/com.edgemlops.Inference/results.jsonl" 2>&1 | tee "$work/component.log"
component_seconds="$(elapsed "$t" "$(seconds)")"
results="$root/greengrass/v2/work/com.edgemlops.Inference/results.jsonl"
cp "$results" "$work/results.jsonl"
frames="$(grep -c '"inference-result"' "$work/results.jsonl" || true)"
health="$(tail -n 1 "$work/results.jsonl")"
# Every image exactly once, and no frame failed (the health message counts failures).
python3 - "$work/results.jsonl" "$work/images.txt" <<'PY' || die "the results do not cover every sample image exactly once without failures"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ids = sorted(l["imageId"] for l in lines if l.get("messageType") == "inference-result")
images = sorted(l.strip() for l in open(sys.argv[2]) if l.strip())
health = lines[-1]
ok = ids == images and health.get("messageType") == "health" and health["frames"]["failed"] == 0
sys.exit(0 if ok else 1)
PY
runtime_used="$(in_root dotnet --list-runtimes | tr '\n' ' ')"
roll_forward="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runtimeOptions"].get("rollForward", "(none)"))' "$root$app/EdgeMlOps.Edge.Component.runtimeconfig.json")"
total_seconds="$(elapsed "$start_all" "$(seconds)")"

{
  echo "device prerequisites check, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "root: $root_origin (${debootstrap_seconds} s)"
  echo "component zip: $zip ($(awk -F'\t' '$1 == "sha256" { print $2 }' "$work/package.txt"), packaged in ${package_seconds} s)"
  echo "runtime source: tarball of this machine's Microsoft.NETCore.App $runtime_version (the component targets net8.0, rollForward=$roll_forward)"
  echo "prerequisites step: ${install_seconds} s; packages it installed: $installed_packages"
  echo "second run: ${second_seconds} s, nothing to do"
  echo "runtimes in the root: $runtime_used"
  echo "component (ggc_user): $frames results for $images sample images in ${component_seconds} s"
  echo "last health message: $health"
  echo "total: ${total_seconds} s"
} | tee "$report"

[[ "$frames" -eq "$images" && "$images" -gt 0 ]] || die "the component produced $frames results for $images images"
say "OK: the prerequisites step made a fresh Debian root run the packaged component ($frames frames)"
