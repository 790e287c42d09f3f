#!/usr/bin/env bash
# Extract the runnable examples of a man page.
# Usage: tests/man-examples.sh PAGE
# In EXAMPLES, a ".Bd -literal" block whose lines start with "$ " is an
# example: each "$ " line is a command (a trailing "\" continues it), the
# lines after it, up to the next "$ " line or ".Ed", its expected output.
# Prints one record per example: the command, a line "---", the expected
# output, a line "===".  Roff escapes (\e \- \(aq \&) are undone.
set -eu
awk '
function unroff(s) {
	gsub(/\\e/, "\001", s); gsub(/\\-/, "-", s); gsub(/\\\(aq/, "\047", s)
	gsub(/\\\(dq/, "\"", s); gsub(/\\&/, "", s); gsub(/\001/, "\\", s)
	return s
}
function flush() {
	if (cmd != "") printf "%s\n---\n%s===\n", cmd, out
	cmd = ""; out = ""
}
/^\.Sh / { inex = ($2 == "EXAMPLES"); next }
inex && /^\.Bd -literal/ { inbd = 1; cmd = ""; out = ""; cont = 0; next }
inbd && /^\.Ed/ { flush(); inbd = 0; next }
inbd {
	line = unroff($0)
	if (cont) { cmd = cmd "\n" line; cont = (line ~ /\\$/); next }
	if (line ~ /^\$ /) { flush(); cmd = substr(line, 3); cont = (line ~ /\\$/); next }
	if (cmd != "") out = out line "\n"
}
' "$1"
