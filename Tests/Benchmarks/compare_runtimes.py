#!/usr/bin/env python3
"""Compare MaskFill with PyTorch and ONNX Runtime on the same weights (run by hand, not in CI).

What it measures, in one run, for the seed sentence, a 23-token sentence and texts of exactly
128 and 512 tokens (or the model's maximum):

  * fill latency, median and p95 over --runs runs after two warm-up runs, where one fill is
    what it costs inside a running process: tokenization, forward, head at the masks, softmax,
    top-5, and decoding the candidates (token_str and sequence, as the fill-mask pipeline does)
      - PyTorch fp32 (eval, no_grad, torch.set_num_threads(--threads), default attention),
        full logits as `model(input_ids).logits` gives them, and a "head@mask" variant that runs
        the encoder and applies the LM head only at the mask positions (as MaskFill does);
      - ONNX Runtime int8: torch.onnx.export (opset 17, dynamic sequence axis) ->
        optionally onnxruntime.transformers.optimizer (fused attention) ->
        quantize_dynamic(per_channel=True, weight_type=QInt8); the faster of the plain and the
        optimized graph is kept (a short interleaved pilot decides), again with full logits
        and with a head@mask export (input `mask_positions`, output logits at those positions);
      - MaskFill int8 and fp32: `maskfill bench --json --precision P --input TEXT` (one process
        per input and precision, so peak RSS is per precision and input, reported as the max
        over inputs);
  * startup: wall time from process start to the first printed result, total wall time and
    peak RSS (GNU time's %M of the child; see clean_spawn for why not plain wait4), median of
    --startup-runs runs, for `maskfill fill`, a Python process running transformers'
    pipeline("fill-mask") on the HF folder, and a Python process running the ORT int8 model.

Engines run in blocks (each its own warm-ups then --runs runs); the order of the blocks rotates
from input to input, and startup runs go round-robin. Every engine uses --threads threads
(MASKFILL_THREADS, torch.set_num_threads, intra_op_num_threads, OMP_NUM_THREADS). The CPU that
other processes used during each block is reported as a noise indicator; the maskfill binary is
copied first, so a concurrent `swift build` cannot swap it mid-run. A block during which other
processes used more than --max-other-load cores is measured again (--retries times at most)
and the quietest attempt kept.

Prerequisites (Python 3.11):

    pip install onnxruntime onnx torch transformers
    swift build -c release            # builds .build/release/maskfill

Run from the repository root:

    python3 Tests/Benchmarks/compare_runtimes.py --model /path/to/hf-folder
    python3 Tests/Benchmarks/compare_runtimes.py --model /tmp/full-roberta --runs 50 --threads 2 \\
        --pause-pids "$(pgrep -d, -f 'Models/recip[e]')"   # [e]: keeps pgrep off this shell's own line

--model is a Hugging Face RobertaForMaskedLM/BertForMaskedLM folder (config.json,
model.safetensors, tokenizer.json). The int8 MaskFill folder is written to /tmp/<name>-int8
(`maskfill quantize`), the ONNX files to --work-dir (cached; --rebuild-onnx redoes them).
--pause-pids sends SIGSTOP to those processes for the measurements only and always SIGCONT
afterwards (also on errors, Ctrl-C and SIGTERM). --json prints the report as JSON instead of
the table; --json-file also writes it to a file. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import atexit
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED_SENTENCE = "He is not feeling <mask>"
# "After a long day at work, she sat by the window and watched the <mask> slowly fade behind the
# hills." is 24 tokens with the RoBERTa tokenizer (special tokens included); dropping "slowly"
# gives 23.
SENTENCE_23 = "After a long day at work, she sat by the window and watched the <mask> fade behind the hills."
PARAGRAPH = (
    "The history of the city goes back to a small market town on the river, where merchants "
    "traded wool, grain and salt with farmers from the surrounding hills. Over the centuries "
    "the town grew into a busy port, and its narrow streets filled with workshops, churches "
    "and houses of stone. Today visitors come to see the old bridge, the cathedral and the "
    "museum, which holds paintings, maps and letters from every period of its long past."
)
TOP_K = 5
WARMUP = 2


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median_p95(times: list[float]) -> tuple[float, float]:
    """Median and p95 exactly as `maskfill bench` computes them (upper median, ceil rank)."""
    ordered = sorted(times)
    n = len(ordered)
    p95_index = min(n - 1, math.ceil(n * 0.95) - 1)
    return ordered[n // 2], ordered[p95_index]


def plain_median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


class ForeignLoad:
    """CPU used by other processes while a block runs, in cores (a noise indicator).

    System-wide busy time from /proc/stat minus this process's and its reaped children's CPU.
    """

    tick = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _snapshot() -> tuple[float, float, float]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / ForeignLoad.tick  # minus idle, iowait
        own = os.times()
        return busy, own.user + own.system + own.children_user + own.children_system, time.perf_counter()

    def __enter__(self):
        self.start = self._snapshot()
        return self

    def __exit__(self, *exc):
        end = self._snapshot()
        wall = max(end[2] - self.start[2], 1e-9)
        self.cores = max(0.0, ((end[0] - self.start[0]) - (end[1] - self.start[1])) / wall)
        return False


# ----------------------------------------------------------------------------- pausing


class Paused:
    """SIGSTOPs the given processes on enter and always SIGCONTs them on exit."""

    def __init__(self, pids: list[int]):
        protected = {os.getpid()}
        pid = os.getppid()
        while pid > 1:  # never stop ourselves or a shell above us
            protected.add(pid)
            try:
                pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                break
        self.pids = []
        for pid in pids:
            if pid in protected:
                log(f"pause: skipping {pid} (this process or one of its parents)")
            elif not Path(f"/proc/{pid}").exists():
                log(f"pause: skipping {pid} (no such process)")
            else:
                self.pids.append(pid)
        self.stopped: list[int] = []

    def __enter__(self):
        for pid in self.pids:
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                os.kill(pid, signal.SIGSTOP)
                self.stopped.append(pid)
                log(f"pause: stopped {pid} ({command[:100]})")
            except ProcessLookupError:
                log(f"pause: {pid} is gone")
        return self

    def __exit__(self, *exc):
        for pid in self.stopped:
            try:
                os.kill(pid, signal.SIGCONT)
                log(f"pause: resumed {pid}")
            except ProcessLookupError:
                log(f"pause: {pid} is gone")
        self.stopped = []
        return False


def raise_on_signal(signum, frame):
    raise SystemExit(f"interrupted by signal {signum}")


# ----------------------------------------------------------------------------- model facts


class ModelFacts:
    def __init__(self, folder: Path):
        from tokenizers import Tokenizer

        self.folder = folder
        self.config = json.loads((folder / "config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # Some tokenizer.json files ship with truncation or padding on; MaskFill, like
        # tokenizer.encode(text), uses neither.
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        spec = json.loads((folder / "tokenizer.json").read_text())
        # The rule MaskFill uses: the special added token spelled <mask> or [MASK].
        masks = [t for t in spec.get("added_tokens", []) if t.get("special") and t["content"] in ("<mask>", "[MASK]")]
        if not masks:
            raise SystemExit(f"{folder}/tokenizer.json has no <mask> or [MASK] special token")
        self.mask_token = masks[0]["content"]
        self.mask_id = masks[0]["id"]
        self.model_type = self.config.get("model_type", "")
        self.num_heads = int(self.config["num_attention_heads"])
        self.hidden_size = int(self.config["hidden_size"])
        positions = int(self.config.get("max_position_embeddings", 512))
        if self.model_type in ("roberta", "xlm-roberta", "camembert"):
            positions -= int(self.config.get("pad_token_id", 1)) + 1
        self.max_tokens = min(positions, 512)

    def rewrite(self, text: str) -> str:
        return text.replace("<mask>", self.mask_token)

    def count(self, text: str) -> int:
        return len(self.tokenizer.encode(self.rewrite(text)).ids)

    def text_of(self, target: int) -> str:
        """A text of exactly `target` tokens with one mask in the middle, from PARAGRAPH."""
        words = ((PARAGRAPH + " ") * 20).split()

        def build(count: int) -> str:
            chosen = words[:count]
            chosen.insert(count // 2, "<mask>")
            return " ".join(chosen)

        low, high = 1, len(words)
        while low < high:
            middle = (low + high + 1) // 2
            if self.count(build(middle)) <= target:
                low = middle
            else:
                high = middle - 1
        base = build(low)
        for pad in (" .", " a", " the", "."):
            text = base
            for _ in range(target):
                if self.count(text) >= target:
                    break
                text += pad
            if self.count(text) == target:
                return text
        raise SystemExit(f"could not build a text of exactly {target} tokens")


# ----------------------------------------------------------------------------- candidates


def decode_candidates(facts: ModelFacts, ids: list[int], positions: list[int], probs, top_ids) -> list:
    """token_str and sequence for each candidate, as transformers' fill-mask pipeline does."""
    tokenizer = facts.tokenizer
    results = []
    for row, position in enumerate(positions):
        candidates = []
        for score, token in zip(probs[row], top_ids[row]):
            token = int(token)
            entry = {"score": float(score), "token": token, "token_str": tokenizer.decode([token])}
            if len(positions) == 1:
                filled = list(ids)
                filled[position] = token
                entry["sequence"] = tokenizer.decode(filled, skip_special_tokens=True)
            candidates.append(entry)
        results.append(candidates)
    return results


