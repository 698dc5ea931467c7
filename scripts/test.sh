#!/usr/bin/env bash
# The one test command: install everything the suite needs, then run the whole pytest suite.
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh -k feeds -x     # extra arguments go to pytest
#
# Works on a fresh Debian machine as root (installs Python, Node, Chromium, Java and fonts with
# apt) and on a developer machine or CI runner that already has them (apt is skipped when nothing
# is missing). Python packages are pinned by constraints.txt, npm packages by package-lock.json.
# Screenshots from browser tests land in artifacts/ (gitignored).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- system packages ---------------------------------------------------------------------
# Debian package names; each is only installed when its command or file is missing.
missing=()
have chromium || have chromium-browser || have google-chrome || have google-chrome-stable \
  || [[ -n "${STATUSPRESS_CHROMIUM:-}" ]] || missing+=(chromium)
have java || missing+=(default-jre-headless)
[[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
have npm || missing+=(nodejs npm)
have git || missing+=(git)
# The notification tests make a TLS certificate for their SMTP server.
have openssl || missing+=(openssl)
# Playwright's bundled Node.js (the driver that talks to Chromium) links libatomic.
/sbin/ldconfig -p 2>/dev/null | grep -q 'libatomic\.so\.1' || missing+=(libatomic1)
have python3 || missing+=(python3 python3-venv)
if have python3 && ! python3 -m pip --version >/dev/null 2>&1 && ! python3 -c 'import ensurepip' 2>/dev/null; then
  missing+=(python3-venv)
fi

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif have sudo && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    log "missing system packages: ${missing[*]} (not root and no sudo: install them, then rerun)"
    exit 1
  fi
  # Another apt run (unattended upgrades, provisioning) may hold the lock: wait for it.
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends ca-certificates "${missing[@]}" >/dev/null
fi

# --- Python ------------------------------------------------------------------------------
# Debian's own Python refuses pip installs (PEP 668) and may lack pip: use a virtual
# environment there. Any other Python (pyenv, a venv, setup-python) is used as it is.
python=python3
if [[ -n "${VIRTUAL_ENV:-}" ]]; then
  :
elif ! python3 -m pip --version >/dev/null 2>&1 \
  || python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
  [[ -x .venv/bin/python ]] || { log "python3 -m venv .venv"; python3 -m venv .venv; }
  python=.venv/bin/python
  # Console scripts installed there (zizmor, statuspress) must be found by the tests too.
  export VIRTUAL_ENV="$PWD/.venv" PATH="$PWD/.venv/bin:$PATH"
fi
python_ok='import sys; sys.exit(sys.version_info < (3, 11))'
"$python" -c "$python_ok" || { log "Python 3.11 or newer needed, found $("$python" -V 2>&1)"; exit 1; }

log "pip install -c constraints.txt -e .[test]"
"$python" -m pip install -qq --disable-pip-version-check -c constraints.txt -e '.[test]'

# --- npm (vnu-jar, axe-core) ---------------------------------------------------------------
# --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime; Debian's is used.
# Skipped when node_modules already matches package-lock.json (npm ci wipes node_modules first,
# which would pull the files from under a concurrent run).
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
"$python" -m pytest -q "$@"
status=$?
set -e
if ((status == 5)); then
  # pytest's "no tests collected": a broken selection or collection, never a pass.
  log "no tests ran"
  exit 1
fi
exit "$status"
