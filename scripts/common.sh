# Shared steps of scripts/serve and scripts/test: system packages, the virtual
# environment, the database. Every step checks before it acts, so re-running is cheap.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Install the named Debian packages when run as root; otherwise name the missing ones.
ensure_system_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    say "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "missing system packages: ${missing[*]}
  install them with: sudo apt-get install ${missing[*]}"
  fi
}

# Packages the app itself needs: venv support, and what WeasyPrint needs for Chinese
# PDFs (Pango, a CJK font, and HarfBuzz's subsetter, without which fonts are subset in
# Python and a page takes some 25 seconds).
APP_PACKAGES=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)

ensure_python() {
  command -v python3 >/dev/null || ensure_system_packages python3
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "Python 3.11 or newer is needed; python3 is $(python3 --version 2>&1)"
  python3 -c 'import ensurepip' 2>/dev/null || ensure_system_packages python3-venv
}

# Create .venv and install the requirements, skipping pip when they have not changed.
ensure_venv() {
  local requirements="requirements/$1.txt"
  [ -x "$PY" ] || { say "creating .venv"; python3 -m venv "$VENV"; }
  local stamp="$VENV/.installed-$1"
  local digest
  digest="$(cat requirements/*.txt | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
    say "installing Python packages from $requirements"
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$digest" > "$stamp"
  fi
}
