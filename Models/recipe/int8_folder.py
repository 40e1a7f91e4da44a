"""Reading a folder written by `maskfill quantize` back into fp32 tensors (PyTorch).

Its model.safetensors holds each matrix as `X.weight` (I8) with `X.weight_scale` (F32, one per
row), and only the token-type rows a fill uses; config.json carries `quantization_config`
(quant_method "maskfill-int8"). A smoothed folder (`quantize --calibration`, format_version 2)
also holds `X.input_scale` (F32, one per input channel): its stored columns were divided by
those factors, so they are multiplied back in here. Used to run the shipped weights in transformers (acceptance.py)
and to warm-start training from them (train.py --init Models/maskfill-mini).
"""
import json
import os


def is_int8_folder(folder):
    config = os.path.join(folder, "config.json")
    if not os.path.exists(config):
        return False
    quantization = json.load(open(config)).get("quantization_config") or {}
    return quantization.get("quant_method") == "maskfill-int8"


def dequantized_state(folder, type_vocab_size):
    """The fp32 state dict: code × row scale (× the input scale of each column, when smoothed)
    for int8 matrices, token-type rows padded with zeros up to `type_vocab_size` (only type 0 is
    ever used)."""
    import torch
    from safetensors.torch import load_file
    raw = load_file(os.path.join(folder, "model.safetensors"))
    state = {}
    for name, tensor in raw.items():
        if name.endswith(".weight_scale") or name.endswith(".input_scale"):
            continue
        scale = raw.get(name + "_scale")
        state[name] = tensor.float() * scale[:, None] if scale is not None else tensor.float()
        smoothing = raw.get(name[: -len(".weight")] + ".input_scale") if name.endswith(".weight") else None
        if smoothing is not None:
            state[name] = state[name] * smoothing.float()[None, :]
        if name.endswith("token_type_embeddings.weight") and state[name].shape[0] < type_vocab_size:
            padded = torch.zeros(type_vocab_size, state[name].shape[1])
            padded[: state[name].shape[0]] = state[name]
            state[name] = padded
    return state
