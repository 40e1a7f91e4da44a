#!/usr/bin/env python3
"""How close ONNX Runtime's int8 logits come to PyTorch fp32 (run by hand, not in CI).

MaskFill's by-hand check on the full-size random checkpoint reports the lowest cosine
similarity of its int8 and fp32 logits at the masks (ModelConformanceTests with
MASKFILL_FULL_SIZE_MODEL). This script gives the same figure for ONNX Runtime's dynamic int8
quantization (per-channel int8 weights, 8-bit activations per tensor at run time) on the same
checkpoint and the same cases, so the two can be compared: it reads the cases and their
token ids from the checkpoint's expected.json (written by generate_model_fixtures.py
--full-size) and the int8 ONNX graphs that compare_runtimes.py exported.

    python3 Tests/Benchmarks/compare_runtimes.py --model /tmp/full-roberta   # exports the graphs
    python3 Tests/Benchmarks/ort_int8_agreement.py --model /tmp/full-roberta --write

Prints one line per graph: the lowest and mean cosine over all mask positions. --write also
saves the best graph's figures as ort_int8_agreement.json in the model folder, where the
by-hand full-size test (ModelConformanceTests.testFullSizeInt8AgreesWithFP32) takes ONNX
Runtime's lowest cosine as its bar when it is below the tiny fixtures' 0.999.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnxruntime
import torch
from transformers import AutoModelForMaskedLM


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, type=Path, help="the full-size checkpoint folder (with expected.json)")
    parser.add_argument("--work-dir", type=Path, default=None, help="compare_runtimes.py's ONNX folder "
                        "(default /tmp/compare-runtimes/<name>)")
    parser.add_argument("--write", action="store_true", help="save the figures as MODEL/ort_int8_agreement.json")
    args = parser.parse_args()
    work = args.work_dir or Path("/tmp/compare-runtimes") / args.model.name
    torch.set_num_threads(1)
    model = AutoModelForMaskedLM.from_pretrained(args.model, dtype=torch.float32).eval()
    cases = json.loads((args.model / "expected.json").read_text())["cases"]
    references = []
    with torch.no_grad():
        for case in cases:
            logits = model(input_ids=torch.tensor([case["input_ids"]])).logits[0].numpy()
            references.append([logits[p] for p in case["mask_positions"]])
    best: dict | None = None
    for name in ("full-plain-int8.onnx", "full-opt-int8.onnx"):
        path = work / name
        if not path.exists():
            print(f"{name}: not found in {work} (run compare_runtimes.py first)")
            continue
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        inputs = [i.name for i in session.get_inputs()]
        similarities: list[float] = []
        for case, reference in zip(cases, references):
            ids = np.array([case["input_ids"]], dtype=np.int64)
            feed = {inputs[0]: ids}
            if len(inputs) > 1:
                feed[inputs[1]] = np.ones_like(ids)
            logits = session.run(None, feed)[0][0]
            similarities += [cosine(logits[p], r) for p, r in zip(case["mask_positions"], reference)]
        print(f"{name}: ORT int8 vs PyTorch fp32 cosine over {len(similarities)} masks: "
              f"lowest {min(similarities):.5f}, mean {np.mean(similarities):.5f}")
        figures = {"graph": name, "lowest_cosine": min(similarities), "mean_cosine": float(np.mean(similarities)),
                   "masks": len(similarities), "onnxruntime": onnxruntime.__version__}
        if best is None or figures["lowest_cosine"] > best["lowest_cosine"]:
            best = figures
    if args.write and best is not None:
        (args.model / "ort_int8_agreement.json").write_text(json.dumps(best, indent=1) + "\n")
        print(f"wrote {args.model / 'ort_int8_agreement.json'}")


if __name__ == "__main__":
    main()
