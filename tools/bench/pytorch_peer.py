#!/usr/bin/env python3
"""PyTorch peer of `mllr bench`: the same model, shape, optimizer and thread count, measured with torch on the CPU.

Reads a Hugging Face llama-family folder (config.json + model.safetensors, parsed here in plain Python), then
measures, each as the median of --repeats runs after --warmup runs:
  train     one full step on batch x sequence tokens: forward, causal-LM loss, backward, grad-norm clip 1, AdamW
  forward   logits for batch x sequence tokens (no grad)
  generate  greedy continuation of batch prompts of prompt-length tokens by new-tokens tokens, with a KV cache
  matmul    one 512^3 MatMul (the BLAS torch is linked against)
and prints one JSON object (with the process's peak resident memory, peak_rss_bytes) on stdout (progress goes to stderr). Exit 2 when torch is missing or the model is bad.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as error:  # the caller turns exit 2 into a clear message
    print(f"pytorch_peer: torch is not importable by {sys.executable}: {error}", file=sys.stderr)
    sys.exit(2)

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def fail(message):
    print(f"pytorch_peer: {message}", file=sys.stderr)
    sys.exit(2)


def read_safetensors(path):
    """Tensors of a safetensors file as float32, by name (header: 8-byte little-endian length, then JSON)."""
    with open(path, "rb") as f:
        raw = f.read()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    base = 8 + size
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = DTYPES.get(entry["dtype"])
        if dtype is None:
            fail(f"{path}: tensor {name} has dtype {entry['dtype']}, not one of {sorted(DTYPES)}")
        start, end = entry["data_offsets"]
        data = bytearray(raw[base + start : base + end])
        tensors[name] = torch.frombuffer(data, dtype=dtype).reshape(entry["shape"]).float().clone()
    return tensors


class RmsNorm(torch.nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = c["heads"], c["kv_heads"], c["head_dim"]
        bias = c["bias"]
        self.q_proj = torch.nn.Linear(c["hidden"], self.heads * self.head_dim, bias=bias)
        self.k_proj = torch.nn.Linear(c["hidden"], self.kv_heads * self.head_dim, bias=bias)
        self.v_proj = torch.nn.Linear(c["hidden"], self.kv_heads * self.head_dim, bias=bias)
        self.o_proj = torch.nn.Linear(self.heads * self.head_dim, c["hidden"], bias=False)

    def forward(self, x, cos, sin, mask, past):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past is not None:
            k = torch.cat((past[0], k), dim=2)
            v = torch.cat((past[1], v), dim=2)
        present = (k, v)
        groups = self.heads // self.kv_heads
        if groups > 1:
            k = k.repeat_interleave(groups, dim=1)
            v = v.repeat_interleave(groups, dim=1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores + mask
        out = torch.softmax(scores, dim=-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, t, -1)), present


class Mlp(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = torch.nn.Linear(c["hidden"], c["intermediate"], bias=False)
        self.up_proj = torch.nn.Linear(c["hidden"], c["intermediate"], bias=False)
        self.down_proj = torch.nn.Linear(c["intermediate"], c["hidden"], bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RmsNorm(c["hidden"], c["eps"])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RmsNorm(c["hidden"], c["eps"])
        self.mlp = Mlp(c)

    def forward(self, x, cos, sin, mask, past):
        attended, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, past)
        x = x + attended
        return x + self.mlp(self.post_attention_layernorm(x)), present


def scaled_inv_freq(inv_freq, scaling):
    """config.json rope_scaling as mllr runs it (linear, llama3), so the peer computes the same model."""
    kind = None if scaling is None else scaling.get("rope_type", scaling.get("type"))
    if kind in (None, "default"):
        return inv_freq
    if kind == "linear":
        return inv_freq / scaling["factor"]
    if kind != "llama3":
        fail(f"rope_scaling kind {kind!r} is not supported (mllr runs linear and llama3)")
    factor, lo, hi = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    context = scaling["original_max_position_embeddings"]
    wavelength = 2 * math.pi / inv_freq
    long_waves = torch.where(wavelength > context / lo, inv_freq / factor, inv_freq)
    t = (context / wavelength - lo) / (hi - lo)
    in_band = (wavelength >= context / hi) & (wavelength <= context / lo)
    return torch.where(in_band, (1 - t) * long_waves / factor + t * long_waves, long_waves)


class Decoder(torch.nn.Module):
    """Llama / qwen2 / mistral decoder with parameters named as in the Hugging Face checkpoint."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.model = torch.nn.Module()
        self.model.embed_tokens = torch.nn.Embedding(c["vocab"], c["hidden"])
        self.model.layers = torch.nn.ModuleList([Layer(c) for _ in range(c["layers"])])
        self.model.norm = RmsNorm(c["hidden"], c["eps"])
        if not c["tied"]:
            self.lm_head = torch.nn.Linear(c["hidden"], c["vocab"], bias=False)
        half = c["head_dim"] // 2
        inv_freq = scaled_inv_freq(1.0 / (c["rope_theta"] ** (torch.arange(0, half, dtype=torch.float32) * 2 / c["head_dim"])), c["rope_scaling"])
        angles = torch.outer(torch.arange(c["context"], dtype=torch.float32), inv_freq)
        angles = torch.cat((angles, angles), dim=-1)
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)

    def forward(self, ids, past=None):
        b, t = ids.shape
        start = 0 if past is None else past[0][0].shape[2]
        cos = self.cos[start : start + t][None, None]
        sin = self.sin[start : start + t][None, None]
        mask = None
        if t > 1:
            mask = torch.full((t, start + t), float("-inf")).triu(start + 1)[None, None]
        x = self.model.embed_tokens(ids)
        presents = []
        for i, layer in enumerate(self.model.layers):
            x, present = layer(x, cos, sin, mask, None if past is None else past[i])
            presents.append(present)
        x = self.model.norm(x)
        head = self.model.embed_tokens.weight if self.c["tied"] else self.lm_head.weight
        return x @ head.t(), presents


