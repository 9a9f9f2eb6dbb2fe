#!/bin/sh
# SPDX-License-Identifier: MIT
# One part of dofa's device-independent accuracy work (README, "Sharded accuracy work"), as a
# Slurm job array (slurm/accuracy-shards.sbatch) or a Kubernetes indexed Job
# (kubernetes/accuracy-shards.yaml) runs it: `dofa search --accuracy-only --shard I/N`.
#
# Which part: SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT (an array numbered from 0), or
# JOB_COMPLETION_INDEX of DOFA_SHARDS (the Job's completions).
# What:  DOFA_MODEL       the model file
#        DOFA_DATA        the evaluation images (ImageNet val, or a Fashion-MNIST folder)
#        DOFA_CALIB_DATA  the calibration images (optional: ImageNet train)
#        DOFA_OUT         the folder that receives part-I.json (shared by every part)
#        DOFA_SEARCH_ARGS the options of the device search that will reuse the cache (--seed,
#                         --samples, --quick, --calib-images, --limit): they choose the
#                         sub-networks and the protocol, so they must be the same
#        DOFA             the dofa executable (default: dofa on PATH)
set -eu
if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
    index=$SLURM_ARRAY_TASK_ID
    count=${SLURM_ARRAY_TASK_COUNT:?SLURM_ARRAY_TASK_COUNT is not set}
elif [ -n "${JOB_COMPLETION_INDEX:-}" ]; then
    index=$JOB_COMPLETION_INDEX
    count=${DOFA_SHARDS:?set DOFA_SHARDS to the Job\'s completions}
else
    echo "accuracy-shard.sh: no part index (SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)" >&2
    exit 2
fi
set -- search --accuracy-only --shard "$index/$count" --model "${DOFA_MODEL:?}" \
    --data "${DOFA_DATA:?}" --accuracy-cache "${DOFA_OUT:?}/part-$index.json"
if [ -n "${DOFA_CALIB_DATA:-}" ]; then
    set -- "$@" --calib-data "$DOFA_CALIB_DATA"
fi
# DOFA_SEARCH_ARGS is split into words on purpose (several options).
# shellcheck disable=SC2086
exec "${DOFA:-dofa}" "$@" ${DOFA_SEARCH_ARGS:-}
