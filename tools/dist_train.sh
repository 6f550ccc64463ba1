#!/usr/bin/env bash
# Multi-process training on one machine: bash tools/dist_train.sh CONFIG NGPUS [train.py args]
# Without GPUs it runs NGPUS CPU processes with the gloo backend (tools/train.py handles it).
# MAX_RESTARTS=N: a failed process restarts the whole job (torchrun's elastic agent) up to N
# times (default 3), each restart resuming from the newest whole checkpoint; MAX_RESTARTS=0
# makes a failure end the job.
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MAX_RESTARTS=${MAX_RESTARTS:-3}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-$( [ -x "$HERE/../.venv/bin/python" ] && echo "$HERE/../.venv/bin/python" || echo python)}

# The node that hosts the rendezvous store says in one line when its port is taken.
if [ "$NODE_RANK" = 0 ]; then
    "$PYTHON" "$HERE/misc/check_port.py" "$PORT" "tools/dist_train.sh" || exit 1
fi

PYTHONPATH="$HERE/..":$PYTHONPATH exec \
"$PYTHON" -m torch.distributed.run \
    --nnodes=$NNODES --node_rank=$NODE_RANK --master_addr=$MASTER_ADDR \
    --nproc_per_node=$GPUS --master_port=$PORT --max-restarts=$MAX_RESTARTS \
    "$HERE/train.py" "$CONFIG" --launcher pytorch "${@:3}"