# ----------------------------------------------------------------------------- PyTorch


class TorchEngine:
    def __init__(self, facts: ModelFacts, threads: int):
        import torch
        from transformers import AutoModelForMaskedLM

        torch.set_num_threads(threads)
        self.torch = torch
        self.facts = facts
        self.model = AutoModelForMaskedLM.from_pretrained(str(facts.folder), dtype=torch.float32).eval()
        self.base = self.model.base_model
        self.head = getattr(self.model, "lm_head", None) or self.model.cls

    def fill(self, text: str, head_at_mask: bool = False):
        torch = self.torch
        ids = self.facts.tokenizer.encode(self.facts.rewrite(text)).ids
        positions = [i for i, token in enumerate(ids) if token == self.facts.mask_id]
        with torch.no_grad():
            input_ids = torch.tensor([ids], dtype=torch.long)
            if head_at_mask:
                hidden = self.base(input_ids=input_ids).last_hidden_state[0, positions]
                logits = self.head(hidden)
            else:
                logits = self.model(input_ids=input_ids).logits[0, positions]
            top = logits.softmax(-1).topk(TOP_K, dim=-1)
        return decode_candidates(self.facts, ids, positions, top.values.tolist(), top.indices.tolist())


# ----------------------------------------------------------------------------- ONNX Runtime


