#!/usr/bin/env bash
# The Debian package, as a user gets it: build it with CPack, unpack it, validate what it installs, and run the
# unpacked healthdeck against the demo backend, including the systemd user unit's own command line.
# usage: test_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

# The validators come from dev.sh's list; a missing one is installed, never skipped.
for tool in dpkg-deb desktop-file-validate appstreamcli groff; do
    command -v "$tool" >/dev/null || { echo "installing the set-up for $tool"; "$src/dev.sh" deps; break; }
done

work=$(mktemp -d)
demo_pid=""
cleanup() { [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb="$work/out/healthdeck_${version}_amd64.deb"
[ -f "$deb" ] || fail "no $deb; cpack made: $(ls "$work/out")"
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = healthdeck ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
[ "$(field Section)" = admin ] || fail "Section: $(field Section)"
[ "$(field Architecture)" = amd64 ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
for dep in libqt6core6 libqt6widgets6 libqt6charts6 libhiredis0.14 libyaml-0-2 libqt6sql6-sqlite qt6-qpa-plugins; do
    grep -q "$dep" <<<"$depends" || fail "Depends lacks $dep (shlibdeps or the plugins): $depends"
done
[ "$(field Recommends)" = redis-server ] || fail "Recommends: $(field Recommends)"
# Into a variable first: with pipefail, grep -q leaving early would fail dpkg-deb's write.
description=$(field Description)
grep -q "as one dependency" <<<"$description" || fail "the long description is missing: $description"

root="$work/root"
dpkg-deb -x "$deb" "$root"
id=org.healthdeck.healthdeck
expected=(
    usr/bin/healthdeck
    "usr/share/applications/$id.desktop"
    "usr/share/metainfo/$id.metainfo.xml"
    "usr/share/icons/hicolor/scalable/apps/$id.svg"
    usr/share/man/man1/healthdeck.1.gz
    usr/share/doc/healthdeck/examples/healthdeck.yaml
    usr/lib/systemd/user/healthdeck-monitor.service
)
for size in 16 22 24 32 48 64 128 256; do expected+=("usr/share/icons/hicolor/${size}x${size}/apps/$id.png"); done
for f in "${expected[@]}"; do [ -s "$root/$f" ] || fail "the package does not install /$f"; done
# Nothing beyond that list: no test, bench or build file leaks in.
extra=$(cd "$root" && find . -type f | sed 's|^\./||' | sort | comm -23 - <(printf '%s\n' "${expected[@]}" | sort))
[ -z "$extra" ] || fail "unexpected files in the package: $extra"
kind=$(file "$root/usr/bin/healthdeck")
grep -q "stripped" <<<"$kind" && ! grep -q "not stripped" <<<"$kind" || fail "the binary is not stripped: $kind"

desktop-file-validate "$root/usr/share/applications/$id.desktop" || fail "desktop-file-validate"
desktop="$root/usr/share/applications/$id.desktop"
for key in "Categories=System;Monitor;Qt;" "StartupWMClass=healthdeck" "TryExec=healthdeck" "Icon=$id"; do
    grep -qx "$key" "$desktop" || fail "the .desktop file lacks $key"
done
grep -q "^Keywords=" "$desktop" || fail "the .desktop file has no Keywords"
# --no-net: the screenshot URLs are not fetched from here.
appstreamcli validate --no-net "$root/usr/share/metainfo/$id.metainfo.xml" || fail "appstreamcli validate"
man_warnings=$(zcat "$root/usr/share/man/man1/healthdeck.1.gz" | groff -t -man -Tutf8 -ww -z 2>&1)
[ -z "$man_warnings" ] || fail "the man page has groff warnings: $man_warnings"
man_text=$(zcat "$root/usr/share/man/man1/healthdeck.1.gz")
for word in "healthdeck check" "healthdeck monitor" "healthdeck admin" "healthdeck demo" "EXIT STATUS" "\\-\\-version"; do
    grep -qF -- "$word" <<<"$man_text" || fail "the man page does not cover '$word'"
done

hd="$root/usr/bin/healthdeck"
[ "$("$hd" --version)" = "healthdeck $version" ] || fail "--version says: $("$hd" --version)"
grep -q "healthdeck check" <<<"$("$hd" --help)" || fail "--help"
for cmd in check monitor admin demo; do
    "$hd" $cmd --help >"$work/help.txt" 2>&1 || fail "healthdeck $cmd --help exited $?"
    grep -q -- "--help" "$work/help.txt" || fail "healthdeck $cmd --help: $(cat "$work/help.txt")"
done

# The demo backend, from the unpacked binary; its summary names the services' addresses.
"$hd" demo --headless </dev/null >"$work/demo.out" 2>"$work/demo.err" &
demo_pid=$!
for _ in $(seq 100); do grep -q "^  config" "$work/demo.out" 2>/dev/null && break; sleep 0.1; done
grep -q "^  config" "$work/demo.out" || { cat "$work/demo.out" "$work/demo.err"; fail "the demo did not start"; }
url() { awk -v n="$1" '$1 == n { print $2 }' "$work/demo.out"; }
export TRADING_API PORTAL ANALYTICS REDIS_URL
TRADING_API=$(url trading-api); PORTAL=$(url portal); ANALYTICS=$(url analytics); REDIS_URL=$(url redis)
[ -n "$TRADING_API" ] && [ -n "$REDIS_URL" ] || fail "no addresses in the demo's summary: $(cat "$work/demo.out")"

example="$root/usr/share/doc/healthdeck/examples/healthdeck.yaml"
set +e
"$hd" check --config "$example" --json >"$work/check.json" 2>"$work/check.err"
rc=$?
set -e
[ $rc -eq 0 ] || { cat "$work/check.json" "$work/check.err"; fail "check on the shipped example exited $rc"; }
python3 - "$work/check.json" <<'PY' || fail "the example's rows: $(cat "$work/check.json")"
import json, sys
rows = json.load(open(sys.argv[1]))["checks"]
for key in ("redis/ping", "trading-api/live", "trading-api/ready", "portal/ready", "analytics/health",
            "ingestion/heartbeat"):
    assert rows[key]["status"] == "ok", (key, rows[key])
assert any(k.startswith("workers/heartbeat/health:worker") for k in rows), "no worker rows"
PY
echo "check on the shipped example: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["checks"]))' "$work/check.json") rows, exit 0"

# The systemd user unit's command line, with %h as a fresh home: it records into the history the dashboard reads.
unit="$root/usr/lib/systemd/user/healthdeck-monitor.service"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$exec_start" = "/usr/bin/healthdeck monitor --config %h/.config/healthdeck/healthdeck.yaml" ] \
    || fail "ExecStart: $exec_start"
home="$work/home"
mkdir -p "$home/.config/healthdeck"
cp "$example" "$home/.config/healthdeck/healthdeck.yaml"
command=${exec_start//%h/$home}
command=${command/\/usr\/bin\/healthdeck/$hd}
set +e
env -u XDG_DATA_HOME -u XDG_CONFIG_HOME HOME="$home" timeout -s TERM 6 $command >"$work/monitor.out" 2>"$work/monitor.err"
rc=$?
set -e
[ $rc -eq 0 ] || [ $rc -eq 124 ] || { cat "$work/monitor.err"; fail "the unit's monitor exited $rc"; }
history="$home/.local/share/healthdeck/history.sqlite"
[ -f "$history" ] || fail "the unit's monitor wrote no history at $history"
python3 - "$history" <<'PY' || fail "the history the dashboard reads is empty"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
samples = sum(db.execute("select count(*) from %s" % t).fetchone()[0] for t in tables if "sample" in t)
print("history: %d latency samples in %s" % (samples, ", ".join(t for t in tables if "sample" in t)))
assert samples > 0
PY
echo "PASS: the package builds, validates, installs what it should and runs"
