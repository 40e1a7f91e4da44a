#!/usr/bin/env bash
# Runs ON the GPU machine (see README.md, "GPU run"). Extra arguments go to train.py.
set -euo pipefail
export PYTHONUNBUFFERED=1
OUT="${OUT:-/tmp/mf-ship}"
nvidia-smi -L || true
python3 -c 'import torch, transformers, tokenizers, safetensors; print("torch", torch.__version__, "transformers", transformers.__version__)'
# gpu.py pack --init DIR packs a starting point; without it, start from the shipped model
INIT=Models/recipe/gpu/init
[ -d "$INIT" ] || INIT=Models/maskfill-mini
# GROW_FFN=3072: widen the starting point's feed-forward layers first (grow.py; done here, not
# packed, because the wider model would not fit in what travels)
if [ -n "${GROW_FFN:-}" ]; then
  python3 Models/recipe/grow.py "$INIT" /tmp/mf-init-grown --ffn "$GROW_FFN"
  INIT=/tmp/mf-init-grown
fi
python3 Models/recipe/train.py --device cuda --threads 8 \
  --init "$INIT" --data Models/recipe/gpu/data --out /tmp/mf \
  --minutes "${MINUTES:-7.5}" --batch 256 --lr 4e-4 --head-lr 2e-3 --warmup 300 \
  --dropout 0.1 --short-frac 0.1 --bf16 --export-minutes "${EXPORT_MINUTES:-2}" --log-every 100 "$@" \
  > /tmp/mf-train.log 2>&1 &
TRAIN=$!
# Ship every export as it appears, so that a run cut off by the machine's time limit still
# brings back its last export (and its log) instead of nothing.
shipped=""
while kill -0 "$TRAIN" 2>/dev/null; do
  sleep 5
  stamp=$(stat -c %Y /tmp/mf/hf-latest/training_state.json 2>/dev/null || true)
  if [ -n "$stamp" ] && [ "$stamp" != "$shipped" ]; then
    python3 Models/recipe/gpu.py ship /tmp/mf "$OUT" >/dev/null && shipped="$stamp"
  fi
  cp /tmp/mf-train.log "$OUT/train.log" 2>/dev/null || true
done
status=0
wait "$TRAIN" || status=$?
cat /tmp/mf-train.log
cp /tmp/mf-train.log "$OUT/train.log"
[ "$status" -eq 0 ] || { echo "train.py failed ($status)"; exit "$status"; }
python3 Models/recipe/gpu.py ship /tmp/mf "$OUT"
