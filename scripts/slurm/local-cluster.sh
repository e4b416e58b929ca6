#!/usr/bin/env bash
# A real single-node Slurm on this machine, for tests and for trying tasu-shards.sh: munged,
# slurmctld and slurmd (Debian's slurm-wlm 22.05, as root) with a private configuration in DIR.
#   local-cluster.sh start DIR   writes DIR/slurm.conf, starts the daemons, waits for the node
#   local-cluster.sh stop DIR    stops what start started
# Point the Slurm commands at it with SLURM_CONF=DIR/slurm.conf.
set -euo pipefail
cmd=${1:?usage: local-cluster.sh start|stop DIR}
dir=${2:?usage: local-cluster.sh start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# The daemons started with this configuration (slurmd writes its pid file only once
# registered, and a killed test leaves them running with their directory gone).
stop_daemons() {
  pkill -f "$dir/slurm.conf" 2> /dev/null || true
  for _ in $(seq 20); do pgrep -f "$dir/slurm.conf" > /dev/null || break; sleep 0.2; done
  pkill -9 -f "$dir/slurm.conf" 2> /dev/null || true
}
if [ "$cmd" = stop ]; then
  stop_daemons
  # munged only if this cluster started it (one already running is left alone).
  [ -f "$dir/munged.pid" ] && kill "$(cat "$dir/munged.pid")" 2> /dev/null || true
  exit 0
fi
[ "$cmd" = start ] || { echo "local-cluster: unknown command $cmd" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "local-cluster: needs root (slurmd runs jobs as their users)" >&2; exit 2; }
for b in munged slurmctld slurmd sinfo; do
  command -v "$b" > /dev/null || [ -x "/usr/sbin/$b" ] || { echo "local-cluster: $b missing (scripts/setup.sh installs it)" >&2; exit 2; }
done

# munge authenticates every Slurm message; it runs as its own user (Debian made the key).
socket=/run/munge/munge.socket.2
if ! pgrep -x munged > /dev/null || [ ! -S "$socket" ]; then
  pkill -x munged 2> /dev/null && sleep 1 || true
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
  [ -S "$socket" ] || { echo "local-cluster: munged did not come up" >&2; exit 1; }
  pgrep -x munged > "$dir/munged.pid"
fi

stop_daemons
host=$(hostname -s)
mkdir -p "$dir/state" "$dir/spool"
# The node line as slurmd measures this machine (CPUs, sockets, memory).
node=$(/usr/sbin/slurmd -C | head -1)
cat > "$dir/slurm.conf" <<EOF
ClusterName=tasu
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  state=$(sinfo -h -N -o '%t' 2> /dev/null | head -1 || true)
  case "$state" in idle|mix|alloc) echo "local-cluster: node $host $state (SLURM_CONF=$SLURM_CONF)"; exit 0 ;; esac
  sleep 1
done
echo "local-cluster: the node did not come up; logs in $dir" >&2
tail -n 5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
exit 1
