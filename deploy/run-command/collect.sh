#!/bin/bash
# cse-preserve bootstrap for Azure Run Command (Linux): download the pinned binary, check its SHA-256, run it, delete it,
# and print only the tool's one-line JSON summary (Run Command returns the last 4,096 bytes of output).
#
# Parameters (Run Command --parameters as NAME=value, or positional in this order):
#   BINARY_URL       https URL of cse-preserve-linux-x64 (or -arm64), e.g. a blob with a read-only SAS
#   BINARY_SHA256    the expected SHA-256 of that binary (from dist/bin/SHA256SUMS)
#   CONTAINER_URL    https://<account>.blob.core.windows.net/<container> (no SAS here)
#   MANAGED_IDENTITY optional: "system" for the system-assigned identity, or a user-assigned identity's client id
#   DEADLINE_SECONDS optional: hard stop for the collector (default 4800 = 80 min, under Run Command's 90)
# The upload SAS comes ONLY as the protected parameter CSE_PRESERVE_SAS (an environment variable), never in this text,
# never as a public parameter, and is never printed. Do not deploy this through the Custom Script Extension: each
# CSE run deletes the previous runs' download folders, i.e. the evidence.
set -u
umask 077

BINARY_URL=${1:-${BINARY_URL:-}}
BINARY_SHA256=${2:-${BINARY_SHA256:-}}
CONTAINER_URL=${3:-${CONTAINER_URL:-}}
MANAGED_IDENTITY=${4:-${MANAGED_IDENTITY:-}}
DEADLINE_SECONDS=${DEADLINE_SECONDS:-4800}

fail() { # a one-line JSON summary, as the tool itself would print
  printf '{"status":"failed","stage":"bootstrap","error":"%s"}\n' "$1"
  exit "${2:-1}"
}

[ -n "$BINARY_URL" ] || fail "BINARY_URL is missing" 2
[ -n "$CONTAINER_URL" ] || fail "CONTAINER_URL is missing" 2
printf '%s' "$BINARY_SHA256" | grep -Eq '^[0-9a-fA-F]{64}$' || fail "BINARY_SHA256 must be 64 hex digits" 2
case "$BINARY_URL" in
  https://*|http://127.0.0.1[:/]*|http://localhost[:/]*) ;;
  *) fail "BINARY_URL must be https (plain http only to loopback)" 2 ;;
esac

# A working folder off the evidence disk where possible: the resource disk, else RAM (/dev/shm), else the temp dir.
WORK=""
for base in /mnt/resource /mnt /dev/shm "${TMPDIR:-/tmp}"; do
  [ -d "$base" ] && [ -w "$base" ] || continue
  WORK=$(mktemp -d "$base/cse-preserve.XXXXXX" 2>/dev/null) || continue
  printf '#!/bin/sh\nexit 0\n' > "$WORK/x" && chmod 700 "$WORK/x" && "$WORK/x" 2>/dev/null && break   # noexec mounts are skipped
  rm -rf "$WORK"; WORK=""
done
[ -n "$WORK" ] || fail "no writable, executable working folder"
trap 'rm -rf "$WORK"' EXIT
BIN="$WORK/cse-preserve"

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --retry 3 --max-time 900 -o "$BIN" "$BINARY_URL"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -T 900 -t 3 -O "$BIN" "$BINARY_URL"
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$BINARY_URL" "$BIN" <<'PY'
import shutil, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=900) as r, open(sys.argv[2], "wb") as f:
    shutil.copyfileobj(r, f)
PY
  else
    return 127
  fi
}
fetch >/dev/null 2>&1 || fail "download failed (curl, wget and python3 all tried)"

ACTUAL=$(sha256sum "$BIN" | cut -d' ' -f1)
if [ "$ACTUAL" != "$(printf '%s' "$BINARY_SHA256" | tr 'A-F' 'a-f')" ]; then
  fail "binary sha256 mismatch: expected $BINARY_SHA256, got $ACTUAL; not run"
fi
chmod 700 "$BIN"

set -- collect --container-url "$CONTAINER_URL"
case "$MANAGED_IDENTITY" in
  "") ;;
  system) set -- "$@" --managed-identity ;;
  *) set -- "$@" --managed-identity "$MANAGED_IDENTITY" ;;
esac
[ -n "${CSE_PRESERVE_EXTRA_ARGS:-}" ] && set -- "$@" $CSE_PRESERVE_EXTRA_ARGS

# Tell the tool it runs under Run Command, so the manifest names this run's own folder.
export CSE_PRESERVE_LAUNCHED_BY=run-command
unset NODE_OPTIONS   # the single binary honours NODE_OPTIONS: never let the environment inject code into it
timeout --kill-after=30 "$DEADLINE_SECONDS" "$BIN" "$@" > "$WORK/out" 2> "$WORK/err"
rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  fail "collector stopped at the ${DEADLINE_SECONDS}s deadline" "$rc"
fi
tail -n 1 "$WORK/out" | head -c 4096
echo
exit "$rc"
