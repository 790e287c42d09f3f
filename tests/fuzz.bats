# The libFuzzer harnesses (tests/fuzz/fuzz_*.c, built by `make fuzz-build`
# into build/fuzz, which make check does first) each run a few seconds from
# their seed corpus, so that a change that crashes one is caught here; the
# long runs are `make fuzz FUZZ_SECONDS=N` (issue 14).  FUZZ_SECONDS sets
# the time per harness (default 2).
load helpers

FB="$RT_ROOT/build/fuzz"

@test "fuzz: the library compiles warning-free under clang" {
	local f bad=0
	for f in "$RT_ROOT"/lib/*.c; do
		run clang -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
			-Wmissing-prototypes -Wvla -Wformat=2 -D_DEFAULT_SOURCE \
			-iquote "$RT_ROOT/lib" -fsyntax-only "$f"
		[ -z "$output" ] || { echo "$output"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

@test "fuzz: every harness is built, warning-free, and has a seed corpus" {
	local f n missing=0
	for f in "$RT_ROOT"/tests/fuzz/fuzz_*.c; do
		n=$(basename "$f" .c)
		[ -x "$FB/$n" ] || { echo "$n: not built (make fuzz-build)"; missing=1; }
		[ -n "$(ls -A "$RT_ROOT/tests/fuzz/corpus/${n#fuzz_}" 2>/dev/null)" ] ||
			{ echo "$n: no seed corpus tests/fuzz/corpus/${n#fuzz_}/"; missing=1; }
		# A harness compiles without a warning (the library's objects are
		# checked by the build itself).
		run clang -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
			-Wmissing-prototypes -Wvla -Wformat=2 -D_DEFAULT_SOURCE \
			-iquote "$RT_ROOT/lib" -fsanitize=fuzzer-no-link -fsyntax-only "$f"
		[ -z "$output" ] || { echo "$n: $output"; missing=1; }
	done
	[ "$missing" -eq 0 ]
}

@test "fuzz: every harness runs from its corpus without a crash, a leak or UB" {
	run "$RT_ROOT/tests/fuzz/run.sh" "$FB" "${FUZZ_SECONDS:-2}"
	printf '# %s\n' "${lines[@]}" >&3
	[ "$status" -eq 0 ]
	local n
	n=$(ls "$RT_ROOT"/tests/fuzz/fuzz_*.c | wc -l)
	[ "$(printf '%s\n' "${lines[@]}" | grep -c ' executions ([0-9]*/s), cov [0-9]*, ft [0-9]*, 0 crashes$')" -eq "$n" ]
}

@test "fuzz: the inputs of past findings (corpus/*/regress-*) pass" {
	local f n count=0
	for f in "$RT_ROOT"/tests/fuzz/corpus/*/regress-*; do
		n=fuzz_$(basename "$(dirname "$f")")
		run "$FB/$n" "$f"
		[ "$status" -eq 0 ] || { echo "$n $f:"; echo "$output" | tail -5; return 1; }
		count=$((count + 1))
	done
	echo "# $count findings replayed" >&3
	[ "$count" -ge 3 ]
}

@test "fuzz: run.sh reports a crash, keeps its reproducer and fails" {
	mkdir b
	cat >crash.c <<-'EOF'
	#include <stddef.h>
	#include <stdint.h>
	int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
	int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
	{
		int x = 0x7fffffff;

		if (n >= 2 && d[0] == 'o' && d[1] == 'v')
			x += (int)n;	/* signed overflow: UBSan stops here */
		return x & 0;
	}
	EOF
	clang -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		crash.c -o b/fuzz_selftest
	run "$RT_ROOT/tests/fuzz/run.sh" "$T/b" 30 fuzz_selftest
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "fuzz_selftest: "*" executions ("*"/s), cov "*", CRASH (status 1): $T/b/findings/fuzz_selftest/crash-"* ]]
	[[ "${lines[1]}" == *"runtime error: signed integer overflow"* ]]
	local repro
	repro=$(ls b/findings/fuzz_selftest/crash-*)
	[ "$(head -c 2 "$repro")" = ov ]
}