class MaskHeadModule:
    """Built lazily (needs torch): encoder, then the LM head only at `mask_positions`."""

    @staticmethod
    def make(model):
        import torch

        class MaskHead(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.base = model.base_model
                self.head = getattr(model, "lm_head", None) or model.cls

            def forward(self, input_ids, attention_mask, mask_positions):
                hidden = self.base(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
                return self.head(hidden[0].index_select(0, mask_positions))

        return MaskHead().eval()


def build_onnx(facts: ModelFacts, work: Path, rebuild: bool) -> dict:
    """Exports, optimizes and quantizes; returns {variant: path} of the int8 models."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModelForMaskedLM

    work.mkdir(parents=True, exist_ok=True)
    weights = facts.folder / "model.safetensors"
    stamp = {
        "weights": str(weights.resolve()),
        "size": weights.stat().st_size,
        "mtime": weights.stat().st_mtime,
        "torch": torch.__version__,
        "onnx": onnx.__version__,
    }
    stamp_file = work / "stamp.json"
    names = [f"{kind}-{opt}-int8.onnx" for kind in ("full", "maskhead") for opt in ("plain", "opt")]
    notes = {}
    if not rebuild and stamp_file.exists() and json.loads(stamp_file.read_text()).get("stamp") == stamp:
        cached = json.loads(stamp_file.read_text())
        if all((work / name).exists() or name in cached.get("failed", {}) for name in names):
            log(f"onnx: using cached models in {work}")
            return {name: work / name for name in names if (work / name).exists()}, cached.get("notes", {})
    for name in names:
        (work / name).unlink(missing_ok=True)

    # Eager attention exports the MatMul/Softmax pattern ORT's optimizer fuses into Attention.
    model = AutoModelForMaskedLM.from_pretrained(str(facts.folder), dtype=torch.float32, attn_implementation="eager").eval()
    sample = facts.tokenizer.encode(facts.rewrite(SENTENCE_23)).ids
    ids = torch.tensor([sample], dtype=torch.long)
    ones = torch.ones_like(ids)
    positions = torch.tensor([i for i, t in enumerate(sample) if t == facts.mask_id], dtype=torch.long)
    seq_axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}}
    exports = {
        "full": (model, (ids, ones), ["input_ids", "attention_mask"], {**seq_axes, "logits": {0: "batch", 1: "sequence"}}),
        "maskhead": (
            MaskHeadModule.make(model),
            (ids, ones, positions),
            ["input_ids", "attention_mask", "mask_positions"],
            {**seq_axes, "mask_positions": {0: "masks"}, "logits": {0: "masks"}},
        ),
    }
    failed = {}
    for kind, (module, args, inputs, axes) in exports.items():
        fp32 = work / f"{kind}-fp32.onnx"
        start = time.perf_counter()
        export_kwargs = dict(input_names=inputs, output_names=["logits"], dynamic_axes=axes, opset_version=17)
        try:
            torch.onnx.export(module, args, str(fp32), dynamo=False, **export_kwargs)
        except TypeError:  # torch without the dynamo argument
            torch.onnx.export(module, args, str(fp32), **export_kwargs)
        log(f"onnx: exported {fp32.name} in {time.perf_counter() - start:.1f} s")
        sources = {"plain": fp32}
        optimized = work / f"{kind}-fp32-opt.onnx"
        try:
            from onnxruntime.transformers.optimizer import optimize_model

            start = time.perf_counter()
            result = optimize_model(str(fp32), model_type="bert", num_heads=facts.num_heads, hidden_size=facts.hidden_size)
            fused = {k: v for k, v in result.get_fused_operator_statistics().items() if v}
            result.save_model_to_file(str(optimized))
            sources["opt"] = optimized
            notes[f"{kind}-optimizer"] = fused
            log(f"onnx: optimized {kind} in {time.perf_counter() - start:.1f} s, fused {fused}")
            if not fused.get("Attention") and not fused.get("MultiHeadAttention"):
                log(f"onnx: note: the optimizer fused no attention in the {kind} graph")
        except Exception as error:  # noqa: BLE001 - report and go on with the plain graph
            failed[f"{kind}-opt-int8.onnx"] = f"optimizer: {error!r}"
            log(f"onnx: optimizer failed for {kind}: {error!r}; using the plain graph only")
        for opt, source in sources.items():
            target = work / f"{kind}-{opt}-int8.onnx"
            start = time.perf_counter()
            try:
                # Contrib ops (Attention, SkipLayerNormalization, ...) defeat ONNX shape inference, so
                # the quantizer needs a default tensor type for their outputs.
                quantize_dynamic(
                    str(source), str(target), per_channel=True, weight_type=QuantType.QInt8,
                    extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
                )
                log(f"onnx: quantized {target.name} ({target.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
            except Exception as error:  # noqa: BLE001
                failed[target.name] = f"quantize: {error!r}"
                log(f"onnx: quantize_dynamic failed for {source.name}: {error!r}")
        for path in {fp32, optimized, work / f"{kind}-fp32.onnx.data"}:
            path.unlink(missing_ok=True)
    del model
    stamp_file.write_text(json.dumps({"stamp": stamp, "failed": failed, "notes": notes}))
    return {name: work / name for name in names if (work / name).exists()}, notes


class OrtEngine:
    def __init__(self, facts: ModelFacts, path: Path, threads: int):
        import numpy
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.np = numpy
        self.facts = facts
        self.path = path
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.head_at_mask = "mask_positions" in self.inputs

    def fill(self, text: str):
        np = self.np
        ids = self.facts.tokenizer.encode(self.facts.rewrite(text)).ids
        positions = [i for i, token in enumerate(ids) if token == self.facts.mask_id]
        input_ids = np.asarray([ids], dtype=np.int64)
        feed = {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)}
        if self.head_at_mask:
            feed["mask_positions"] = np.asarray(positions, dtype=np.int64)
            logits = self.session.run(["logits"], feed)[0]
        else:
            logits = self.session.run(["logits"], feed)[0][0, positions]
        logits = logits - logits.max(axis=-1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=-1, keepdims=True)
        top = np.argpartition(-probs, TOP_K, axis=-1)[:, :TOP_K]
        order = np.take_along_axis(-probs, top, axis=-1).argsort(axis=-1)
        top = np.take_along_axis(top, order, axis=-1)
        return decode_candidates(self.facts, ids, positions, np.take_along_axis(probs, top, axis=-1).tolist(), top.tolist())


def time_fills(fill, text: str, runs: int) -> dict:
    for _ in range(WARMUP):
        fill(text)
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fill(text)
        times.append((time.perf_counter_ns() - start) / 1e6)
    median, p95 = median_p95(times)
    return {"median_ms": median, "p95_ms": p95}


# ----------------------------------------------------------------------------- MaskFill


def maskfill_bench(binary: str, folder: Path, precision: str, text: str, runs: int, env: dict) -> dict:
    command = [binary, "bench", "--model", str(folder), "--json", "--precision", precision, "--runs", str(runs), "--input", text]
    rss_file = f"/tmp/compare-runtimes-rss-{os.getpid()}"
    done = subprocess.run(clean_spawn(command, rss_file), capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"maskfill bench failed ({done.returncode}): {done.stderr.strip()}")
    process_peak = read_rss_mb(rss_file)
    report = json.loads(done.stdout)
    result = report["results"][0]
    return {
        "median_ms": result["median_ms"], "p95_ms": result["p95_ms"], "tokens": result["tokens"],
        "load_ms": report["load_ms"], "peak_rss_mb": report["peak_rss_mb"], "process_peak_rss_mb": process_peak,
        "kernels": report.get("kernels"), "threads": report.get("threads"),
    }


# ----------------------------------------------------------------------------- startup


PIPELINE_CHILD = r"""
import sys, json
folder, text, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
import torch
torch.set_num_threads(threads)
from transformers import AutoTokenizer, PreTrainedTokenizerFast, pipeline
try:
    tokenizer = AutoTokenizer.from_pretrained(folder)
    if tokenizer.mask_token is None:
        raise ValueError("no mask token")
except Exception:
    spec = json.load(open(folder + "/tokenizer.json"))
    mask = next(t["content"] for t in spec["added_tokens"] if t["content"] in ("<mask>", "[MASK]"))
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=folder + "/tokenizer.json", mask_token=mask)
fill = pipeline("fill-mask", model=folder, tokenizer=tokenizer, device="cpu")
result = fill(text.replace("<mask>", tokenizer.mask_token))
print(json.dumps(result), flush=True)
"""

ORT_CHILD = r"""
import sys, json
model, tokenizer_file, mask_id, text, mask_token, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer
options = ort.SessionOptions()
options.intra_op_num_threads = threads
options.inter_op_num_threads = 1
session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
tokenizer = Tokenizer.from_file(tokenizer_file)
tokenizer.no_truncation()
tokenizer.no_padding()
ids = tokenizer.encode(text.replace("<mask>", mask_token)).ids
positions = [i for i, t in enumerate(ids) if t == mask_id]
input_ids = np.asarray([ids], dtype=np.int64)
feed = {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)}
names = {i.name for i in session.get_inputs()}
if "mask_positions" in names:
    feed["mask_positions"] = np.asarray(positions, dtype=np.int64)
    logits = session.run(["logits"], feed)[0]
