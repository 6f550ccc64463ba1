#!/usr/bin/env bash
# Multi-node training through Slurm (PyTorch DDP, one task per GPU):
#   GPUS=16 bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args]
# Preemption-safe: Slurm sends SIGUSR1 SIGNAL_LEAD seconds (default 120) before the time limit;
# training then checkpoints its current iteration and exits with status 75, and the job goes
# on by itself from that checkpoint: requeued (`scontrol requeue`) when this script runs inside
# an sbatch job, started again otherwise. Every start passes --resume, which continues from the
# work dir's latest complete checkpoint or starts from the beginning when there is none.
# MAX_RESTARTS (default 100) bounds the restarts of one script run.
set -x
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SIGNAL_LEAD=${SIGNAL_LEAD:-120}
MAX_RESTARTS=${MAX_RESTARTS:-100}
SRUN_ARGS=${SRUN_ARGS:-""}
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-$( [ -x "$HERE/../.venv/bin/python" ] && echo "$HERE/../.venv/bin/python" || echo python)}
PREEMPTED=75  # tools/train.py's exit status after a checkpoint on a stop signal

for ((start = 0; start <= MAX_RESTARTS; start++)); do
    PYTHONPATH="$HERE/..":$PYTHONPATH \
    srun -p ${PARTITION} \
        --job-name=${JOB_NAME} \
        --gres=gpu:${GPUS_PER_NODE} \
        --ntasks=${GPUS} \
        --ntasks-per-node=${GPUS_PER_NODE} \
        --cpus-per-task=${CPUS_PER_TASK} \
        --kill-on-bad-exit=1 \
        --signal=USR1@${SIGNAL_LEAD} \
        ${SRUN_ARGS} \
        "$PYTHON" -u "$HERE/train.py" ${CONFIG} --work-dir=${WORK_DIR} --launcher="slurm" \
        --resume=auto "${@:5}"
    status=$?
    [ $status -eq $PREEMPTED ] || exit $status
    if [ -n "$SLURM_JOB_ID" ]; then
        # Inside an sbatch job: back into the queue; the requeued job runs this script again.
        scontrol requeue "$SLURM_JOB_ID"
        exit 0
    fi
    echo "Preempted: starting again from the latest checkpoint in ${WORK_DIR}."
done
exit $PREEMPTED
