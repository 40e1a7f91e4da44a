#!/usr/bin/env bash
# Turns a trained Hugging Face export into the shipped default model folder, and measures it.
#   bash Models/recipe/ship.sh /work/train-out/hf-latest Models/maskfill-mini
# Needs a release build (swift build -c release) and prepare_data.py's output in DATA (the eval
# sample, and tokens.u16 for gptq.py's calibration text). SMOOTH=1 smooths the activations
# first (quantize --calibration; README section 6); the shipped folder is made without it.
set -euo pipefail
source=${1:?usage: ship.sh HF_DIR OUT_DIR}
target=${2:?usage: ship.sh HF_DIR OUT_DIR}
data=${DATA:-/work/train-out/data}
here=$(cd "$(dirname "$0")" && pwd)
maskfill=${MASKFILL:-$here/../../.build/release/maskfill}

card=$(mktemp)  # the model card is written by hand: keep it across the rebuild
if [ -f "$target/README.md" ]; then cp "$target/README.md" "$card"; fi
rm -rf "$target"
if [ -n "${SMOOTH:-}" ]; then
  # activation smoothing (README section 6): ranges measured on training text, never the test split
  calibration=$(mktemp)
  python3 "$here/calibration_text.py" --out "$calibration" ${CORPORA:+--corpora "$CORPORA"}
  "$maskfill" quantize --calibration "$calibration" --calibration-lines 512 "$source" "$target"
  rm -f "$calibration"
else
  "$maskfill" quantize "$source" "$target"
fi
# same format and scales, codes re-rounded so the layers' outputs on real text move least
python3 "$here/gptq.py" "$source" "$target" --data "$data" 2>/dev/null | tail -1
if [ -s "$card" ]; then cp "$card" "$target/README.md"; fi
rm -f "$card"
python3 "$here/cased_forms.py" --model "$source" --out "$target/cased_forms.json"
echo "PyTorch fp32:";   python3 "$here/evaluate.py" "$source" --eval "$data/eval.jsonl" --threads 1 2>/dev/null | tail -1
echo "MaskFill fp32:";  "$maskfill" eval --model "$source" --precision fp32 --json "$data/eval.jsonl"
echo "MaskFill int8:";  "$maskfill" eval --model "$target" --precision int8 --json "$data/eval.jsonl"
echo "Acceptance sentences (transformers, shipped int8 weights):"
python3 "$here/acceptance.py" "$target" $( [ "$target" -ef "$here/../maskfill-mini" ] && echo --write ) 2>/dev/null
du -sh "$target"