else:
    logits = session.run(["logits"], feed)[0][0, positions]
probs = np.exp(logits - logits.max(-1, keepdims=True)); probs /= probs.sum(-1, keepdims=True)
out = []
for row, position in enumerate(positions):
    top = np.argsort(-probs[row])[:5]
    out.append([{"score": float(probs[row, t]), "token": int(t), "token_str": tokenizer.decode([int(t)])} for t in top])
print(json.dumps(out), flush=True)
"""


# Linux carries a process's peak RSS across fork and exec (exec_mmap folds the old mm's high-water
# mark into signal->maxrss), so a child spawned directly from this large Python process would
# report this process's peak as its own, in wait4 and in its own getrusage (maskfill bench's
# peak_rss_mb). A small intermediate process that forks the real child avoids that: GNU time,
# or failing that a tiny Python launcher.
TIME = "/usr/bin/time"
LAUNCHER = r"""
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def clean_spawn(command: list[str], rss_file: str) -> list[str]:
    if os.access(TIME, os.X_OK):
        return [TIME, "-f", "%M", "-o", rss_file, *command]
    return [sys.executable, "-c", LAUNCHER, rss_file, *command]


def read_rss_mb(rss_file: str) -> float:
    text = Path(rss_file).read_text().strip().splitlines()
    Path(rss_file).unlink(missing_ok=True)
    return int(text[-1]) / 1024  # kilobytes


