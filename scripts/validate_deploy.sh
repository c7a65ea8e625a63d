#!/usr/bin/env bash
# Validates every deploy file offline, without a Docker engine or a cluster.
#
#   bash scripts/validate_deploy.sh
#
# Prints one line per check ("ok" or "FAIL", with the tool's output indented
# under a failure) and exits non-zero if any check fails. Idempotent and
# non-interactive: missing tools are installed on the first run, then reused.
# Tool set-up notes go to stderr.
#
# What checks what:
# - Kubernetes (deploy/k8s): `kubectl kustomize` renders the base and each
#   overlay, then tests/deploy/k8s_validate.ts validates every rendered object
#   with npm kubernetes-models (`.validate()`, the API's JSON schema) and
#   type-checks it against the model's interface, which rejects unknown
#   fields. The overlays need kustomize v5 (`labels`, `patches`): a kubectl
#   on PATH reporting "Kustomize Version: v5" is used (the project machines
#   ship one), else KUBECTL_BIN, else the cached one below. Debian bookworm's
#   own kubernetes-client is 1.20 with kustomize v2.0.3, which rejects
#   `labels`; Debian trixie's `kubectl` package (1.32, kustomize v5.5) depends
#   only on libc6 (>= 2.34) and runs on bookworm, so its .deb is fetched the
#   same way as Compose below.
# - promtool (Debian package `prometheus`): `check config` on prometheus.yml
#   (which also loads the rule files it names), `check rules` on the alert
#   rules, and `test rules` on the alert unit tests in deploy/prometheus/tests/.
# - Grafana (deploy/grafana): tests/deploy/dashboards.ts checks each
#   dashboard's structure (uids, panel ids and grid, datasource uid, queries),
#   parses every PromQL expression with Prometheus' grammar
#   (@prometheus-io/lezer-promql), and has promtool parse them all as
#   recording rules.
# - Compose v2 `config -q`: parses, interpolates and validates
#   docker-compose.yml with compose-go, the library `docker compose` uses, against
#   the Compose Specification schema. Debian bookworm packages only Compose v1
#   (docker-compose 1.29, Python, end of life); `docker-compose-v2` and
#   `docker-compose-plugin` do not exist there. Debian trixie's `docker-compose`
#   package is Compose v2 and depends only on libc6 (>= 2.34), so it runs on
#   bookworm. The script downloads that one .deb with apt-get using a private
#   apt state directory under the tools cache (the system's Debian mirror and
#   archive keyring, but no change to /etc/apt and no trixie packages installed)
#   and extracts its single static binary into the cache. A Compose v2 already
#   on the machine (`docker compose`, a v2 `docker-compose`, or COMPOSE_BIN) is
#   used instead.
# - nginx (Debian package `nginx-light`): `nginx -t` on deploy/nginx/nginx.conf,
#   the load balancer compose puts in front of the API replicas. The upstream is
#   a variable resolved per request, so the check needs no `api` host.
# - Dockerfile: hadolint is not packaged in Debian and cannot be downloaded
#   here. tests/deploy/dockerfile_lint.ts runs dockerfile-utils (npm; the
#   Dockerfile validator behind VS Code's Docker language server: instruction
#   syntax, flags and durations, JSON forms, stage names) plus a few
#   hadolint-style rules (pinned base images, non-root final USER, exec-form
#   CMD, COPY over ADD, no secrets in ENV or ARG, HEALTHCHECK present).
#
# tests/deploy/*_test.ts (run by `deno task test`) assert the design's
# requirements on the same files with the same tools, and check every metric
# the dashboards and alerts name against a running server.
#
# Environment:
#   GRAPHMIND_TOOLS_DIR  tools cache (default: ${XDG_CACHE_HOME:-~/.cache}/graphmind/deploy-tools)
#   PROMTOOL_BIN         promtool to use instead of the one on PATH
#   COMPOSE_BIN          Compose v2 binary to use (run as "$COMPOSE_BIN config ...")
#   KUBECTL_BIN          kubectl (with kustomize v5) to use

set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

