# shellcheck shell=bash
# tests/e2e: shared helpers (sourced by run.sh): namespace access, PASS/FAIL accounting,
# bounded waits, and the processes this run started (killed by PID on exit, also when the
# run is interrupted or timed out; a PID file lets the next run end what a SIGKILLed run
# left behind, after checking the PID still names the same process).

E2E_PREFIX=${E2E_PREFIX:-lbe-}
E2E_RUNDIR=${E2E_RUNDIR:-/run/${E2E_PREFIX}e2e}
E2E_PIDFILE=$E2E_RUNDIR/pids

PASS=0
FAIL=0
FAILED_CHECKS=()

nx() { # nx NAME CMD...: run CMD in namespace $E2E_PREFIX$NAME
    local n=$1
    shift
    ip netns exec "$E2E_PREFIX$n" "$@"
}

log() { printf '%s\n' "$*"; }
section() { printf '\n=== %s\n' "$*"; }

pass() {
    PASS=$((PASS + 1))
    printf '  PASS  %s\n' "$*"
}

fail() {
    FAIL=$((FAIL + 1))
    FAILED_CHECKS+=("$*")
    printf '  FAIL  %s\n' "$*"
}

# check COND_RC DESCRIPTION: pass when COND_RC is 0.
check() {
    if [[ $1 -eq 0 ]]; then pass "$2"; else fail "$2"; fi
}

now() { printf '%s' "$EPOCHREALTIME"; }
since() { awk -v a="$EPOCHREALTIME" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }

# wait_until SECONDS CMD...: polls CMD every 0.2 s until it succeeds; at most SECONDS
# (bounded in count and in time). Returns CMD's last status.
wait_until() {
    local limit=$1
    shift
    local tries=$((limit * 5)) i start=$SECONDS
    for ((i = 0; i < tries; i++)); do
        "$@" && return 0
        ((SECONDS - start > limit)) && break
        sleep 0.2
    done
    "$@"
}

# remaining DEADLINE: seconds left until DEADLINE (a $SECONDS value), at least 1, so that
# several waits share one bound (a mode whose tables never converge costs the limit once,
# not once per host).
remaining() {
    local left=$(($1 - SECONDS))
    ((left < 1)) && left=1
    echo "$left"
}

# ---- processes this run started --------------------------------------------------------
declare -A E2E_PIDS=() # pid -> what

proc_start_time() { awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null; }

track_pid() { # track_pid PID WHAT
    E2E_PIDS[$1]=$2
    mkdir -p "$E2E_RUNDIR"
    printf '%s %s %s\n' "$1" "$(proc_start_time "$1")" "$2" >>"$E2E_PIDFILE"
}

untrack_pid() { unset "E2E_PIDS[$1]"; }

# stop_pid PID [SIGNAL]: signal one of our processes, wait for it (bounded), then KILL.
stop_pid() {
    local pid=$1 sig=${2:-TERM} i
    [[ -n ${E2E_PIDS[$pid]:-} ]] || return 0
    kill -"$sig" "$pid" 2>/dev/null
    for ((i = 0; i < 25; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    untrack_pid "$pid"
}

stop_all_pids() {
    local pid
    for pid in "${!E2E_PIDS[@]}"; do stop_pid "$pid" TERM; done
    rm -f "$E2E_PIDFILE"
}

# A previous run killed with SIGKILL cannot clean up: end the processes it recorded (only
# those whose start time still matches, so a reused PID is never touched).
reap_previous_run() {
    [[ -f $E2E_PIDFILE ]] || return 0
    local pid start what
    while read -r pid start what; do
        [[ -n $pid && -n $start ]] || continue
        if [[ $(proc_start_time "$pid") == "$start" ]]; then
            log "e2e: ending $what (pid $pid) left by an earlier run"
            kill -KILL "$pid" 2>/dev/null
        fi
    done <"$E2E_PIDFILE"
    rm -f "$E2E_PIDFILE"
}

# ---- namespaces ------------------------------------------------------------------------
our_namespaces() { ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^${E2E_PREFIX}" || true; }

delete_namespaces() {
    local n pids
    for n in $(our_namespaces); do
        pids=$(ip netns pids "$n" 2>/dev/null | tr '\n' ' ')
        [[ -n $pids ]] && log "e2e: warning: processes still in $n: $pids"
        ip netns del "$n" 2>/dev/null
    done
}
