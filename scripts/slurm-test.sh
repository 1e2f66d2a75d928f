#!/usr/bin/env bash
# make slurm-test: `biaslab sweep --slurm` against a real scheduler. Starts a one-node Slurm cluster on
# this machine (munged, slurmctld, slurmd as root, every file in a temporary folder, free ports, plugins
# that need no cgroups), then:
#   1. a 4-task array over examples/sweeps/tiny-betas.yaml (--slurm --submit), waited for, merged: its
#      `sweep summary` equals the local sweep's and every stored metric row is bit-identical; task 0
#      resubmitted (`sbatch --array=0`) finds its points finished and runs nothing;
#   2. a 3-task array of slower points with --requeue: task 0 is requeued mid-point by `scontrol requeue`
#      (SIGTERM), task 1 gets the time-limit warning (SIGUSR1 to the batch shell) and requeues itself, task 2
#      is cancelled (scancel) and resubmitted (`sbatch --array=2`); all resume from their checkpoints and
#      their series equal an uninterrupted local run bit for bit.
# The daemons are stopped by pid whatever happens. A daemon that does not start fails the test with its
# log. Environment: BIASLAB (default .build/debug/biaslab), KEEP=1 keeps the temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIASLAB=${BIASLAB:-$ROOT/.build/debug/biaslab}
START=$(date +%s)

say() { echo "slurm-test: $*"; }
for tool in munged mungekey slurmctld slurmd sbatch scontrol squeue scancel sinfo python3; do
  command -v "$tool" >/dev/null || { say "FAIL: $tool not found (make slurm-test installs slurm-wlm and munge)"; exit 1; }
done
[ -x "$BIASLAB" ] || { say "FAIL: $BIASLAB is not built (swift build first, or set BIASLAB)"; exit 1; }