TOOLS_DIR="${GRAPHMIND_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/graphmind/deploy-tools}"
SETUP_LOG="$(mktemp "${TMPDIR:-/tmp}/validate_deploy.XXXXXX.log")"
trap 'rm -f "$SETUP_LOG"' EXIT

failures=0
PROMTOOL=""
COMPOSE=()

note() { printf '%s\n' "$*" >&2; }

# run_check NAME COMMAND...: one line of output; the command's output on failure.
run_check() {
  local name=$1 output
  shift
  if output=$("$@" 2>&1); then
    printf 'ok    %s\n' "$name"
  else
    printf 'FAIL  %s\n' "$name"
    printf '%s\n' "$output" | sed 's/^/      /'
    failures=$((failures + 1))
  fi
}

# fail_check NAME REASON: a check that could not run counts as failed.
fail_check() {
  printf 'FAIL  %s\n      %s\n' "$1" "$2"
  failures=$((failures + 1))
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    note "need root (or sudo) to run: $*"
    return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || {
    note "apt-get not found: install $* by hand"
    return 1
  }
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@")
  # Try the package lists as they are first; refresh them only if that fails.
  as_root "${install[@]}" >>"$SETUP_LOG" 2>&1 && return 0
  as_root apt-get update -q >>"$SETUP_LOG" 2>&1 && as_root "${install[@]}" >>"$SETUP_LOG" 2>&1
}

ensure_promtool() {
  if [[ -n "${PROMTOOL_BIN:-}" ]]; then
    PROMTOOL=$PROMTOOL_BIN
  elif command -v promtool >/dev/null 2>&1; then
    PROMTOOL=$(command -v promtool)
  else
    note "promtool not found; installing Debian package prometheus"
    # Debian's maintainer scripts do not start the daemon where policy-rc.d
    # forbids it (containers) or where systemd is not running.
    if ! apt_install prometheus; then
      note "installing prometheus failed:"
      sed 's/^/  /' "$SETUP_LOG" >&2
      return 1
    fi
    PROMTOOL=$(command -v promtool) || return 1
  fi
  note "using $("$PROMTOOL" --version 2>&1 | head -n 1) ($PROMTOOL)"
}

is_compose_v2() {
  local version
  version=$("$@" version --short 2>/dev/null) || return 1
  [[ $version =~ ^v?2\. ]]
}

# The URI of the system's own Debian archive (not -security, not -updates).
debian_mirror() {
  local codename uri
  # shellcheck disable=SC1091 # a system file, read at run time
  codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  # shellcheck disable=SC2016 # $(...) here is apt's format syntax, not the shell's
  uri=$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
    awk -v release="$codename" '$2 == release { print $1; exit }')
  if [[ -z $uri ]]; then
    uri=$(grep -rhoE '^(URIs:|deb)[[:space:]]+(\[[^]]*\][[:space:]]+)?[a-z]+://[^[:space:]]+' \
      /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
      grep -oE '[a-z]+://[^[:space:]]+' | grep -v -- '-security' | head -n 1)
  fi
  [[ -n $uri ]] && printf '%s\n' "${uri%/}"
}

