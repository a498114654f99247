"""A tiny llama-architecture GGUF (about 120 KB) written with the `gguf` package: random
weights, a byte-level vocabulary and a chat template. It speaks nonsense, but llama.cpp loads
it and runs it for real, and under a JSON-schema grammar its answers have the answer's shape —
enough to exercise every line of the local backend without a download."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_tiny_gguf(path: Path) -> Path:
    import gguf

    n_embd, n_head, n_ff = 32, 2, 64
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + ["▁", "{", "}", '"', ":", ",", "[", "]"]
    types = [2, 3, 3] + [6] * 256 + [1] * 8
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_context_length(16384)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(1)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head)
    writer.add_rope_dimension_count(n_embd // n_head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores([0.0] * len(tokens))
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_chat_template("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}<|assistant|>")
    rng = np.random.default_rng(0)

    def weights(name: str, *shape: int) -> None:
        writer.add_tensor(name, (rng.standard_normal(shape) * 0.02).astype(np.float32))

    weights("token_embd.weight", len(tokens), n_embd)
    weights("output.weight", len(tokens), n_embd)
    for name in ("output_norm.weight", "blk.0.attn_norm.weight", "blk.0.ffn_norm.weight"):
        writer.add_tensor(name, np.ones(n_embd, dtype=np.float32))
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        weights(f"blk.0.{name}.weight", n_embd, n_embd)
    weights("blk.0.ffn_gate.weight", n_ff, n_embd)
    weights("blk.0.ffn_up.weight", n_ff, n_embd)
    weights("blk.0.ffn_down.weight", n_embd, n_ff)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
