#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl-bundle.sh: build once (cached in .cache/ynl-py/) and print the path of
# what the VM needs to run YNL's cli.py (tools/net/ynl of linux-source-6.12)
# with the host's /usr/bin/python3.11, which the VM gets with --with:
#
#   lib/python3.11/   the standard library modules cli.py imports,
#                     transitively, and nothing else; PyYAML (pure Python,
#                     without its C extension); compiled, unchecked-hash
#   ynl/              cli.py and its lib/
#
# In the VM: PYTHONHOME=/with/ynl-py /with/python3.11 -s
# /with/ynl-py/ynl/cli.py ...  (with the site module: cli.py calls exit(),
# which site defines)  The module list is what a run of cli.py on
# this host actually imports (up to asking the kernel for the family,
# which is not loaded here; every later step imports nothing new), plus
# the codecs a C.UTF-8 locale starts with and what a traceback needs.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}
PY=/usr/bin/python3.11
YAML=/usr/lib/python3/dist-packages/yaml
dest=$cache/ynl-py

src=$("$top/scripts/linux-source.sh" 6.12)
ynl=$src/tools/net/ynl
[ -f "$ynl/cli.py" ] || { echo "ynl-bundle: $ynl/cli.py missing" >&2; exit 1; }
[ -d "$YAML" ] || { echo "ynl-bundle: $YAML missing (python3-yaml)" >&2; exit 1; }

stamp=$( { "$PY" -VV; cat "$0" "$ynl/cli.py" "$ynl"/lib/*.py;
	   cat "$YAML"/*.py; } | sha256sum | cut -c1-16)
if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$stamp" ]; then
	echo "$dest"
	exit 0
fi
echo "ynl-bundle: building $dest" >&2

tmp=$(mktemp -d "$cache/ynl-py.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
stdlib=$("$PY" -S -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
mkdir -p "$tmp/lib/python3.11/lib-dynload" "$tmp/ynl/lib"
cp "$ynl/cli.py" "$tmp/ynl/"
cp "$ynl"/lib/*.py "$tmp/ynl/lib/"

# Every module a real run of cli.py imports, by file.
cat >"$tmp/trace.py" <<'EOF'
import atexit
import sys

def dump():
    with open(sys.argv[0] + '.mods', 'w') as f:
        for m in list(sys.modules.values()):
            p = getattr(m, '__file__', None)
            if p:
                f.write(p + '\n')

atexit.register(dump)
cli = sys.argv[1]
sys.argv = [sys.argv[0]] + sys.argv[2:]
sys.path.insert(0, sys.argv[0].rsplit('/', 1)[0] + '/ynl')
sys.path.append('/usr/lib/python3/dist-packages')
exec(compile(open(cli).read(), cli, 'exec'),
     {'__name__': '__main__', '__file__': cli})
EOF
LC_ALL=C.UTF-8 "$PY" -s "$tmp/trace.py" "$tmp/ynl/cli.py" \
	--spec "$top/uapi/keyrot.yaml" --no-schema --do netns-get \
	--output-json >/dev/null 2>&1 || true
[ -s "$tmp/trace.py.mods" ] || { echo "ynl-bundle: tracing cli.py failed" >&2; exit 1; }
extra="encodings/__init__.py encodings/aliases.py encodings/utf_8.py
	encodings/ascii.py encodings/latin_1.py traceback.py linecache.py
	tokenize.py token.py"
{ sort -u "$tmp/trace.py.mods"; for f in $extra; do echo "$stdlib/$f"; done; } |
while IFS= read -r f; do
	case $f in
	*/sitecustomize.py|*/usercustomize.py|*-packages/*) ;;
	"$stdlib"/*)
		rel=${f#"$stdlib"/}
		mkdir -p "$tmp/lib/python3.11/$(dirname "$rel")"
		cp "$f" "$tmp/lib/python3.11/$rel" ;;
	esac
done
mkdir -p "$tmp/lib/python3.11/yaml"
cp "$YAML"/*.py "$tmp/lib/python3.11/yaml/"
rm -f "$tmp/trace.py" "$tmp/trace.py.mods"

"$PY" -S -m compileall -q --invalidation-mode unchecked-hash \
	-s "$tmp" -p /with/ynl-py "$tmp/lib" "$tmp/ynl" >/dev/null

# The bundle alone (nothing of the host's standard library) gets as far as
# the host's run did: asking the kernel for the family.
out=$(env -i PYTHONHOME="$tmp" LC_ALL=C.UTF-8 "$PY" -s "$tmp/ynl/cli.py" \
	--spec "$top/uapi/keyrot.yaml" --no-schema --do netns-get 2>&1 || true)
if ! grep -q "Family 'keyrot' not supported by the kernel" <<<"$out"; then
	echo "ynl-bundle: the bundle does not run cli.py on this host:" >&2
	echo "$out" | tail -5 >&2
	exit 1
fi

echo "$stamp" >"$tmp/.stamp"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "ynl-bundle: $(du -sh "$dest" | cut -f1) in $dest" >&2
echo "$dest"