# fetch_from_trixie PACKAGE PATH_IN_DEB NAME: downloads one Debian trixie .deb
# and installs the binary at PATH_IN_DEB as $TOOLS_DIR/NAME.
fetch_from_trixie() {
  local package=$1 path_in_deb=$2 name=$3
  local apt_dir="$TOOLS_DIR/apt-trixie" mirror deb
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
    note "$name not found and this is not a Debian system: install it by hand"
    return 1
  fi
  [[ -r $keyring ]] || {
    note "missing $keyring (Debian package debian-archive-keyring)"
    return 1
  }
  mirror=$(debian_mirror) || {
    note "could not find the system's Debian mirror in /etc/apt"
    return 1
  }
  rm -rf "$apt_dir"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/root"
  printf 'deb [signed-by=%s] %s trixie main\n' "$keyring" "$mirror" >"$apt_dir/sources.list"
  local apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::Etc::Preferences=/dev/null"
    -o "Dir::Etc::PreferencesParts=/dev/null"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::State::status=/dev/null"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Sandbox::User=$(id -un)"
    -o "Debug::NoLocking=true"
  )
  note "fetching $name (Debian trixie package $package) into $TOOLS_DIR"
  if ! { apt-get "${apt_opts[@]}" -q update &&
    (cd "$apt_dir" && apt-get "${apt_opts[@]}" -q download "$package"); } >>"$SETUP_LOG" 2>&1; then
    note "downloading $package from trixie failed:"
    sed 's/^/  /' "$SETUP_LOG" >&2
    return 1
  fi
  local debs=("$apt_dir/${package}"_*.deb)
  deb=${debs[0]}
  if ! { [[ -f $deb ]] && dpkg-deb -x "$deb" "$apt_dir/root" &&
    install -m 0755 "$apt_dir/root/$path_in_deb" "$TOOLS_DIR/$name"; }; then
    note "unpacking $deb failed"
    return 1
  fi
  # Keep only the binary, not the .deb and the package lists.
  rm -rf "$apt_dir"
}

ensure_compose() {
  local cached="$TOOLS_DIR/docker-compose"
  if [[ -n "${COMPOSE_BIN:-}" ]]; then
    COMPOSE=("$COMPOSE_BIN")
  elif command -v docker >/dev/null 2>&1 && is_compose_v2 docker compose; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1 && is_compose_v2 docker-compose; then
    COMPOSE=(docker-compose)
  else
    if ! { [[ -x $cached ]] && is_compose_v2 "$cached"; }; then
      mkdir -p "$TOOLS_DIR" &&
        fetch_from_trixie docker-compose usr/libexec/docker/cli-plugins/docker-compose docker-compose ||
        return 1
    fi
    COMPOSE=("$cached")
  fi
  is_compose_v2 "${COMPOSE[@]}" || {
    note "${COMPOSE[*]} is not Compose v2"
    return 1
  }
  note "using Docker Compose $("${COMPOSE[@]}" version --short) (${COMPOSE[*]})"
}

has_kustomize_v5() {
  "$@" version --client 2>/dev/null | grep -q '^Kustomize Version: v5\.'
}

KUBECTL=""
ensure_kubectl() {
  local cached="$TOOLS_DIR/kubectl"
  if [[ -n "${KUBECTL_BIN:-}" ]]; then
    KUBECTL=$KUBECTL_BIN
  elif command -v kubectl >/dev/null 2>&1 && has_kustomize_v5 kubectl; then
    KUBECTL=$(command -v kubectl)
  else
    if ! { [[ -x $cached ]] && has_kustomize_v5 "$cached"; }; then
      mkdir -p "$TOOLS_DIR" && fetch_from_trixie kubectl usr/bin/kubectl kubectl || return 1
    fi
    KUBECTL=$cached
  fi
  has_kustomize_v5 "$KUBECTL" || {
    note "$KUBECTL has no kustomize v5"
    return 1
  }
  note "using kubectl $("$KUBECTL" version --client 2>/dev/null | tr '\n' ' ')($KUBECTL)"
}

# Dummy values for the variables docker-compose.yml requires (${VAR:?...}).
# --env-file /dev/null keeps a developer's .env out of the result.
compose_config_with_dummy_secrets() {
  env POSTGRES_PASSWORD=validate-only-password \
    SECRET_KEY=validate-only-secret-key-0123456789 \
    UPSTASH_REDIS_REST_TOKEN=validate-only-token \
    GRAFANA_ADMIN_PASSWORD=validate-only-grafana \
    "${COMPOSE[@]}" --env-file /dev/null -f docker-compose.yml config -q
}

# The stack must refuse to start rather than run with empty secrets.
compose_requires_each_secret() {
  local missing output
  for missing in POSTGRES_PASSWORD SECRET_KEY UPSTASH_REDIS_REST_TOKEN GRAFANA_ADMIN_PASSWORD; do
    if output=$(
      export POSTGRES_PASSWORD=x SECRET_KEY=x UPSTASH_REDIS_REST_TOKEN=x GRAFANA_ADMIN_PASSWORD=x
      unset "$missing"
      "${COMPOSE[@]}" --env-file /dev/null -f docker-compose.yml config -q 2>&1
    ); then
      printf 'compose accepted the file without %s\n' "$missing"
      return 1
    fi
    if [[ $output != *"$missing"* ]]; then
      printf 'compose failed without %s, but its error does not name it:\n%s\n' "$missing" "$output"
      return 1
    fi
  done
}

