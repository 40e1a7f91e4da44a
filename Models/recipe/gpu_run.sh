#!/usr/bin/env bash
# Runs ON the GPU machine (see README.md, "GPU run"). Extra arguments go to train.py.
set -euo pipefail
export PYTHONUNBUFFERED=1
OUT="${OUT:-/tmp/mf-ship}"
nvidia-smi -L || true
# gpu.py pack --init DIR packs a starting point; without it, start from the shipped model
INIT=Models/recipe/gpu/init
[ -d "$INIT" ] || INIT=Models/maskfill-mini
python3 Models/recipe/train.py --device cuda --threads 8 \
  --init "$INIT" --data Models/recipe/gpu/data --out /tmp/mf \
  --minutes "${MINUTES:-7.5}" --batch 256 --lr 4e-4 --head-lr 2e-3 --warmup 300 \
  --dropout 0.1 --short-frac 0.1 --bf16 --export-minutes 100 --log-every 100 "$@" 2>&1 | tee /tmp/mf-train.log
python3 Models/recipe/gpu.py ship /tmp/mf "$OUT"
cp /tmp/mf-train.log "$OUT/train.log"
