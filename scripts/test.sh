#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run):
#
#   bash scripts/test.sh             # everything
#   bash scripts/test.sh --quick     # no sanitizer build, no fuzzing
#   options: --no-setup --no-asan --no-install --no-format --no-fuzz --no-interop
#
# Steps: dependencies (scripts/setup.sh); tests/corpus checksums; build/ (RelWithDebInfo)
# + ctest; interop suite against BIRD, FRR, GoBGP, ExaBGP (tests/interop/run.sh, as root,
# bounded by BGP_INTEROP_TIMEOUT, default 300 s) and the route-reflector scenario
# (tests/interop/reflector.py with build/bin/bgp-reflector, and again restarted with graceful
# restart; skipped while it is not built;
# BGP_RR_INTEROP_TIMEOUT, default 120 s); build-asan/ (ASan + UBSan) + ctest + the
# interop suite again with its bgp-announce; install test (tests/install/run.sh);
# clang-format check; and, when fuzz targets exist, build-fuzz/ (clang, libFuzzer) with
# every target run for a bounded time over a copy of its seed corpus. Every step runs even
# if an earlier one failed (unless it depends on it); a summary closes the run; exit
# status 1 on any failure.
#
# Environment: BGP_JOBS (default 2), BGP_FUZZ_SECONDS (per target, default 20).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD
export BGP_JOBS=${BGP_JOBS:-2}
FUZZ_SECONDS=${BGP_FUZZ_SECONDS:-20}

do_setup=1 do_asan=1 do_install=1 do_format=1 do_fuzz=1 do_interop=1
for arg in "$@"; do
    case $arg in
        --quick) do_asan=0 do_fuzz=0 ;;
        --no-setup) do_setup=0 ;;
        --no-asan) do_asan=0 ;;
        --no-install) do_install=0 ;;
        --no-format) do_format=0 ;;
        --no-fuzz) do_fuzz=0 ;;
        --no-interop) do_interop=0 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \?//'; exit 0 ;;
        *) echo "test.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/libbgp-test.XXXXXX")
trap 'rm -rf "$LOGDIR"' EXIT

summary=()       # one line per step
failed_steps=0
tests_passed=0   # ctest tests plus one per other check, for the closing line
tests_failed=0
declare -A status

banner() { printf '\n\033[1m##### %s\033[0m\n' "$*"; }

# run_step NAME COMMAND... : runs, times and records one step.
run_step() {
    local name=$1; shift
    banner "$name"
    local start=$SECONDS rc
    "$@"
    rc=$?
    local secs=$((SECONDS - start))
    if [[ $rc -eq 0 ]]; then
        status[$name]=ok
        summary+=("$(printf '  %-28s %-8s %5ss' "$name" PASS "$secs")")
    else
        status[$name]=fail
        failed_steps=$((failed_steps + 1))
        summary+=("$(printf '  %-28s %-8s %5ss  (exit %s)' "$name" FAIL "$secs" "$rc")")
    fi
    return "$rc"
}

skip_step() {
    status[$1]=skip
    summary+=("$(printf '  %-28s %-8s         %s' "$1" SKIP "$2")")
}

# count_check RC: a non-ctest check counts as one test in the closing line.
count_check() {
    if [[ $1 -eq 0 ]]; then tests_passed=$((tests_passed + 1)); else tests_failed=$((tests_failed + 1)); fi
}

