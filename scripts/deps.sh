#!/bin/sh
# Install the Debian 12 packages rtpipe needs, only those that are missing.
# Usage: scripts/deps.sh [build|test|bench|lint|all]...   (default: build test)
# Says what it installs; uses sudo when not root; exits non-zero on failure.
set -eu

build_pkgs="gcc make libcsv-dev libjq-dev libpcre2-dev libonig-dev libseccomp-dev libsqlite3-dev libnats-dev libzstd-dev"
test_pkgs="bats bats-assert bats-support bats-file jq sqlite3 python3 python3-jsonschema procps mandoc tmux librsvg2-bin clang nats-server"
bench_pkgs="jq miller sqlite3 python3 python3-jsonschema nodejs time nats-server"
lint_pkgs="cppcheck clang-tidy mandoc clang-format"

[ $# -eq 0 ] && set -- build test
want=""
for group in "$@"; do
	case $group in
	build) want="$want $build_pkgs" ;;
	test) want="$want $test_pkgs" ;;
	bench) want="$want $bench_pkgs" ;;
	lint) want="$want $lint_pkgs" ;;
	all) want="$want $build_pkgs $test_pkgs $bench_pkgs $lint_pkgs" ;;
	*) echo "deps.sh: unknown group '$group' (build, test, bench, lint, all)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	# Node.js may come from elsewhere (NodeSource ships npm inside nodejs).
	[ "$p" = nodejs ] && command -v npm >/dev/null 2>&1 && continue
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

# Two installs at once (make -j, or two checkouts) must not race for
# apt's lock: one waits for the other.
if [ -z "${RT_DEPS_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
	export RT_DEPS_LOCKED=1
	exec flock "${TMPDIR:-/tmp}/rtpipe-deps.lock" "$0" "$@"
fi

echo "rtpipe: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "rtpipe: not root and no sudo: install these packages by hand:$missing" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; a stale list makes
# apt-get fail with 404s, so refresh once before installing.
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq || true
# shellcheck disable=SC2086
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing
