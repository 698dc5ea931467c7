#!/usr/bin/env bash
# The one test command: install everything the suite needs, then run the whole pytest suite.
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh -k feeds -x     # extra arguments go to pytest
#
# Works on a fresh Debian machine as root (installs Chromium, Java and fonts with apt) and on a
# developer machine or CI runner that already has them (apt is skipped when nothing is missing).
# Python packages are pinned by constraints.txt, npm packages by package-lock.json.
# Screenshots from browser tests land in artifacts/ (gitignored).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*" >&2; }

# --- system packages ---------------------------------------------------------------------
# Debian package names; each is only installed when its command or file is missing.
missing=()
has_browser=""
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  command -v "$name" >/dev/null 2>&1 && has_browser=1
done
[[ -n "$has_browser" || -n "${STATUSPRESS_CHROMIUM:-}" ]] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v git >/dev/null 2>&1 || missing+=(git)

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    log "missing system packages: ${missing[*]} (not root and no sudo: install them, then rerun)"
    exit 1
  fi
  # Another apt run (unattended upgrades, a provisioning script) may hold the lock: wait for it.
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python ------------------------------------------------------------------------------
log "pip install -c constraints.txt -e .[test]"
python3 -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'

# --- npm (vnu-jar, axe-core) ---------------------------------------------------------------
# --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime; Debian's is used.
if [[ package-lock.json -nt node_modules/.package-lock.json ]] \
  || [[ ! -f node_modules/axe-core/axe.min.js || ! -f node_modules/vnu-jar/build/dist/vnu.jar ]]; then
  log "npm ci"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

# --- tests -------------------------------------------------------------------------------
export NO_MKDOCS_2_WARNING=1
mkdir -p artifacts
log "pytest $*"
set +e
python3 -m pytest -q "$@"
status=$?
set -e
if ((status == 5)); then
  # pytest's "no tests collected": a broken selection or collection, never a pass.
  log "no tests ran"
  exit 1
fi
exit "$status"
