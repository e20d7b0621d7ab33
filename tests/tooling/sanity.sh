#!/usr/bin/env bash
# Run ansible-test sanity on a copy of the collection.
# ansible-test needs the collection at a real path ending in ansible_collections/<namespace>/<name>,
# with the collections it depends on beside it. Lab and benchmark tooling are not part of the
# collection (see build_ignore in galaxy.yml) and are left out of the copy.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
venv=$root/.venv
sanity_root=$root/.build/sanity/ansible_collections
tree=$sanity_root/servicemesh/federation
site=$("$venv/bin/python" -c 'import ansible_collections, os; print(os.path.dirname(ansible_collections.__path__[0] + "/x"))')

rm -rf "$tree"
mkdir -p "$tree"
git ls-files -co --exclude-standard -z \
  | grep -zvE '^(tests/lab/|tests/tooling/|bench/|\.ci/)' \
  | xargs -0 -I{} cp --parents {} "$tree/" 2>/dev/null || true
# Dependencies beside the copy (kubernetes.core and the collections our tests import).
for ns in kubernetes ansible community awx; do
  ln -sfn "$site/$ns" "$sanity_root/$ns"
done

# ansible-test bootstraps pip in its virtual environments from a script it downloads; this machine
# reaches only package indexes, so put a stand-in there that bootstraps pip with ensurepip.
cache=${HOME}/.ansible/test/cache
mkdir -p "$cache"
for version in 24_2 25_0 25_1 25_2 25_3; do
  cp "$root/tests/tooling/get_pip.py" "$cache/get_pip_${version}.py"
done

# ansible-test lists the files git knows; the copy sits in an ignored folder of this repo, so it
# gets a repository of its own.
cd "$tree"
git init --quiet
git add --all
"$venv/bin/ansible-test" sanity --venv --python 3.11 --color no "$@"