T=$(mktemp -d /tmp/biaslab-slurm.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/log"
chmod 711 "$T/munge"
PIDS=()

show_logs() {
  for f in "$T"/log/*; do [ -f "$f" ] && { echo "---- $f (last 40 lines)"; tail -n 40 "$f"; }; done
  for f in "$T"/*/logs/*.log; do [ -f "$f" ] && { echo "---- $f"; tail -n 20 "$f"; }; done
  return 0
}
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi
  exit $status
}
trap cleanup EXIT
fail() { say "FAIL: $*"; show_logs; exit 1; }

# Two free TCP ports on localhost for slurmctld and slurmd.
read -r CTLD_PORT SLURMD_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
HOST=$(hostname -s)
NODE=$(slurmd -C | head -n 1 | sed "s/^NodeName=[^ ]*/NodeName=$HOST/")
cat > "$T/slurm.conf" <<EOF
ClusterName=biaslabtest
SlurmctldHost=$HOST
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
KillWait=30
MinJobAge=600
$NODE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$T/slurm.conf

mungekey --create --keyfile="$T/munge/munge.key" >/dev/null 2>&1 || fail "mungekey could not create a key"
munged --foreground --force --socket="$T/munge/munge.socket" --key-file="$T/munge/munge.key" \
  --log-file="$T/log/munged.log" --pid-file="$T/munge/munged.pid" --seed-file="$T/munge/munged.seed" \
  >"$T/log/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$T/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$T/munge/munge.socket" ] || fail "munged did not start"
slurmctld -D -i >"$T/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D >"$T/log/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  state=$(sinfo -h -n "$HOST" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a daemon (pid $pid) exited"; done
  sleep 0.2
done
[ "$state" = idle ] || fail "the node is not idle after 20 s (state '$state')"
say "cluster up in $(( $(date +%s) - START )) s: $NODE, ports $CTLD_PORT/$SLURMD_PORT"

# Waits until job $1 has left the queue (at most $2 s). A requeued task waits ~2 min for its begin time;
# the test starts it at once.
wait_job() {
  local job=$1 limit=$2 waited=0
  while [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null)" ]; do
    squeue -h -j "$job" -t PD -o '%i %r' 2>/dev/null | awk '$2 == "BeginTime" {print $1}' | while read -r task; do
      scontrol update JobId="$task" StartTime=now >/dev/null 2>&1 || true
    done
    sleep 0.5; waited=$((waited + 1))
    [ $waited -lt $((limit * 2)) ] || fail "job $job still queued after $limit s: $(squeue -j "$job" 2>&1)"
  done
}
submitted() { sed -n 's/^submitted job \([0-9]*\)$/\1/p' "$1"; }

# Every metric row (run name, step, metric, exact value) of the completed runs of two stores is the same.
same_series() {
  python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
def rows(path):
    c = sqlite3.connect(path)
    return sorted((n, s, m, repr(v)) for n, s, m, v in c.execute(
        "SELECT r.name, m.step, m.name, m.value FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.status = 'completed'"))
a, b = rows(sys.argv[1]), rows(sys.argv[2])
runs = len({r[0] for r in a})
if a != b or not a:
    print(f"series differ: {len(a)} vs {len(b)} rows; first difference: {next((x, y) for x, y in zip(a + [None], b + [None]) if x != y)}")
    sys.exit(1)
print(f"{len(a)} metric rows of {runs} runs bit-identical")
EOF
}

# 1. A 4-task array sweep (in a folder whose name has a space), merged and compared with the local sweep.
SWEEP=$ROOT/examples/sweeps/tiny-betas.yaml
"$BIASLAB" sweep "$SWEEP" --slurm "$T/sweep array" --points-per-task 4 --cpus-per-task 1 --time 10 --submit >"$T/submit.out" \
  || fail "sweep --slurm --submit failed: $(cat "$T/submit.out")"
JOB=$(submitted "$T/submit.out"); [ -n "$JOB" ] || fail "no job id in: $(cat "$T/submit.out")"
say "submitted the 4-task array as job $JOB"
BIASLAB_THREADS=1 "$BIASLAB" sweep "$SWEEP" --store "$T/local.sqlite" >/dev/null 2>"$T/local.log" || fail "local sweep failed"
wait_job "$JOB" 90
"$BIASLAB" sweep status "$SWEEP" --stores "$T/sweep array/stores" >"$T/status.txt"
tail -n 1 "$T/status.txt" | grep -q '^16 done, 0 running, 0 interrupted, 0 failed, 0 not-started$' || fail "status: $(tail -n 1 "$T/status.txt")"
[ "$(ls "$T/sweep array"/stores/task-*.sqlite | wc -l)" = 4 ] || fail "expected 4 task stores"
"$BIASLAB" results merge "$T/sweep array"/stores/task-*.sqlite -o "$T/sweep array/merged.sqlite" >/dev/null
"$BIASLAB" sweep summary "$SWEEP" --store "$T/sweep array/merged.sqlite" >"$T/summary-slurm.txt"
"$BIASLAB" sweep summary "$SWEEP" --store "$T/local.sqlite" >"$T/summary-local.txt"
diff "$T/summary-local.txt" "$T/summary-slurm.txt" || fail "the merged summary differs from the local sweep's"
same_series "$T/local.sqlite" "$T/sweep array/merged.sqlite" || fail "merged series differ from the local sweep's"
"$BIASLAB" report "$SWEEP" --store "$T/sweep array/merged.sqlite" -o "$T/report-slurm.html" >/dev/null
"$BIASLAB" report "$SWEEP" --store "$T/local.sqlite" -o "$T/report-local.html" >/dev/null
# The reports differ only in the store's path and the run ids (a merged store numbers its runs anew).
python3 - "$T/report-local.html" "$T/report-slurm.html" <<'EOF' || fail "the merged report differs from the local sweep's"
import re, sys
def text(path):
    html = open(path, encoding="utf-8").read()
    html = re.sub(r"Store [^;<]*;", "Store;", html)
    html = re.sub(r'<td class="num">\d+</td>\s*</tr>', "</tr>", html)              # the points table's last column
    return re.sub(r'<tr>\s*<td class="num">\d+</td>\s*<td>', "<tr><td>", html)  # the runs table's first column
sys.exit(0 if text(sys.argv[1]) == text(sys.argv[2]) else 1)
EOF
say "array: 16 points done; merged summary equals the local sweep's, and so does the report (but for store path and run ids)"
# Resubmitting a finished task does nothing.
again=$(sbatch --parsable --array=0 "$T/sweep array/job.sbatch" | cut -d';' -f1)
wait_job "$again" 30
grep -q 'shard 1/4: 4, 4 already finished, 0 claimed by other processes, 0 to run' "$T/sweep array/logs/task-0.log" \
  || fail "the resubmitted task 0 did not find its 4 points finished"
say "resubmitted task 0 ran nothing (its points were finished)"

# 2. Stopped mid-point three ways: task 0 by `scontrol requeue` (SIGTERM; Slurm requeues it), task 1 by the
#    time-limit warning (SIGUSR1; it requeues itself), task 2 by scancel (it stays cancelled until resubmitted
#    with `sbatch --array=2`). Each resumes its point from the checkpoint and ends bit-identical.
cat >"$T/slow.yaml" <<'EOF'
name: slurm-requeue
base:
  model: mlp:4-16-2:tanh
  data: gaussian-mixture:n=64,d=4,classes=2,seed=1
  loss: mse
  optimizer: {name: "adam:torch", lr: 0.01}
  training: {steps: 6000, batch_size: 8, sampling: without-replacement, checkpoint_every: 100}
  probes:
    - {name: train, every: 50}
grid:
  seed: [0, 1, 2]
EOF
"$BIASLAB" sweep "$T/slow.yaml" --slurm "$T/requeue" --requeue --signal B:USR1@60 --time 10 --submit >"$T/submit2.out" \
  || fail "sweep --slurm --requeue --submit failed: $(cat "$T/submit2.out")"
JOB2=$(submitted "$T/submit2.out"); [ -n "$JOB2" ] || fail "no job id in: $(cat "$T/submit2.out")"
say "submitted the 3-task requeue array as job $JOB2"
# The number of the points $1 (indices, comma-separated) running past their first checkpoint, or in state $2.
count() {
  "$BIASLAB" sweep status "$T/slow.yaml" --stores "$T/requeue/stores" --json 2>/dev/null | python3 -c '
import json, sys
wanted, state = {int(i) for i in sys.argv[1].split(",")}, sys.argv[2]
points = [p for p in json.load(sys.stdin)["points"] if p["index"] in wanted]
print(sum((p["state"] == "running" and 0 < (p["step"] or 0) < p["total_steps"]) if state == "mid" else p["state"] == state for p in points))' "$1" "$2" 2>/dev/null || echo 0
}
wait_mid() {
  for _ in $(seq 600); do [ "$(count "$1" mid)" = "$2" ] && return 0; sleep 0.1; done
  fail "points $1 were not running mid-way"
}
wait_mid 0,1 2
scontrol requeue "${JOB2}_0" || fail "scontrol requeue ${JOB2}_0 failed"
scancel --batch --signal=USR1 "${JOB2}_1" || fail "scancel --signal=USR1 ${JOB2}_1 failed"
say "requeued task 0 (scontrol requeue) and warned task 1 (SIGUSR1) mid-point"
wait_mid 2 1
scancel "${JOB2}_2" || fail "scancel ${JOB2}_2 failed"
for _ in $(seq 100); do [ "$(count 2 interrupted)" = 1 ] && break; sleep 0.2; done
[ "$(count 2 interrupted)" = 1 ] || fail "the cancelled task 2 did not checkpoint its point"
say "cancelled task 2 mid-point: its point is interrupted (checkpointed)"
BIASLAB_THREADS=1 "$BIASLAB" sweep "$T/slow.yaml" --store "$T/slow-local.sqlite" >/dev/null 2>"$T/slow-local.log" || fail "local slow sweep failed"
wait_job "$JOB2" 120
[ "$(count 2 interrupted)" = 1 ] || fail "the cancelled task 2 ran again without being resubmitted"
resubmitted=$(sbatch --parsable --array=2 "$T/requeue/job.sbatch" | cut -d';' -f1)
wait_job "$resubmitted" 60
for task in 0 1; do grep -q 'restart 1' "$T/requeue/logs/task-$task.log" || fail "task $task was not restarted"; done
for task in 0 1 2; do grep -q '(resuming)' "$T/requeue/logs/task-$task.log" || fail "task $task did not resume its point"; done
grep -q 'requeueing' "$T/requeue/logs/task-1.log" || fail "task 1 did not requeue itself on SIGUSR1"
"$BIASLAB" sweep status "$T/slow.yaml" --stores "$T/requeue/stores" | tail -n 1 | grep -q '^3 done' || fail "not every point is done"
"$BIASLAB" results merge "$T"/requeue/stores/task-*.sqlite -o "$T/requeue/merged.sqlite" >/dev/null
same_series "$T/slow-local.sqlite" "$T/requeue/merged.sqlite" || fail "the resumed runs differ from the uninterrupted ones"
say "the requeued, the warned and the cancelled-then-resubmitted task resumed from their checkpoints and match the uninterrupted runs"
say "passed in $(( $(date +%s) - START )) s"
