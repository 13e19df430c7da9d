#!/usr/bin/env bash
# clang-format over the project's C++ files (.clang-format at the top).
#
#   bash scripts/format.sh           # reformat in place
#   bash scripts/format.sh --check   # only report (what scripts/test.sh runs)
#
# Files: every *.cpp / *.hpp under libbgp/ examples/ tests/ reflector/ that git tracks or
# that is untracked but not ignored (plain find outside a git work tree).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=(-i)
case ${1:-} in
    --check) mode=(--dry-run -Werror) ;;
    "") ;;
    *) echo "format.sh: unknown argument: $1" >&2; exit 2 ;;
esac

files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -d '' files < <(git ls-files -z --cached --others --exclude-standard \
        -- libbgp examples tests reflector | grep -zE '\.(cpp|hpp)$' || true)
else
    mapfile -d '' files < <(find libbgp examples tests reflector \
        \( -name '*.cpp' -o -name '*.hpp' \) -print0 2>/dev/null || true)
fi
existing=()
for f in "${files[@]}"; do [[ -f $f ]] && existing+=("$f"); done
if [[ ${#existing[@]} -eq 0 ]]; then
    echo "format: no C++ files"
    exit 0
fi

version=$(clang-format --version | sed -E 's/.*version ([0-9.]+).*/\1/')
echo "format: clang-format $version ${mode[*]} on ${#existing[@]} files"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! printf '%s\0' "${existing[@]}" | xargs -0 -n 50 clang-format "${mode[@]}" 2>"$log"; then
    head -n 40 "$log"
    [[ $(wc -l <"$log") -gt 40 ]] && echo "... ($(wc -l <"$log") lines of diagnostics in all)"
    echo
    echo "format: these files need formatting (run: bash scripts/format.sh):"
    grep -oE '^[^:]+\.(cpp|hpp)' "$log" | sort -u | sed 's/^/  /'
    exit 1
fi
cat "$log" >&2
echo "format: ok"
