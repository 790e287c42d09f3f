#!/bin/sh
# List the C functions over a length (default 80 lines), longest first:
# "LINES FILE:LINE NAME".  A function runs from the line holding its name
# (at the start of the line, as the house style writes definitions) to
# its closing brace in column 0.  Exit status 1 when any is listed.
# Usage: scripts/long-functions.sh [-n MAX] [FILE...]  (default lib/ tools/)
max=80
if [ "${1:-}" = "-n" ]; then
	max=$2
	shift 2
fi
[ $# -eq 0 ] && set -- lib/*.c tools/*.c
awk -v max="$max" '
FNR == 1 { name = ""; start = 0 }
/^[A-Za-z_][A-Za-z_0-9]*\(/ { name = $0; sub(/\(.*/, "", name); start = FNR }
/^}/ && start {
	n = FNR - start + 1
	if (n > max)
		printf "%d %s:%d %s\n", n, FILENAME, start, name
	start = 0
}' "$@" | sort -rn | awk '{ print } END { exit NR > 0 }'