# ctest_in DIR [VAR=VALUE...]: runs ctest there and adds its counts to the totals.
ctest_in() {
    local dir=$1; shift
    local log=$LOGDIR/ctest-${dir//\//_}.log rc
    env "$@" ctest --test-dir "$dir" --output-on-failure -j "$BGP_JOBS" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    local line total failed
    line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
    if [[ -n $line ]]; then
        failed=$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$line")
        total=$(sed -E 's/.*failed out of ([0-9]+).*/\1/' <<<"$line")
        tests_passed=$((tests_passed + total - failed))
        tests_failed=$((tests_failed + failed))
    elif grep -q 'No tests were found' "$log"; then
        echo "(no tests registered in $dir)"
    elif [[ $rc -ne 0 ]]; then
        tests_failed=$((tests_failed + 1))
    fi
    return "$rc"
}

# interop_run DIR [VAR=VALUE...]: tests/interop/run.sh with DIR/bin/bgp-announce; its
# closing "interop: N passed, M failed" line adds to the totals (each peer x check is one
# test). Exit 77 = skipped (not root).
interop_run() {
    local dir=$1; shift
    local log=$LOGDIR/interop-${dir//\//_}.log rc line
    env "$@" bash tests/interop/run.sh "$dir" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    if [[ $rc -eq 77 ]]; then
        return 0
    fi
    line=$(grep -E '^interop: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [[ -n $line ]]; then
        tests_passed=$((tests_passed + $(sed -E 's/^interop: ([0-9]+) passed.*/\1/' <<<"$line")))
        tests_failed=$((tests_failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
    elif [[ $rc -ne 0 ]]; then
        tests_failed=$((tests_failed + 1))
    fi
    if [[ $rc -eq 0 && -z $line ]]; then
        echo "interop: no result line: counted as a failure"
        tests_failed=$((tests_failed + 1))
        return 1
    fi
    return "$rc"
}

# rr_interop_run DIR [VAR=VALUE...]: tests/interop/reflector.py with DIR/bin/bgp-reflector as
# the route reflector between BIRD, FRR, GoBGP and ExaBGP (bounded by BGP_RR_INTEROP_TIMEOUT,
# default 120 s; the namespace is deleted even when the scenario was killed); its closing
# "rr-interop: N passed, M failed" line adds to the totals. RR_ARGS: more arguments of
# reflector.py; RR_TAG names the log and work directory; RR_TIMEOUT overrides the bound.
rr_interop_run() {
    local dir=$1; shift
    local tag=${dir//\//_}${RR_TAG:+-$RR_TAG} limit=${RR_TIMEOUT:-${BGP_RR_INTEROP_TIMEOUT:-120}}
    local log=$LOGDIR/rr-interop-$tag.log ns=bgprr$$ rc line pid
    # shellcheck disable=SC2086 # RR_ARGS is a list of words
    env "$@" timeout -k 10 "$limit" python3 tests/interop/reflector.py \
        --reflector "$dir/bin/bgp-reflector" --netns "$ns" ${RR_ARGS:-} \
        --workdir "$LOGDIR/rr-interop-$tag" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    if ip netns list 2>/dev/null | grep -qw "$ns"; then
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -CONT "$pid" 2>/dev/null
            kill -KILL "$pid" 2>/dev/null
        done
        ip netns del "$ns" 2>/dev/null
    fi
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
        echo "rr-interop: FAIL: not finished within $limit s"
    fi
    line=$(grep -E '^rr-interop: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [[ -n $line ]]; then
        tests_passed=$((tests_passed + $(sed -E 's/^rr-interop: ([0-9]+) passed.*/\1/' <<<"$line")))
        tests_failed=$((tests_failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
    else
        tests_failed=$((tests_failed + 1))
        [[ $rc -eq 0 ]] && { echo "rr-interop: no result line: counted as a failure"; return 1; }
    fi
    return "$rc"
}

# rr_interop_step NAME DIR [VAR=VALUE...]: the step, or SKIP while DIR/bin/bgp-reflector
# does not exist (the daemon is not built yet).
rr_interop_step() {
    local name=$1 dir=$2; shift 2
    if [[ -x $dir/bin/bgp-reflector ]]; then
        run_step "$name" rr_interop_run "$dir" "$@"
    else
        echo "$name: SKIP: $dir/bin/bgp-reflector does not exist (not built yet)"
        skip_step "$name" "$dir/bin/bgp-reflector does not exist"
    fi
}

format_check() {
    bash scripts/format.sh --check
}

# fuzz_run: every build-fuzz/bin/X_fuzz for FUZZ_SECONDS over a throw-away copy of
# tests/fuzz/corpus/X/ plus the read-only tests/vectors/regress/X/.
fuzz_run() {
    local src stem name rc=0 work artifacts bin
    for src in tests/fuzz/*_fuzz.cpp; do
        stem=$(basename "$src" .cpp)
        name=${stem%_fuzz}
        bin=build-fuzz/bin/$stem
        if [[ ! -x $bin ]]; then
            echo "fuzz: $bin missing"; rc=1; count_check 1; continue
        fi
        work=$(mktemp -d "$LOGDIR/fuzz-$name.XXXXXX")
        artifacts=$ROOT/build-fuzz/artifacts/$name
        rm -rf "$artifacts"
        mkdir -p "$work/corpus" "$artifacts"
        local seeds=() d
        for d in "tests/fuzz/corpus/$name" "tests/fuzz/corpus/$stem"; do
            [[ -d $d ]] && cp -R "$d/." "$work/corpus/"
        done
        for d in "tests/vectors/regress/$name" "tests/vectors/regress/$stem"; do
            [[ -d $d ]] && seeds+=("$ROOT/$d")
        done
        echo "fuzz: $stem for ${FUZZ_SECONDS}s ($(find "$work/corpus" -type f | wc -l) corpus files," \
            "${#seeds[@]} regress dirs)"
        timeout --signal=KILL $((FUZZ_SECONDS * 3 + 120)) \
            "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=25 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$artifacts/" \
            "$work/corpus" "${seeds[@]}" >"$work/log" 2>&1
        local frc=$?
        if [[ $frc -eq 0 ]]; then
            grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done [0-9]+ runs)' \
                "$work/log" | sed 's/^/  /'
            count_check 0
        else
            rc=1
            count_check 1
            echo "fuzz: $stem FAILED (exit $frc); last lines of its log:"
            tail -n 60 "$work/log" | sed 's/^/  | /'
            local a
            for a in "$artifacts"/*; do
                [[ -f $a ]] || continue
                echo "fuzz: crashing input kept at $a ($(stat -c %s "$a") bytes):"
                xxd -l 1024 "$a" | sed 's/^/  /'
                echo "  to keep it as a regression input:" \
                    "mkdir -p tests/vectors/regress/$name && cp '$a' tests/vectors/regress/$name/"
            done
        fi
        rm -rf "$work"
    done
    return "$rc"
}

total_start=$SECONDS

# 1. Dependencies
if [[ $do_setup == 1 ]]; then
    if ! run_step setup bash scripts/setup.sh; then
        echo "test.sh: setup failed, nothing else can run" >&2
        exit 1
    fi
else
    skip_step setup "--no-setup"
fi

# 2. Test corpus integrity (tests/corpus is third-party data checked in byte for byte)
if [[ -f tests/corpus/SHA256SUMS ]]; then
    run_step "corpus checksums" bash -c 'cd tests/corpus && sha256sum --quiet --strict -c SHA256SUMS'
    count_check $?
fi

# 3. Default build + tests
run_step "build (RelWithDebInfo)" bash scripts/build.sh
if [[ ${status["build (RelWithDebInfo)"]} == ok ]]; then
    run_step "ctest build/" ctest_in build
else
    count_check 1
    skip_step "ctest build/" "build failed"
fi

# 3b. Interop against real BGP daemons (needs build/, and root for its network namespace)
if [[ $do_interop == 1 && $(id -u) -ne 0 ]]; then
    do_interop=0
    skip_step "interop" "needs root (network namespace, TCP MD5)"
elif [[ $do_interop == 1 && ${status["build (RelWithDebInfo)"]} == ok ]]; then
    run_step "interop" interop_run build
elif [[ $do_interop == 1 ]]; then
    count_check 1
    skip_step "interop" "build failed"
else
    skip_step "interop" "disabled"
fi
# 3c. Route-reflector interop: bgp-reflector between BIRD, FRR, GoBGP and ExaBGP clients
if [[ $do_interop == 1 && ${status["build (RelWithDebInfo)"]} == ok ]]; then
    rr_interop_step "interop reflector" build
    # A restart with graceful restart keeps the clients forwarding (SIGUSR2, --graceful-restart).
    RR_ARGS="--graceful-restart --clients bird,frr,gobgp" RR_TAG=gr RR_TIMEOUT=300 \
        rr_interop_step "interop reflector restart" build
else
    skip_step "interop reflector" "$([[ $do_interop == 1 ]] && echo "build failed" ||
        echo "disabled or not root")"
fi

# 3d. Scale: bgp-reflector with 500 dynamic neighbours from 127.100.0.0/16 (bgp-swarm, loopback,
# no root needed): every session Established with every route, then SIGTERM -> Cease, exit 0.
# Also a ctest (label scale); here as its own step, with its figures in the log.
if [[ ${status["build (RelWithDebInfo)"]} == ok && -x build/bin/bgp-reflector && -x build/bin/bgp-swarm ]]; then
    run_step "scale (500 dynamic neighbours)" bash tests/scale/dynamic_500.sh \
        build/bin/bgp-reflector build/bin/bgp-swarm 500
    count_check $?
else
    skip_step "scale (500 dynamic neighbours)" "build/bin/bgp-reflector or bgp-swarm not built"
fi

# 3e. End to end (tests/e2e/run.sh, root): the seed's walker-1, walker-2, demi-1 and router in
# lbe- network namespaces with bgp-node-agent in each host, for every pool mode the route
# tables of DESIGN.md and the pod ping matrix (VXLAN here, IP-in-IP in a QEMU guest), a
# kill -9 restart under traffic, then ECMP, natOutgoing and an IPv6 pool. Bounded by
# BGP_E2E_TIMEOUT (default 600 s). See docs/e2e.md.
# 3f. The same host part with demi-1 as route reflector instead of the mesh (run.sh
# --cluster rr, ~50 s; prefix lbr-): the reflector sessions (MD5), reflected routes
# (ORIGINATOR_ID, CLUSTER_LIST, next hop unchanged), a kill -9 of the reflector's agent
# under traffic. Host only: the guest already proves IP-in-IP with the mesh. Bounded by
# BGP_E2E_RR_TIMEOUT (default 240 s).
#
# e2e_run TAG PREFIX LIMIT RUN_ARGS...: run.sh in namespaces PREFIX*, its log in
# $LOGDIR/TAG.log; its closing "e2e: N passed, M failed" line adds to the totals.
e2e_run() {
    local tag=$1 prefix=$2 limit=$3 log=$LOGDIR/$1.log rc line
    shift 3
    E2E_PREFIX=$prefix timeout -k 30 "$limit" bash tests/e2e/run.sh "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    [[ $rc -eq 124 || $rc -eq 137 ]] && echo "$tag: FAIL: not finished within $limit s"
    line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [[ -n $line ]]; then
        tests_passed=$((tests_passed + $(sed -E 's/^e2e: ([0-9]+) passed.*/\1/' <<<"$line")))
        tests_failed=$((tests_failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
    else
        tests_failed=$((tests_failed + 1))
        [[ $rc -eq 0 ]] && { echo "$tag: no result line: counted as a failure"; return 1; }
    fi
    return "$rc"
}
for e2e_step in "e2e (seed, 3 nodes + VM)" "e2e route reflector (host)"; do
    if [[ $(id -u) -ne 0 ]]; then
        skip_step "$e2e_step" "needs root (network namespaces)"
    elif [[ ${status["build (RelWithDebInfo)"]} != ok || ! -x build/bin/bgp-node-agent ]]; then
        echo "e2e: SKIP: build/bin/bgp-node-agent is not built"
        skip_step "$e2e_step" "build/bin/bgp-node-agent is not built"
    elif [[ $e2e_step == "e2e (seed"* ]]; then
        run_step "$e2e_step" e2e_run e2e lbe- "${BGP_E2E_TIMEOUT:-600}" --vm \
            --agent build/bin/bgp-node-agent
    else
        run_step "$e2e_step" e2e_run e2e-rr lbr- "${BGP_E2E_RR_TIMEOUT:-240}" --no-vm \
            --cluster rr --agent build/bin/bgp-node-agent
    fi
done

# 4. Sanitizer build + tests
if [[ $do_asan == 1 ]]; then
    run_step "build-asan (ASan+UBSan)" bash scripts/build.sh --asan
    if [[ ${status["build-asan (ASan+UBSan)"]} == ok ]]; then
        run_step "ctest build-asan/" ctest_in build-asan \
            ASAN_OPTIONS=detect_leaks=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        # bgp-announce (ASan+UBSan) against the real peers: a sanitizer report on its
        # stderr or a non-zero exit fails a check.
        if [[ $do_interop == 1 ]]; then
            run_step "interop build-asan/" interop_run build-asan \
                ASAN_OPTIONS=detect_leaks=1 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
            rr_interop_step "interop reflector build-asan/" build-asan \
                ASAN_OPTIONS=detect_leaks=1 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        else
            skip_step "interop build-asan/" "disabled or not root"
            skip_step "interop reflector build-asan/" "disabled or not root"
        fi
    else
        count_check 1
        skip_step "ctest build-asan/" "build failed"
        skip_step "interop build-asan/" "build failed"
        skip_step "interop reflector build-asan/" "build failed"
    fi
else
    skip_step "build-asan (ASan+UBSan)" "disabled"
    skip_step "ctest build-asan/" "disabled"
    skip_step "interop build-asan/" "disabled"
    skip_step "interop reflector build-asan/" "disabled"
fi

# 5. Install test
if [[ $do_install == 1 && ${status["build (RelWithDebInfo)"]} == ok ]]; then
    run_step "install test" bash tests/install/run.sh build
    count_check $?
else
    skip_step "install test" "$([[ $do_install == 1 ]] && echo "build failed" || echo disabled)"
fi

# 6. Format
if [[ $do_format == 1 ]]; then
    run_step "clang-format" format_check
    count_check $?
else
    skip_step "clang-format" "disabled"
fi

# 7. Fuzzing
shopt -s nullglob
fuzz_sources=(tests/fuzz/*_fuzz.cpp)
shopt -u nullglob
if [[ $do_fuzz == 1 && ${#fuzz_sources[@]} -gt 0 ]]; then
    run_step "build-fuzz (libFuzzer)" bash scripts/build.sh --fuzz
    if [[ ${status["build-fuzz (libFuzzer)"]} == ok ]]; then
        run_step "fuzz ${#fuzz_sources[@]} targets x ${FUZZ_SECONDS}s" fuzz_run
    else
        count_check 1
        skip_step "fuzz" "build failed"
    fi
elif [[ $do_fuzz == 1 ]]; then
    skip_step "fuzz" "no tests/fuzz/*_fuzz.cpp"
else
    skip_step "fuzz" "disabled"
fi

banner "summary ($((SECONDS - total_start))s)"
printf '%s\n' "${summary[@]}"
echo
if [[ $failed_steps -eq 0 ]]; then
    echo "test.sh: all steps passed"
else
    echo "test.sh: $failed_steps step(s) FAILED"
fi
echo "$tests_passed passed, $tests_failed failed"
[[ $failed_steps -eq 0 ]]
