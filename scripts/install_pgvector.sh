#!/usr/bin/env bash
# Installs pgvector into the local PostgreSQL 15 from Debian trixie's source
# package (bookworm has no pgvector for PG 15), then creates the extension in
# the `test` and `postgres` databases. Idempotent: it returns at once when the
# extension is already available. Needs root and the Debian mirror.
set -euo pipefail

PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
PSQL=(env PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1 -qAt)

if [[ ! -x "$PG_CONFIG" ]]; then
  echo "install_pgvector: $PG_CONFIG not found; install PostgreSQL 15 first" >&2
  exit 1
fi

sharedir="$("$PG_CONFIG" --sharedir)"
if [[ ! -f "$sharedir/extension/vector.control" ]]; then
  echo "install_pgvector: building pgvector from Debian trixie's source package"
  export DEBIAN_FRONTEND=noninteractive
  need=()
  dpkg -s postgresql-server-dev-15 >/dev/null 2>&1 || need+=(postgresql-server-dev-15)
  dpkg -s dpkg-dev >/dev/null 2>&1 || need+=(dpkg-dev)
  command -v make >/dev/null 2>&1 || need+=(make)
  command -v gcc >/dev/null 2>&1 || need+=(gcc)
  sources=/etc/apt/sources.list.d/graphmind-trixie-src.list
  # The deb-src entry lives in its own file and is removed whatever happens.
  trap 'rm -f "$sources"; apt-get update -qq >/dev/null 2>&1 || true' EXIT
  # Use the machine's own Debian mirror, whichever it is.
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  if [[ -z "$mirror" ]]; then
    mirror="$(awk '$1 == "deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list)"
  fi
  echo "deb-src $mirror trixie main" >"$sources"
  apt-get update -qq
  if ((${#need[@]})); then apt-get install -y -qq "${need[@]}" >/dev/null; fi
  work="$(mktemp -d)"
  (
    cd "$work"
    apt-get source -qq pgvector >/dev/null 2>&1
    cd pgvector-*/
    make -s with_llvm=no PG_CONFIG="$PG_CONFIG" >/dev/null
    make -s with_llvm=no PG_CONFIG="$PG_CONFIG" install >/dev/null
  )
  rm -rf "$work"
fi

for db in test postgres; do
  "${PSQL[@]}" -d "$db" -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
done
echo "install_pgvector: vector $("${PSQL[@]}" -d test -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'") ready in PostgreSQL 15"