def run_child(command: list[str], env: dict) -> dict:
    """Wall time to the first stdout line, total wall time, and the child's own peak RSS."""
    rss_file = f"/tmp/compare-runtimes-rss-{os.getpid()}"
    start = time.perf_counter()
    process = subprocess.Popen(clean_spawn(command, rss_file), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = process.stdout.readline()
    first_ms = (time.perf_counter() - start) * 1000
    rest_out, errors = process.communicate()
    total_ms = (time.perf_counter() - start) * 1000
    if process.returncode != 0 or not first.strip():
        raise SystemExit(f"{command[0]} failed ({process.returncode}): {errors.decode(errors='replace')[-2000:]}")
    return {
        "first_result_ms": first_ms, "total_ms": total_ms, "peak_rss_mb": read_rss_mb(rss_file),
        "output": (first + rest_out).decode(errors="replace"),
    }


# ----------------------------------------------------------------------------- report


def format_cell(result: dict | None) -> str:
    if not result:
        return "-"
    return f"{result['median_ms']:8.2f} / {result['p95_ms']:8.2f}"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "-"
    return f"{a / b:.2f}x"


def print_report(report: dict) -> None:
    env = report["environment"]
    print(f"model: {report['model']}  ({env['model_type']}, {env['layers']} layers, hidden {env['hidden_size']}, vocab {env['vocab_size']})")
    print(f"threads: {env['threads']} everywhere; CPU: {env['cpu']}; MaskFill kernels: {env['maskfill_kernels']}")
    print(f"versions: python {env['python']}, torch {env['torch']}, transformers {env['transformers']}, onnxruntime {env['onnxruntime']}, onnx {env['onnx']}")
    print(f"maskfill: {report['maskfill']} (built {report['maskfill_built']}, measured from a copy)")
    print(f"runs: {report['runs']} per engine and input after {WARMUP} warm-ups; paused pids: {report['paused_pids'] or 'none'}")
    ort_choice = report["ort"]
    print(f"ORT int8 graph: {ort_choice['chosen_full']} (full logits), {ort_choice['chosen_maskhead']} (head@mask); "
          f"pilot medians at {ort_choice['pilot_tokens']} tokens: "
          + ", ".join(f"{k} {v:.1f} ms" for k, v in ort_choice["pilot_ms"].items()))
    for key, value in ort_choice.get("optimizer", {}).items():
        print(f"  {key} fused: {value}")
    for key, value in ort_choice.get("failed", {}).items():
        print(f"  {key} failed: {value}")
    print("fill = tokenization + forward + head (all positions, or at the masks: head@mask) + softmax + top-5 + decoding")
    print()
    engines = [
        ("pytorch_fp32", "PyTorch fp32"), ("pytorch_fp32_maskhead", "PyTorch fp32 head@mask"),
        ("ort_int8", "ORT int8"), ("ort_int8_maskhead", "ORT int8 head@mask"),
        ("maskfill_int8", "MaskFill int8"), ("maskfill_fp32", "MaskFill fp32"),
    ]
    print("Fill latency, median / p95 ms")
    header = f"{'input':<10}{'tokens':>7}  " + "  ".join(f"{title:>21}" for _, title in engines)
    print(header)
    print("-" * len(header))
    for row in report["inputs"]:
        cells = "  ".join(f"{format_cell(row['results'].get(key)):>21}" for key, _ in engines)
        print(f"{row['name']:<10}{row['tokens']:>7}  {cells}")
    print()
    print("Ratios of medians (< 1: MaskFill faster)")
    header = (f"{'input':<10}{'tokens':>7}  {'MF int8/ORT int8':>17}  {'MF int8/ORT h@m':>16}  "
              f"{'MF fp32/PT fp32':>16}  {'MF fp32/PT h@m':>15}  {'MF int8/PT fp32':>16}")
    print(header)
    print("-" * len(header))
    for row in report["inputs"]:
        r = {k: v["median_ms"] for k, v in row["results"].items()}
        print(f"{row['name']:<10}{row['tokens']:>7}  {ratio(r.get('maskfill_int8'), r.get('ort_int8')):>17}  "
              f"{ratio(r.get('maskfill_int8'), r.get('ort_int8_maskhead')):>16}  "
              f"{ratio(r.get('maskfill_fp32'), r.get('pytorch_fp32')):>16}  "
              f"{ratio(r.get('maskfill_fp32'), r.get('pytorch_fp32_maskhead')):>15}  "
              f"{ratio(r.get('maskfill_int8'), r.get('pytorch_fp32')):>16}")
    loads = [(v.get("other_cpu_cores", 0.0), row["name"], key) for row in report["inputs"] for key, v in row["results"].items()]
    worst = max(loads)
    print(f"CPU used by other processes during the blocks: mean {sum(l[0] for l in loads) / len(loads):.2f} cores, "
          f"max {worst[0]:.2f} ({worst[2]}, {worst[1]}); during startup runs {report['startup_other_cpu_cores']:.2f}"
          + ("  <- noisy, consider rerunning" if max(worst[0], report["startup_other_cpu_cores"]) > report["max_other_load"] else ""))
    retried = [f"{key} {row['name']} x{v['attempts']}" for row in report["inputs"] for key, v in row["results"].items() if v.get("attempts", 1) > 1]
    if retried:
        print("blocks measured again because of other load: " + ", ".join(retried))
    print()
    mf = report["maskfill_memory"]
    print("MaskFill bench (per precision, max over inputs): "
          + "; ".join(f"{p}: load {v['load_ms']:.1f} ms, peak RSS {v['peak_rss_mb']:.1f} MB "
                     f"(whole process {v['process_peak_rss_mb']:.1f} MB)" for p, v in mf.items()))
    print()
    startup = report["startup"]
    print(f"Startup: \"{SEED_SENTENCE}\", fresh process, median of {report['startup_runs']} runs (after 1 untimed warm-up each)")
    header = f"{'command':<34}{'first result ms':>16}{'total wall ms':>15}{'peak RSS MB':>13}"
    print(header)
    print("-" * len(header))
    titles = {"maskfill_fill_int8": "maskfill fill (int8)", "transformers_pipeline": "python transformers pipeline fp32",
              "ort_int8": "python onnxruntime int8"}
    for key, title in titles.items():
        s = startup.get(key)
        if s:
            print(f"{title:<34}{s['first_result_ms']:>16.1f}{s['total_ms']:>15.1f}{s['peak_rss_mb']:>13.1f}")
    m, p, o = (startup.get(k) for k in titles)
    if m and p and o:
        print(f"ratios: first result MaskFill/pipeline {ratio(m['first_result_ms'], p['first_result_ms'])}, "
              f"MaskFill/ORT {ratio(m['first_result_ms'], o['first_result_ms'])}; "
              f"peak RSS MaskFill/pipeline {ratio(m['peak_rss_mb'], p['peak_rss_mb'])}, "
              f"MaskFill/ORT {ratio(m['peak_rss_mb'], o['peak_rss_mb'])}")
    print()
    print("Sanity, top-3 for the seed sentence: " + "; ".join(f"{k}: {v}" for k, v in report["sanity"].items()))


# ----------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, type=Path, help="Hugging Face *ForMaskedLM folder")
    parser.add_argument("--maskfill", default=".build/release/maskfill", help="the maskfill binary")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--pilot-runs", type=int, default=15, help="runs per ORT graph in the plain-vs-optimized pilot")
    parser.add_argument("--max-other-load", type=float, default=0.2,
                        help="remeasure a block when other processes used more CPU than this (in cores)")
    parser.add_argument("--retries", type=int, default=2, help="remeasurements per block at most (the quietest is kept)")
    parser.add_argument("--work-dir", type=Path, default=None, help="ONNX files (default /tmp/compare-runtimes/<name>)")
    parser.add_argument("--rebuild-onnx", action="store_true")
    parser.add_argument("--pause-pids", default="", help="comma/space-separated pids to SIGSTOP while measuring (off by default)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of tables")
    parser.add_argument("--json-file", type=Path, help="also write the JSON report here")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, raise_on_signal)
    signal.signal(signal.SIGHUP, raise_on_signal)
    threads = str(args.threads)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = threads
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    child_env = dict(os.environ, MASKFILL_THREADS=threads)
    import torch

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)  # before any parallel work

    folder = args.model.resolve()
    source_binary = Path(args.maskfill).resolve()
    if not source_binary.exists():
        raise SystemExit(f"no maskfill binary at {source_binary} (swift build -c release)")
    # Measure a private copy: a concurrent `swift build` may replace the binary mid-run.
    snapshot_dir = Path(tempfile.mkdtemp(prefix="compare-runtimes-bin-"))
    binary = str(snapshot_dir / "maskfill")
    shutil.copy2(source_binary, binary)
    atexit.register(shutil.rmtree, snapshot_dir, True)
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(source_binary.stat().st_mtime))
    log(f"maskfill: {source_binary} (built {built}), measuring a copy at {binary}")
    pause = [int(p) for p in args.pause_pids.replace(",", " ").split()]
    name = folder.name
    work = args.work_dir or Path("/tmp/compare-runtimes") / name

    facts = ModelFacts(folder)
    texts = [
        ("seed", SEED_SENTENCE),
        ("sentence", SENTENCE_23),
        (f"text{min(128, facts.max_tokens)}", facts.text_of(min(128, facts.max_tokens))),
        (f"text{facts.max_tokens}", facts.text_of(facts.max_tokens)),
    ]
    for label, text in texts:
        log(f"input {label}: {facts.count(text)} tokens: {text if len(text) < 110 else text[:107] + '...'}")
    if facts.count(SENTENCE_23) != 23:
        log(f"warning: the 23-token sentence is {facts.count(SENTENCE_23)} tokens with this tokenizer")

    # Artifacts (not timed, not paused).
    int8_folder = Path("/tmp") / f"{name}-int8"
    done = subprocess.run([binary, "quantize", str(folder), str(int8_folder)], capture_output=True, text=True, env=child_env)
    if done.returncode != 0:
        raise SystemExit(f"maskfill quantize failed: {done.stderr.strip()}")
    log(done.stderr.strip())
    onnx_models, optimizer_notes = build_onnx(facts, work, args.rebuild_onnx)
    failed = {}
    stamp_file = work / "stamp.json"
    if stamp_file.exists():
        failed = json.loads(stamp_file.read_text()).get("failed", {})

    import numpy
    import onnx
    import onnxruntime
    import torch
    import transformers

    torch_engine = TorchEngine(facts, args.threads)
    ort_sessions = {key: OrtEngine(facts, path, args.threads) for key, path in onnx_models.items()}
    if not any(k.startswith("full-") for k in ort_sessions):
        raise SystemExit("no usable ORT int8 model")

    engines_run = [
        "pytorch_fp32", "pytorch_fp32_maskhead", "ort_int8", "ort_int8_maskhead", "maskfill_int8", "maskfill_fp32",
    ]
    report = {
        "model": str(folder), "maskfill": str(source_binary), "maskfill_built": built, "runs": args.runs, "threads": args.threads, "max_other_load": args.max_other_load, "startup_runs": args.startup_runs,
        "paused_pids": [], "inputs": [], "startup": {}, "sanity": {},
        "definition": "tokenization + forward + head + softmax + top-5 + decoding of candidates; median/p95 after 2 warm-ups",
    }
    with Paused(pause) as paused:
        report["paused_pids"] = list(paused.stopped)
        # Pilot: plain vs optimizer-fused graph, interleaved run by run, on the 128-token text.
        pilot_label, pilot_text = texts[2]
        pilot = {}
        for kind in ("full", "maskhead"):
            candidates = {k: s for k, s in ort_sessions.items() if k.startswith(kind + "-")}
            samples = {k: [] for k in candidates}
            for session in candidates.values():
                for _ in range(WARMUP):
                    session.fill(pilot_text)
            for i in range(args.pilot_runs):
                keys = list(candidates) if i % 2 == 0 else list(reversed(candidates))
                for key in keys:
                    start = time.perf_counter_ns()
                    candidates[key].fill(pilot_text)
                    samples[key].append((time.perf_counter_ns() - start) / 1e6)
            for key, values in samples.items():
                pilot[key.replace("-int8.onnx", "")] = median_p95(values)[0]
        chosen_full = min((k for k in ort_sessions if k.startswith("full-")), key=lambda k: pilot[k.replace("-int8.onnx", "")])
        head_keys = [k for k in ort_sessions if k.startswith("maskhead-")]
        chosen_head = min(head_keys, key=lambda k: pilot[k.replace("-int8.onnx", "")]) if head_keys else None
        log(f"ORT pilot ({pilot_label}): " + ", ".join(f"{k} {v:.1f} ms" for k, v in pilot.items())
            + f" -> {chosen_full}, {chosen_head}")
        for key in list(ort_sessions):
            if key not in (chosen_full, chosen_head):
                del ort_sessions[key]
        report["ort"] = {
            "pilot_tokens": facts.count(pilot_text), "pilot_ms": pilot, "chosen_full": chosen_full,
            "chosen_maskhead": chosen_head, "optimizer": optimizer_notes, "failed": failed,
        }

        fills = {
            "pytorch_fp32": lambda t: torch_engine.fill(t),
            "pytorch_fp32_maskhead": lambda t: torch_engine.fill(t, head_at_mask=True),
            "ort_int8": ort_sessions[chosen_full].fill,
        }
        if chosen_head:
            fills["ort_int8_maskhead"] = ort_sessions[chosen_head].fill
        memory = {}
        kernels = None
        for index, (label, text) in enumerate(texts):
            order = engines_run[index % len(engines_run):] + engines_run[: index % len(engines_run)]
            row = {"name": label, "input": text, "tokens": facts.count(text), "results": {}}
            for engine in order:
                if not (engine.startswith("maskfill_") or engine in fills):
                    continue
                attempts = []
                for attempt in range(1 + args.retries):
                    with ForeignLoad() as load:
                        if engine.startswith("maskfill_"):
                            precision = engine.split("_")[1]
                            source = int8_folder if precision == "int8" else folder
                            result = maskfill_bench(binary, source, precision, text, args.runs, child_env)
                        else:
                            result = time_fills(fills[engine], text, args.runs)
                    result["other_cpu_cores"] = round(load.cores, 3)
                    attempts.append(result)
                    log(f"{label:>9} {row['tokens']:4d} tokens  {engine:<22} median {result['median_ms']:8.2f} ms  "
                        f"p95 {result['p95_ms']:8.2f} ms  (other processes: {load.cores:.2f} cores)")
                    if load.cores <= args.max_other_load:
                        break
                    if attempt < args.retries:
                        log(f"{'':>9} other processes used {load.cores:.2f} cores (> {args.max_other_load}); measuring again")
                result = min(attempts, key=lambda r: r["other_cpu_cores"])  # the quietest attempt
                result["attempts"] = len(attempts)
                if engine.startswith("maskfill_"):
                    precision = engine.split("_")[1]
                    kernels = result.pop("kernels")
                    if result.pop("threads") != args.threads:
                        log("warning: maskfill did not report the requested thread count")
                    if result["tokens"] != row["tokens"]:
                        log(f"warning: maskfill counts {result['tokens']} tokens for {label}, Python {row['tokens']}")
                    seen = memory.setdefault(precision, {"load_ms": 0.0, "peak_rss_mb": 0.0, "process_peak_rss_mb": 0.0})
                    for field in seen:
                        seen[field] = max(seen[field], max(a[field] for a in attempts))
                row["results"][engine] = result
            report["inputs"].append(row)
        report["maskfill_memory"] = memory

        # Startup, round-robin.
        commands = {
            "maskfill_fill_int8": [binary, "fill", "--model", str(int8_folder), SEED_SENTENCE],
            "transformers_pipeline": [sys.executable, "-c", PIPELINE_CHILD, str(folder), SEED_SENTENCE, threads],
            "ort_int8": [sys.executable, "-c", ORT_CHILD, str(work / chosen_full), str(folder / "tokenizer.json"),
                         str(facts.mask_id), SEED_SENTENCE, facts.mask_token, threads],
        }
        samples = {key: [] for key in commands}
        startup_load = ForeignLoad().__enter__()
        for key, command in commands.items():
            run_child(command, child_env)  # warm the page cache
        for i in range(args.startup_runs):
            keys = list(commands)
            keys = keys[i % len(keys):] + keys[: i % len(keys)]
            for key in keys:
                samples[key].append(run_child(commands[key], child_env))
                log(f"startup {key} run {i + 1}: first result {samples[key][-1]['first_result_ms']:.0f} ms, "
                    f"peak RSS {samples[key][-1]['peak_rss_mb']:.0f} MB")
        startup_load.__exit__(None, None, None)
        report["startup_other_cpu_cores"] = round(startup_load.cores, 3)
        for key, values in samples.items():
            report["startup"][key] = {
                field: plain_median([v[field] for v in values]) for field in ("first_result_ms", "total_ms", "peak_rss_mb")
            }
            report["startup"][key]["all_first_result_ms"] = [round(v["first_result_ms"], 1) for v in values]

        # Sanity: top-3 of each engine for the seed sentence.
        top3 = lambda result: [c["token_str"] for c in result[0][:3]]  # noqa: E731
        report["sanity"]["pytorch_fp32"] = top3(torch_engine.fill(SEED_SENTENCE))
        report["sanity"]["ort_int8"] = top3(fills["ort_int8"](SEED_SENTENCE))
        if "ort_int8_maskhead" in fills:
            report["sanity"]["ort_int8_maskhead"] = top3(fills["ort_int8_maskhead"](SEED_SENTENCE))
        for precision, source in (("int8", int8_folder), ("fp32", folder)):
            done = subprocess.run([binary, "fill", "--json", "--precision", precision, "--model", str(source), SEED_SENTENCE],
                                  capture_output=True, text=True, env=child_env)
            report["sanity"][f"maskfill_{precision}"] = [c["token_str"] for c in json.loads(done.stdout)[:3]] if done.returncode == 0 else done.stderr.strip()

    report["environment"] = {
        "python": platform.python_version(), "torch": torch.__version__, "transformers": transformers.__version__,
        "onnxruntime": onnxruntime.__version__, "onnx": onnx.__version__, "numpy": numpy.__version__,
        "cpu": next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name")), platform.processor()),
        "cores": os.cpu_count(), "threads": args.threads, "maskfill_kernels": kernels,
        "model_type": facts.model_type, "layers": facts.config.get("num_hidden_layers"),
        "hidden_size": facts.hidden_size, "vocab_size": facts.config.get("vocab_size"),
    }
    if args.json_file:
        args.json_file.write_text(json.dumps(report, indent=2))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