ensure_nginx() {
  command -v nginx >/dev/null 2>&1 && return 0
  [[ -x /usr/sbin/nginx ]] && return 0
  note "nginx not found; installing Debian package nginx-light"
  apt_install nginx-light || {
    note "installing nginx-light failed:"
    sed 's/^/  /' "$SETUP_LOG" >&2
    return 1
  }
}

check_nginx_conf() {
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  "$nginx" -t -q -c "$PWD/deploy/nginx/nginx.conf"
}

lint_dockerfile() {
  deno run --allow-read tests/deploy/dockerfile_lint.ts Dockerfile
}

validate_k8s_models() {
  KUBECTL_BIN=$KUBECTL deno run --allow-read --allow-write --allow-env --allow-run \
    tests/deploy/k8s_validate.ts "${K8S_DIRS[@]}"
}

validate_dashboards() {
  deno run --allow-read --allow-write --allow-env --allow-run \
    tests/deploy/dashboards.ts ${PROMTOOL:+--promtool "$PROMTOOL"}
}

K8S_DIRS=(deploy/k8s/base deploy/k8s/overlays/staging deploy/k8s/overlays/production)

# ---- checks ----

if ensure_kubectl; then
  for dir in "${K8S_DIRS[@]}"; do
    run_check "kubectl kustomize $dir" "$KUBECTL" kustomize "$dir"
  done
  if command -v deno >/dev/null 2>&1; then
    run_check "kubernetes-models validation of every rendered object (schema + known fields)" \
      validate_k8s_models
  else
    fail_check "kubernetes-models validation" "deno is not on PATH"
  fi
else
  fail_check "kubectl kustomize deploy/k8s" "kubectl with kustomize v5 is missing and could not be installed"
fi

if ensure_promtool; then
  run_check "promtool check config deploy/prometheus/prometheus.yml" \
    "$PROMTOOL" check config deploy/prometheus/prometheus.yml
  run_check "promtool check rules deploy/prometheus/alerts.yml" \
    "$PROMTOOL" check rules deploy/prometheus/alerts.yml
  run_check "promtool test rules deploy/prometheus/tests/alerts_test.yml" \
    "$PROMTOOL" test rules deploy/prometheus/tests/alerts_test.yml
else
  fail_check "promtool checks" "promtool is missing and could not be installed"
fi

if command -v deno >/dev/null 2>&1; then
  run_check "grafana dashboards: structure, PromQL grammar${PROMTOOL:+, promtool}" validate_dashboards
else
  fail_check "grafana dashboards" "deno is not on PATH"
fi

if ensure_compose; then
  run_check "compose config -q docker-compose.yml" compose_config_with_dummy_secrets
  run_check "compose refuses to start without POSTGRES_PASSWORD, SECRET_KEY, UPSTASH_REDIS_REST_TOKEN, GRAFANA_ADMIN_PASSWORD" \
    compose_requires_each_secret
else
  fail_check "compose config -q docker-compose.yml" "Compose v2 is missing and could not be installed"
fi

if ensure_nginx; then
  run_check "nginx -t deploy/nginx/nginx.conf" check_nginx_conf
else
  fail_check "nginx -t deploy/nginx/nginx.conf" "nginx is missing and could not be installed"
fi

if command -v deno >/dev/null 2>&1; then
  run_check "dockerfile lint Dockerfile (dockerfile-utils + project rules)" lint_dockerfile
else
  fail_check "dockerfile lint Dockerfile" "deno is not on PATH"
fi

if ((failures > 0)); then
  printf '%d check(s) failed\n' "$failures"
  exit 1
fi
printf 'all deploy checks passed\n'
