#!/usr/bin/env bash
# Debian packages baobao needs beyond python3: a light CJK font for PDFs and charts,
# Pango for WeasyPrint, LibreOffice (Writer; Calc re-saves roster workbooks) and poppler for the
# document tests, Chromium for the browser tests, PostgreSQL 15's client tools (pg_dump,
# pg_restore, psql) for backup and restore of a PostgreSQL database (the server's major version).
# Installs what is missing when run as root; otherwise only reports it.
set -euo pipefail
packages=(fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0 poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui chromium postgresql-client-15)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages (install them as root): ${missing[*]}" >&2
    exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
