#!/usr/bin/env bash
# Image tags in the seed's format {component}-{semantic_version}-{environment}-{git_short_hash}
# (e.g. frontend-1.2.3-prod-a7b3c9d). Same rule as infra/config validateConfig, so a bad tag is
# refused before any AWS call instead of half-way through a synth or a deploy.
#
#   image-tags.sh check <env> <frontend-tag> <backend-tag>
#       exit 0 when both tags belong to <env>; otherwise names each bad tag on stderr, exit 1.
#   image-tags.sh promote <from-env> <to-env> <tag>
#       prints <tag> rewritten for <to-env> (same component, version and commit); exit 1 when
#       <tag> is not a <from-env> tag.
set -euo pipefail
# Bracket ranges such as [0-9] follow the locale otherwise.
export LC_ALL=C

readonly ENVIRONMENTS=(dev staging prod)
readonly SEMVER='[0-9]+\.[0-9]+\.[0-9]+'
readonly SHORT_HASH='[0-9a-f]{7,12}'

usage() {
  echo "usage: $0 check <env> <frontend-tag> <backend-tag> | promote <from-env> <to-env> <tag>" >&2
  exit 2
}

require_env() {
  local candidate
  for candidate in "${ENVIRONMENTS[@]}"; do
    [[ $1 == "$candidate" ]] && return 0
  done
  echo "unknown environment '$1': expected one of ${ENVIRONMENTS[*]}" >&2
  exit 2
}

check() {
  local env=$1 failed=0 component tag
  require_env "$env"
  for component in frontend backend; do
    if [[ $component == frontend ]]; then tag=$2; else tag=$3; fi
    if [[ ! $tag =~ ^${component}-${SEMVER}-${env}-${SHORT_HASH}$ ]]; then
      echo "${component} tag '${tag}' does not follow '${component}-{semver}-${env}-{git_short_hash}'" >&2
      failed=1
    fi
  done
  return "$failed"
}

promote() {
  local from=$1 to=$2 tag=$3
  require_env "$from"
  require_env "$to"
  if [[ ! $tag =~ ^(frontend|backend)-(${SEMVER})-${from}-(${SHORT_HASH})$ ]]; then
    echo "tag '${tag}' is not a ${from} image tag ('{component}-{semver}-${from}-{git_short_hash}')" >&2
    exit 1
  fi
  echo "${BASH_REMATCH[1]}-${BASH_REMATCH[2]}-${to}-${BASH_REMATCH[3]}"
}

case "${1:-}" in
  check) [[ $# -eq 4 ]] || usage; check "$2" "$3" "$4" ;;
  promote) [[ $# -eq 4 ]] || usage; promote "$2" "$3" "$4" ;;
  *) usage ;;
esac
