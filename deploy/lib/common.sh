# Shared by deploy-all.sh and undeploy-all.sh: paths, tools, the role list and
# the option parsing both scripts accept. Sourced, not run.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
chart="$repo_root/deploy/helm/agent-host"
overlays="$repo_root/deploy/k8s/overlays"
shared="$repo_root/deploy/k8s/shared"
# Deploy order: workflow first (Redis, and the others call it), reporting last.
all_roles=(workflow task-manager reporting)

mode=helm
postgres=""        # "" = SQLite storage; external | in-cluster = PostgreSQL
postgres_cidr=""
dry_run=false
image=""
monitoring=true
purge=false
roles=("${all_roles[@]}")

# The Kustomize overlay of a role: PostgreSQL storage has its own variant.
role_overlay() { if [[ -n $postgres ]]; then echo "$overlays/postgres/$1"; else echo "$overlays/$1"; fi; }

# A role's Service (and Deployment) name: the config's `service:`.
service_of() { sed -n 's/^service: *//p' "$repo_root/configs/$1.yaml"; }

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# A tool from PATH, else the copy tools/fetch-helm.sh puts under build/tools.
find_tool() {
  local name=$1
  if command -v "$name" >/dev/null; then command -v "$name"; return; fi
  if [[ ! -x "$repo_root/build/tools/$name" ]]; then
    "$repo_root/tools/fetch-helm.sh" >&2 || die "$name not found; install it or run tools/fetch-helm.sh"
  fi
  echo "$repo_root/build/tools/$name"
}

parse_common_args() {
  while (($#)); do
    case "$1" in
      --kustomize) mode=kustomize ;;
      --helm) mode=helm ;;
      --dry-run) dry_run=true ;;
      --image) image=${2:?--image needs REPOSITORY:TAG}; shift ;;
      --image=*) image=${1#--image=} ;;
      --no-monitoring) monitoring=false ;;
      --purge) purge=true ;;
      --postgres) postgres=${2:?--postgres needs external or in-cluster}; shift ;;
      --postgres=*) postgres=${1#--postgres=} ;;
      --postgres-cidr) postgres_cidr=${2:?--postgres-cidr needs an address range}; shift ;;
      --postgres-cidr=*) postgres_cidr=${1#--postgres-cidr=} ;;
      --role) roles=("${2:?--role needs a role name}"); shift ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
  done
  local role
  for role in "${roles[@]}"; do
    [[ " ${all_roles[*]} " == *" $role "* ]] || die "unknown role '$role'; roles: ${all_roles[*]}"
  done
  case "$postgres" in
    "" | in-cluster) [[ -z $postgres_cidr ]] || die "--postgres-cidr is for --postgres external" ;;
    external) [[ -n $postgres_cidr ]] ||
      die "--postgres external needs --postgres-cidr CIDR (the database's addresses, for the NetworkPolicy egress)" ;;
    *) die "--postgres must be external or in-cluster, not '$postgres'" ;;
  esac
  if [[ -n "$image" ]]; then
    [[ "$image" == *:* && "${image##*:}" != latest ]] ||
      die "--image needs an explicit tag other than 'latest' (e.g. registry.example.com/agent-host:0.1.0)"
  fi
}

# Prints a command in dry-run mode, runs it otherwise.
run() {
  if $dry_run; then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}
