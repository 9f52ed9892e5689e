#!/usr/bin/env bash
# Debian packages baobao needs beyond python3: the open CJK faces of the GB/T 9704 (公文) look
# for PDFs and charts (Noto Serif/Sans CJK SC for 小标宋/黑体, Fandol 仿宋/楷体 from
# texlive-lang-chinese) with a fontconfig file that makes them known and stands them in for
# the standard font names, Pango for WeasyPrint, LibreOffice (Writer; Calc re-saves roster
# workbooks) and poppler for the document tests, Chromium for the browser tests, PostgreSQL 15's
# client tools (pg_dump, pg_restore, psql) for backup and restore of a PostgreSQL database (the
# server's major version).
# Installs what is missing when run as root; otherwise only reports it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
packages=(fonts-noto-cjk texlive-lang-chinese libpango-1.0-0 libpangoft2-1.0-0 poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui chromium postgresql-client-15)
fontconf_src="$here/fontconfig/60-baobao-gongwen.conf"
fontconf=/etc/fonts/conf.d/60-baobao-gongwen.conf
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
fontconf_stale=0
cmp -s "$fontconf_src" "$fontconf" || fontconf_stale=1
[ ${#missing[@]} -eq 0 ] && [ "$fontconf_stale" = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
    [ ${#missing[@]} -eq 0 ] || echo "Missing Debian packages (install them as root): ${missing[*]}" >&2
    [ "$fontconf_stale" = 0 ] || echo "Font configuration missing (as root: cp $fontconf_src $fontconf && fc-cache)" >&2
    exit 0
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
install -m 0644 "$fontconf_src" "$fontconf"
fc-cache -f >/dev/null