def load_model(folder):
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    heads = config["num_attention_heads"]
    c = {
        "hidden": config["hidden_size"],
        "intermediate": config["intermediate_size"],
        "layers": config["num_hidden_layers"],
        "heads": heads,
        "kv_heads": config.get("num_key_value_heads") or heads,
        "head_dim": config.get("head_dim") or config["hidden_size"] // heads,
        "context": config["max_position_embeddings"],
        "eps": config.get("rms_norm_eps", 1e-6),
        "rope_theta": config.get("rope_theta", 10000.0),
        "rope_scaling": config.get("rope_scaling"),
        "tied": bool(config.get("tie_word_embeddings", False)),
        "vocab": config["vocab_size"],
        "bias": bool(config.get("attention_bias", config.get("model_type") == "qwen2")),
    }
    model = Decoder(c)
    weights = read_safetensors(os.path.join(folder, "model.safetensors"))
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if missing or unexpected:
        fail(f"{folder}: the checkpoint does not match the architecture (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return model, c


def synthetic_sequences(count, length, vocab, seed=1, reserved=3):
    """The same seeded ids as mllr's syntheticSequences (packages/pipeline/src/bench/reference-shape.ts)."""
    state = seed & 0xFFFFFFFF
    span = max(1, vocab - reserved)
    rows = []
    for _ in range(count):
        row = []
        for _ in range(length):
            state = (state * 1103515245 + 12345) & 0xFFFFFFFF
            row.append(reserved + ((state >> 8) % span))
        rows.append(row)
    return torch.tensor(rows, dtype=torch.long)


def timed(label, task, warmup, repeats):
    for _ in range(warmup):
        task()
    runs = []
    for i in range(repeats):
        started = time.perf_counter()
        task()
        runs.append(time.perf_counter() - started)
        print(f"pytorch {label}: run {i + 1}/{repeats} {runs[-1]:.3f} s", file=sys.stderr, flush=True)
    return runs


def blas_in_use():
    """The BLAS library torch has loaded (from /proc/self/maps), resolved through symlinks and alternatives."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    if not paths:
        return "none loaded (torch uses its own kernels)"
    real = sorted({os.path.realpath(p) for p in paths})
    kind = "OpenBLAS" if any("openblas" in p for p in real) else "reference BLAS (netlib)" if any("/blas/" in p for p in real) else "BLAS"
    return f"{kind}: {', '.join(real)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--sequence", type=int, default=128)
    parser.add_argument("--generate-batch", type=int, default=16)
    parser.add_argument("--prompt-length", type=int, default=32)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    args = parser.parse_args()
    if args.threads < 1 or args.repeats < 1 or args.warmup < 0:
        fail("--threads and --repeats must be ≥ 1 and --warmup ≥ 0")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, c = load_model(args.model)
    if args.sequence > c["context"] or args.prompt_length + args.new_tokens > c["context"]:
        fail(f"the shape does not fit the model's context of {c['context']}")

    n = 512
    a = torch.randn(n, n)
    matmul_runs = timed("matmul 512^3", lambda: a @ a, 2, 10)
    matmul_gflops = 2 * n**3 / statistics.median(matmul_runs) / 1e9

    ids = synthetic_sequences(args.batch, args.sequence, c["vocab"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, betas=(0.9, 0.999), eps=1e-8, weight_decay=args.weight_decay)

    def train_step():
        logits, _ = model(ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, c["vocab"]), ids[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    model.train()
    train_runs = timed("train", train_step, args.warmup, args.repeats)

    model.eval()

    def forward():
        with torch.no_grad():
            model(ids)

    forward_runs = timed("forward", forward, args.warmup, args.repeats)

    prompts = synthetic_sequences(args.generate_batch, args.prompt_length, c["vocab"], seed=2)

    def generate():
        with torch.no_grad():
            logits, past = model(prompts)
            new = []
            for step in range(args.new_tokens):
                token = logits[:, -1].argmax(-1, keepdim=True)
                new.append(token)
                if step + 1 < args.new_tokens:
                    logits, past = model(token, past)
            out = torch.cat(new, dim=1)
            assert out.shape == (args.generate_batch, args.new_tokens)

    generate_runs = timed("generate", generate, args.warmup, args.repeats)

    tokens = args.batch * args.sequence
    print(
        json.dumps(
            {
                "name": "pytorch",
                "torch_version": torch.__version__,
                "blas": blas_in_use(),
                "threads": torch.get_num_threads(),
                "device": "cpu",
                "matmul_gflops": matmul_gflops,
                "train_tokens_per_s": tokens / statistics.median(train_runs),
                "forward_tokens_per_s": tokens / statistics.median(forward_runs),
                "generate_new_tokens_per_s": args.generate_batch * args.new_tokens / statistics.median(generate_runs),
                "runs_s": {"train": train_runs, "forward": forward_runs, "generate": generate_runs},
                "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
