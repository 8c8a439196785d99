#!/usr/bin/env bash
# Installs PostgreSQL 15 and Redis 7 from the configured apt repositories, for the integration tests
# that start them on loopback (tests/support/services/); .ci/run fails when this fails (REQUIRE_SERVICES).
# Idempotent: does nothing when both are present. Tests start and stop the servers themselves.
set -euo pipefail
# Where to look for the installed servers (overridable so tests can simulate a bare machine).
POSTGRES_BIN="${POSTGRES_BIN:-/usr/lib/postgresql/15/bin/postgres}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
need=()
[ -x "$POSTGRES_BIN" ] || need+=(postgresql-15)
command -v "$REDIS_SERVER" >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then
  echo "PostgreSQL 15 and Redis already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Fresh cloud images run unattended-upgrades at boot: wait up to 10 minutes for the dpkg/apt locks
# instead of failing with "Could not get lock".
APT=($SUDO apt-get -o DPkg::Lock::Timeout=600)
"${APT[@]}" update -qq
for package in "${need[@]}"; do
  # `apt-cache policy` prints "Candidate: (none)" or nothing when no configured repository has it
  # (e.g. postgresql-15 on a Debian/Ubuntu release that ships another major version).
  candidate=$(apt-cache policy "$package" 2>/dev/null | sed -n 's/^ *Candidate: //p')
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    echo "install-services: package '$package' is not available from the configured apt repositories;" >&2
    echo "install-services: add one that has it (for postgresql-15: the PGDG repository, apt.postgresql.org)" >&2
    exit 1
  fi
done
"${APT[@]}" install -y -qq --no-install-recommends "${need[@]}"
# Debian's packages start their own servers where an init system runs; the tests need none of them.
# Without `service` (minimal containers) the packages' servers are usually not started at all; stop
# them directly in case they were.
if command -v service >/dev/null 2>&1; then
  $SUDO service redis-server stop >/dev/null 2>&1 || true
  $SUDO service postgresql stop >/dev/null 2>&1 || true
else
  command -v redis-cli >/dev/null 2>&1 && { redis-cli shutdown nosave >/dev/null 2>&1 || true; }
  command -v pg_ctlcluster >/dev/null 2>&1 && { $SUDO pg_ctlcluster 15 main stop >/dev/null 2>&1 || true; }
fi
exit 0
