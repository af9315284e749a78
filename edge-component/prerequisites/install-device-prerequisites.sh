#!/usr/bin/env bash
# Installs what the inference component needs on a Greengrass core device, idempotently:
#   - a .NET runtime (Microsoft.NETCore.App) of major version >= --dotnet-major (the component is framework-dependent,
#     targets net8.0 and rolls forward to a newer major: RollForward=Major in its .csproj);
#   - libturbojpeg.so.0 (libjpeg-turbo's TurboJPEG API, P/Invoked by the JPEG decoder).
# It is the Install step of the <prefix>.DevicePrerequisites Greengrass component (RequiresPrivilege: root), which the
# inference component depends on (HARD); it runs on every nucleus start, so the version check comes first and a device
# that already has both is left untouched. Operators can also run it by hand (or bake it into an image).
#
# The .NET runtime comes from one of two sources (--dotnet-source):
#   package  the OS package manager: apt (Debian, Ubuntu, Raspberry Pi OS) or dnf (Amazon Linux 2023, Fedora, RHEL).
#            Where apt has no dotnet-runtime-<major>.0 (Debian), Microsoft's feed packages.microsoft.com is added first
#            (--microsoft-feed true, the default; needs internet).
#   tarball  a runtime tarball in the layout of Microsoft's dotnet-runtime-<version>-linux-<arch>.tar.gz (dotnet, host/,
#            shared/Microsoft.NETCore.App/<version>/), from a local path or an https:// URL (then --dotnet-tarball-sha512
#            is required), unpacked into --dotnet-install-dir with `dotnet` linked into --bin-dir. The runtime's own
#            shared-library dependencies (ICU, OpenSSL, zlib, CA certificates) still come from the package manager.
# libturbojpeg always comes from the package manager (apt: libturbojpeg0; dnf: whichever package provides the soname,
# 'libturbojpeg.so.0()(64bit)' on a 64-bit system — RPM generates that capability from the library's ELF SONAME, so no
# package name is guessed (Fedora's is turbojpeg); --turbojpeg-package overrides).
#
# Exit codes: 0 satisfied (installed now or already), 1 installation failed, 2 bad arguments or unsupported system.
# --check only reports (exit 0 when satisfied, 1 when not); --dry-run prints what it would do and changes nothing.
set -euo pipefail

readonly SCRIPT_NAME="install-device-prerequisites"
dotnet_source="package"
dotnet_major="8"
dotnet_tarball=""
dotnet_tarball_sha512=""
dotnet_install_dir="/opt/dotnet"
bin_dir="/usr/local/bin"
microsoft_feed="true"
turbojpeg_package=""
dotnet_package=""
mode="install"
# Overridable for tests and chroots; the defaults are the real system's.
os_release_file="${EDGEMLOPS_OS_RELEASE_FILE:-/etc/os-release}"

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
fail() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$1" >&2; exit "${2:-1}"; }

usage() {
  cat <<'EOF'
Usage: install-device-prerequisites.sh [options]
  --dotnet-source package|tarball   where the .NET runtime comes from (default: package)
  --dotnet-major N                  lowest acceptable Microsoft.NETCore.App major version (default: 8)
  --dotnet-package NAME             OS package of the runtime (default: dotnet-runtime-<major>.0)
  --dotnet-tarball PATH|URL         runtime tarball (required with --dotnet-source tarball)
  --dotnet-tarball-sha512 HEX       SHA-512 of the tarball (required for a URL, checked when given)
  --dotnet-install-dir DIR          where a tarball is unpacked (default: /opt/dotnet)
  --bin-dir DIR                     where `dotnet` is linked for a tarball install (default: /usr/local/bin)
  --microsoft-feed true|false       add packages.microsoft.com when apt lacks the runtime (default: true)
  --turbojpeg-package NAME          OS package providing libturbojpeg.so.0 (default: libturbojpeg0 with apt; with dnf the
                                    capability 'libturbojpeg.so.0()(64bit)', i.e. any package that ships the library)
  --check                           only check; exit 0 when satisfied, 1 when not
  --dry-run                         print the plan, change nothing
EOF
}

# Greengrass interpolates unset configuration as empty strings: an empty value means "the default".
take() { if [[ $# -lt 2 ]]; then fail "option $1 needs a value" 2; fi; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dotnet-source) take "$@"; dotnet_source="${2:-package}"; shift 2 ;;
    --dotnet-major) take "$@"; dotnet_major="${2:-8}"; shift 2 ;;
    --dotnet-package) take "$@"; dotnet_package="$2"; shift 2 ;;
    --dotnet-tarball) take "$@"; dotnet_tarball="$2"; shift 2 ;;
    --dotnet-tarball-sha512) take "$@"; dotnet_tarball_sha512="$2"; shift 2 ;;
    --dotnet-install-dir) take "$@"; dotnet_install_dir="${2:-/opt/dotnet}"; shift 2 ;;
    --bin-dir) take "$@"; bin_dir="${2:-/usr/local/bin}"; shift 2 ;;
    --microsoft-feed) take "$@"; microsoft_feed="${2:-true}"; shift 2 ;;
    --turbojpeg-package) take "$@"; turbojpeg_package="$2"; shift 2 ;;
    --check) mode="check"; shift ;;
    --dry-run) mode="dry-run"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fail "unknown option '$1'" 2 ;;
  esac
done

problems=()
[[ "$dotnet_source" == "package" || "$dotnet_source" == "tarball" ]] || problems+=("--dotnet-source '$dotnet_source' must be package or tarball")
[[ "$dotnet_major" =~ ^[0-9]+$ && "$dotnet_major" -ge 6 ]] || problems+=("--dotnet-major '$dotnet_major' must be a whole number >= 6")
[[ "$microsoft_feed" == "true" || "$microsoft_feed" == "false" ]] || problems+=("--microsoft-feed '$microsoft_feed' must be true or false")
[[ "$dotnet_install_dir" == /* ]] || problems+=("--dotnet-install-dir '$dotnet_install_dir' must be an absolute path")
[[ "$bin_dir" == /* ]] || problems+=("--bin-dir '$bin_dir' must be an absolute path")
[[ -z "$dotnet_tarball_sha512" || "$dotnet_tarball_sha512" =~ ^[0-9a-fA-F]{128}$ ]] || problems+=("--dotnet-tarball-sha512 must be 128 hexadecimal digits")
if [[ "$dotnet_source" == "tarball" ]]; then
  if [[ -z "$dotnet_tarball" ]]; then
    problems+=("--dotnet-source tarball needs --dotnet-tarball (a path or an https:// URL)")
  elif [[ "$dotnet_tarball" == http://* ]]; then
    problems+=("--dotnet-tarball '$dotnet_tarball' must use https://, not http://")
  elif [[ "$dotnet_tarball" == https://* && -z "$dotnet_tarball_sha512" ]]; then
    problems+=("--dotnet-tarball '$dotnet_tarball' is a URL: give its --dotnet-tarball-sha512")
  fi
fi
if [[ ${#problems[@]} -gt 0 ]]; then
  for p in "${problems[@]}"; do printf '%s: error: %s\n' "$SCRIPT_NAME" "$p" >&2; done
  exit 2
fi

# --- what is there ------------------------------------------------------------------------------------------------

# Prints the highest Microsoft.NETCore.App version >= the required major that `dotnet` (on PATH or in the install
# dir) lists; prints nothing when there is none.
installed_dotnet_runtime() {
  local candidates=() dotnet line version best=""
  command -v dotnet >/dev/null 2>&1 && candidates+=("$(command -v dotnet)")
  [[ -x "$dotnet_install_dir/dotnet" ]] && candidates+=("$dotnet_install_dir/dotnet")
  for dotnet in "${candidates[@]}"; do
    while read -r line; do
      [[ "$line" =~ ^Microsoft\.NETCore\.App[[:space:]]+([0-9]+)\.([0-9]+)\.([0-9]+[^[:space:]]*) ]] || continue
      (( BASH_REMATCH[1] >= dotnet_major )) || continue
      version="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[3]}"
      if [[ -z "$best" ]] || [[ "$(printf '%s\n%s\n' "$best" "$version" | sort -V | tail -n 1)" == "$version" ]]; then best="$version"; fi
    done < <("$dotnet" --list-runtimes 2>/dev/null || true)
  done
  [[ -n "$best" ]] && printf '%s\n' "$best"
  return 0
}

# True when the dynamic loader can find libturbojpeg.so.0 (the name the component P/Invokes): its cache says so, or,
# on a system without ldconfig, the file is in a standard library folder.
turbojpeg_present() {
  if command -v ldconfig >/dev/null 2>&1; then
    # grep without -q reads all of ldconfig's output: an early exit would fail the pipeline (pipefail, SIGPIPE).
    ldconfig -p 2>/dev/null | grep 'libturbojpeg\.so\.0[[:space:]]' >/dev/null
    return
  fi
  local dir
  for dir in /usr/lib /usr/lib64 /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/local/lib; do
    [[ -e "$dir/libturbojpeg.so.0" ]] && return 0
  done
  return 1
}

report_state() {
  dotnet_found="$(installed_dotnet_runtime)"
  if turbojpeg_present; then turbojpeg_found="present"; else turbojpeg_found=""; fi
  log "Microsoft.NETCore.App >= ${dotnet_major}: ${dotnet_found:-missing}; libturbojpeg.so.0: ${turbojpeg_found:-missing}"
}

report_state
if [[ -n "$dotnet_found" && -n "$turbojpeg_found" ]]; then
  log "prerequisites satisfied; nothing to do"
  exit 0
fi
if [[ "$mode" == "check" ]]; then
  exit 1
fi

# --- the system ---------------------------------------------------------------------------------------------------

[[ -r "$os_release_file" ]] || fail "cannot read $os_release_file to identify the operating system" 2
os_id="$(. "$os_release_file" && printf '%s' "${ID:-}")"
os_like="$(. "$os_release_file" && printf '%s' "${ID_LIKE:-}")"
os_version="$(. "$os_release_file" && printf '%s' "${VERSION_ID:-}")"
case " $os_id $os_like " in
  *" debian "*|*" ubuntu "*) package_manager="apt" ;;
  *" amzn "*|*" fedora "*|*" rhel "*|*" centos "*) package_manager="dnf" ;;
  *) fail "unsupported operating system '$os_id' (ID_LIKE '$os_like'): apt (Debian, Ubuntu) or dnf (Amazon Linux 2023, Fedora, RHEL) is needed" 2 ;;
esac
if [[ -z "$turbojpeg_package" ]]; then
  if [[ "$package_manager" == "apt" ]]; then
    turbojpeg_package="libturbojpeg0"
  else
    # RPM's automatic soname Provides carry "()(64bit)" for 64-bit ELF libraries, nothing for 32-bit ones.
    case "$(uname -m)" in
      x86_64|aarch64|ppc64le|s390x) turbojpeg_package="libturbojpeg.so.0()(64bit)" ;;
      *) turbojpeg_package="libturbojpeg.so.0" ;;
    esac
  fi
fi
[[ -n "$dotnet_package" ]] || dotnet_package="dotnet-runtime-${dotnet_major}.0"
log "system: $os_id $os_version ($package_manager); .NET source: $dotnet_source"

run() {
  if [[ "$mode" == "dry-run" ]]; then
    printf '%s: would run: %s\n' "$SCRIPT_NAME" "$*"
  else
    log "run: $*"
    "$@"
  fi
}

if [[ "$mode" != "dry-run" && "$(id -u)" != "0" ]]; then
  fail "installing needs root (the Greengrass recipe sets RequiresPrivilege); run with sudo, or use --check / --dry-run" 2
fi

apt_updated=""
apt_update() { if [[ -z "$apt_updated" ]]; then run apt-get update -q; apt_updated="yes"; fi; }
apt_available() { apt-cache show --no-all-versions "$1" >/dev/null 2>&1; }
# A device's unattended upgrades may hold dpkg's lock at boot: wait for it rather than fail the deployment.
apt_install() { apt_update; run env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "$@"; }
dnf_install() { run dnf install -y "$@"; }

# The shared libraries the .NET runtime loads itself (a package install pulls them in as dependencies).
dotnet_dependency_packages() {
  if [[ "$package_manager" == "apt" ]]; then
    local icu
    icu="$(apt-cache search --names-only '^libicu[0-9]+$' 2>/dev/null | awk '{print $1}' | sort -V | tail -n 1)"
    [[ -n "$icu" ]] || icu="libicu72"
    local ssl="libssl3"
    apt_available libssl3t64 && ssl="libssl3t64"
    printf '%s\n' ca-certificates libc6 libgcc-s1 libstdc++6 zlib1g "$ssl" "$icu" tzdata
  else
    printf '%s\n' ca-certificates glibc libgcc libstdc++ zlib openssl-libs libicu tzdata
  fi
}

add_microsoft_feed() {
  local distro="$os_id"
  [[ "$distro" == "raspbian" ]] && distro="debian"
  local config="https://packages.microsoft.com/config/${distro}/${os_version}/packages-microsoft-prod.deb"
  apt_install ca-certificates curl
  run curl -fsSL --retry 3 -o /tmp/packages-microsoft-prod.deb "$config"
  run dpkg -i /tmp/packages-microsoft-prod.deb
  run rm -f /tmp/packages-microsoft-prod.deb
  apt_updated=""
  apt_update
}

install_dotnet_from_package() {
  if [[ "$package_manager" == "apt" ]]; then
    apt_update
    if ! apt_available "$dotnet_package"; then
      if [[ "$microsoft_feed" != "true" ]]; then
        fail "apt has no package $dotnet_package and --microsoft-feed is false: use --dotnet-source tarball, or allow the feed" 1
      fi
      log "apt has no $dotnet_package: adding Microsoft's feed for $os_id $os_version"
      add_microsoft_feed
    fi
    apt_install "$dotnet_package"
  else
    dnf_install "$dotnet_package"
  fi
}

install_dotnet_from_tarball() {
  local tarball="$dotnet_tarball" downloaded=""
  if [[ "$package_manager" == "apt" ]]; then
    mapfile -t deps < <(dotnet_dependency_packages)
    apt_install "${deps[@]}"
  else
    mapfile -t deps < <(dotnet_dependency_packages)
    dnf_install "${deps[@]}"
  fi
  if [[ "$tarball" == https://* ]]; then
    downloaded="$(mktemp /tmp/dotnet-runtime.XXXXXX.tar.gz)"
    command -v curl >/dev/null 2>&1 || { if [[ "$package_manager" == "apt" ]]; then apt_install curl; else dnf_install curl; fi; }
    run curl -fsSL --retry 3 -o "$downloaded" "$tarball"
    tarball="$downloaded"
  elif [[ "$mode" != "dry-run" && ! -f "$tarball" ]]; then
    fail "--dotnet-tarball '$tarball' does not exist" 2
  fi
  if [[ -n "$dotnet_tarball_sha512" ]]; then
    if [[ "$mode" == "dry-run" ]]; then
      printf '%s: would check: sha512 of %s\n' "$SCRIPT_NAME" "$tarball"
    else
      local actual
      actual="$(sha512sum "$tarball" | awk '{print $1}')"
      if [[ "${actual,,}" != "${dotnet_tarball_sha512,,}" ]]; then
        [[ -n "$downloaded" ]] && rm -f "$downloaded"
        fail "SHA-512 of $dotnet_tarball is $actual, expected $dotnet_tarball_sha512: nothing was installed" 1
      fi
      log "SHA-512 of the tarball matches"
    fi
  fi
  # Unpack next to the target and swap it in, so a failed unpack leaves a working runtime where there was one.
  local staging="${dotnet_install_dir}.new"
  run rm -rf "$staging"
  run mkdir -p "$staging"
  run tar -xzf "$tarball" -C "$staging" --no-same-owner
  if [[ "$mode" != "dry-run" && ! -x "$staging/dotnet" ]]; then
    rm -rf "$staging"
    fail "--dotnet-tarball '$dotnet_tarball' has no 'dotnet' at its top level: not a .NET runtime tarball" 1
  fi
  run rm -rf "${dotnet_install_dir}.old"
  if [[ -e "$dotnet_install_dir" || "$mode" == "dry-run" ]]; then run mv "$dotnet_install_dir" "${dotnet_install_dir}.old" || true; fi
  run mv "$staging" "$dotnet_install_dir"
  run rm -rf "${dotnet_install_dir}.old"
  run mkdir -p "$bin_dir"
  run ln -sfn "$dotnet_install_dir/dotnet" "$bin_dir/dotnet"
  [[ -n "$downloaded" ]] && run rm -f "$downloaded"
  return 0
}

# --- install what is missing --------------------------------------------------------------------------------------

if [[ -z "$turbojpeg_found" ]]; then
  if [[ "$package_manager" == "apt" ]]; then apt_install "$turbojpeg_package"; else dnf_install "$turbojpeg_package"; fi
fi
if [[ -z "$dotnet_found" ]]; then
  if [[ "$dotnet_source" == "package" ]]; then install_dotnet_from_package; else install_dotnet_from_tarball; fi
fi

if [[ "$mode" == "dry-run" ]]; then
  log "dry run: nothing was changed"
  exit 0
fi

# The version check again: what was installed must be what the component needs.
hash -r
report_state
[[ -n "$dotnet_found" ]] || fail "no Microsoft.NETCore.App >= ${dotnet_major} after installing (check the package or tarball)" 1
[[ -n "$turbojpeg_found" ]] || fail "libturbojpeg.so.0 not found after installing $turbojpeg_package" 1
log "prerequisites installed: Microsoft.NETCore.App $dotnet_found, libturbojpeg.so.0"
