#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root (CI runs this from a clean clone):
# the Debian packages the test harness drives as real servers, then npm ci, then npm test.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

# Servers the harness starts on free loopback ports: PostgreSQL (initdb + postgres), Chromium
# (driven by playwright-core), and for the LDAP and IMAP tests slapd, ldap-utils and Dovecot.
packages=(postgresql chromium slapd ldap-utils dovecot-imapd)
# Debian 12 has no npm by default; its own (older) npm is enough to run `npm ci`, which then
# installs Node 24 as the `node` devDependency that every npm script runs on.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for pkg in "${packages[@]}"; do
  # dpkg -s also knows removed-but-configured packages; only "install ok installed" counts.
  dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed$' || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run this script as root to install them)" >&2
    exit 1
  fi
  say "installing ${missing[*]}"
  apt-get update -qq
  # Noninteractive: slapd would otherwise ask for a domain and an admin password.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages present: ${packages[*]}"
fi

say "npm ci"
npm ci --no-audit --no-fund

say "npm test"
npm test
say "all tests passed"
