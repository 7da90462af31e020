"""A small Transformer encoder-decoder with cached incremental decoding, in one file.

Pre-layer-norm blocks (Xiong et al. 2020: stable without a warm-up schedule),
sinusoidal positions (Vaswani et al. 2017, so any output length can be
decoded), attention written out so that the cross-attention weights behind
each answer can be read and the decoder's keys and values cached.

Greedy decoding comes in two forms with identical results:
``greedy_decode(..., use_cache=True)`` feeds one new token per step and keeps
every decoder layer's self-attention keys and values (and the cross-attention
keys and values of the encoder states, computed once); ``use_cache=False``
reruns the decoder over the whole prefix at every step, the textbook
reference that the speed benchmark compares against.

Shapes: ``B`` batch, ``S`` source length, ``T`` target length, ``D`` model
width, ``h`` heads, ``d = D / h`` head width, ``V`` target vocabulary size.

>>> import torch
>>> cfg = TransformerConfig(src_vocab_size=7, tgt_vocab_size=6, d_model=8, num_heads=2,
...                         ff_size=16, dropout=0.0)
>>> model = TransformerSeq2Seq(cfg).train(False)
>>> src = torch.tensor([[4, 5, 3], [6, 3, 0]])
>>> a, _ = model.greedy_decode(src, src != 0, max_len=5, use_cache=True)
>>> b, _ = model.greedy_decode(src, src != 0, max_len=5, use_cache=False)
>>> torch.equal(a, b)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from neural.vocab import BOS_ID, EOS_ID, PAD_ID


class Cache:
    """One decoder layer's self-attention keys and values so far, and the
    encoder's keys and values for its cross-attention.

    Keys and values live in zero-initialized buffers whose capacity doubles
    when full, and attention reads the whole buffer with the unused tail
    masked out. Appending by concatenation would copy the cache at every step
    (quadratic in the output length), and attending over a slice of a larger
    buffer runs several times slower than over a contiguous one on CPU.
    """

    def __init__(self) -> None:
        self.size = 0
        self.k: torch.Tensor | None = None  # (B, h, capacity, d)
        self.v: torch.Tensor | None = None
        self.memory: tuple[torch.Tensor, torch.Tensor] | None = None  # (B, h, S, d) each

    def extend(
        self, k: torch.Tensor, v: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Append ``k``, ``v`` ``(B, h, T, d)``; the buffers and which of their
        positions are filled, ``(1, 1, 1, capacity)``."""
        end = self.size + k.shape[2]
        if self.k is None or self.v is None or end > self.k.shape[2]:
            B, h, _, d = k.shape
            capacity = max(8, 1 << (end - 1).bit_length())
            new_k, new_v = k.new_zeros(B, h, capacity, d), v.new_zeros(B, h, capacity, d)
            if self.k is not None and self.v is not None:
                new_k[:, :, : self.size] = self.k[:, :, : self.size]
                new_v[:, :, : self.size] = self.v[:, :, : self.size]
            self.k, self.v = new_k, new_v
        self.k[:, :, self.size : end] = k
        self.v[:, :, self.size : end] = v
        self.size = end
        filled = torch.arange(self.k.shape[2], device=k.device) < end
        return self.k, self.v, filled[None, None, None, :]


@dataclass(frozen=True)
class TransformerConfig:
    src_vocab_size: int
    tgt_vocab_size: int
    d_model: int = 128
    num_heads: int = 4
    num_encoder_layers: int = 2
    num_decoder_layers: int = 2
    ff_size: int = 256
    dropout: float = 0.1

    def __post_init__(self) -> None:
        if self.d_model % self.num_heads:
            raise ValueError("d_model must be a multiple of num_heads")


def sinusoid(positions: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal position codes ``(len(positions), dim)``."""
    freq = torch.exp(
        torch.arange(0, dim, 2, device=positions.device, dtype=torch.float32)
        * (-math.log(10000.0) / dim)
    )  # (dim/2,)
    angle = positions[:, None].float() * freq[None, :]  # (P, dim/2)
    out = torch.zeros(len(positions), dim, device=positions.device)
    out[:, 0::2] = torch.sin(angle)
    out[:, 1::2] = torch.cos(angle[:, : dim // 2])
    return out


class Attention(nn.Module):
    """Multi-head scaled dot-product attention with an optional key/value cache."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        D = config.d_model
        self.h = config.num_heads
        self.query = nn.Linear(D, D)
        self.key_value = nn.Linear(D, 2 * D)
        self.proj = nn.Linear(D, D)
        self.drop = nn.Dropout(config.dropout)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        B, T, D = x.shape
        return x.view(B, T, self.h, D // self.h).transpose(1, 2)  # (B, h, T, d)

    def keys_values(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        k, v = self.key_value(x).chunk(2, dim=-1)
        return self.split(k), self.split(v)  # (B, h, S, d) each

    def forward(
        self,
        x: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        allowed: torch.Tensor | None,
        need_weights: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Attend from ``x`` ``(B, T, D)`` to keys/values ``(B, h, S, d)``.

        ``allowed`` broadcasts to ``(B, h, T, S)``; returns the output
        ``(B, T, D)`` and, if asked for, the weights ``(B, h, T, S)``. In
        training the fused kernel runs; at inference, where one query row at a
        time is common, two plain matrix products are several times faster.
        """
        B, T, D = x.shape
        q = self.split(self.query(x))  # (B, h, T, d)
        if self.training and not need_weights:
            p = self.drop.p if self.training else 0.0
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, dropout_p=p)
            return self.proj(out.transpose(1, 2).reshape(B, T, D)), None
        scores = q @ k.transpose(-2, -1) / math.sqrt(D // self.h)  # (B, h, T, S)
        if allowed is not None:
            scores = scores.masked_fill(~allowed, float("-inf"))
        weights = F.softmax(scores, dim=-1)
        out = (self.drop(weights) @ v).transpose(1, 2).reshape(B, T, D)
        return self.proj(out), weights


class FeedForward(nn.Sequential):
    def __init__(self, config: TransformerConfig):
        super().__init__(
            nn.Linear(config.d_model, config.ff_size),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.ff_size, config.d_model),
        )


class EncoderLayer(nn.Module):
    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(config.d_model)
        self.attn = Attention(config)
        self.norm2 = nn.LayerNorm(config.d_model)
        self.ff = FeedForward(config)
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
        y = self.norm1(x)
        x = x + self.drop(self.attn(y, *self.attn.keys_values(y), allowed)[0])
        return x + self.drop(self.ff(self.norm2(x)))


class DecoderLayer(nn.Module):
    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(config.d_model)
        self.self_attn = Attention(config)
        self.norm2 = nn.LayerNorm(config.d_model)
        self.cross_attn = Attention(config)
        self.norm3 = nn.LayerNorm(config.d_model)
        self.ff = FeedForward(config)
        self.drop = nn.Dropout(config.dropout)

    def forward(
        self,
        x: torch.Tensor,
        memory: torch.Tensor,
        causal: torch.Tensor | None,
        src_allowed: torch.Tensor,
        cache: Cache | None = None,
        need_weights: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """New states ``(B, T, D)`` and cross-attention weights ``(B, h, T, S)`` if asked for.

        With a ``cache``, ``x`` holds only the newest positions: their keys and
        values are appended to the cached ones, and the encoder's keys and
        values are computed on the first call only.
        """
        y = self.norm1(x)
        k, v = self.self_attn.keys_values(y)  # (B, h, T, d)
        allowed = causal
        if cache is not None:  # one new position, which may see every filled one
            k, v, allowed = cache.extend(k, v)  # (B, h, capacity, d)
        x = x + self.drop(self.self_attn(y, k, v, allowed)[0])
        if cache is not None and cache.memory is not None:
            mk, mv = cache.memory
        else:
            mk, mv = self.cross_attn.keys_values(memory)  # (B, h, S, d)
            if cache is not None:
                cache.memory = mk, mv
        out, weights = self.cross_attn(self.norm2(x), mk, mv, src_allowed, need_weights)
        x = x + self.drop(out)
        return x + self.drop(self.ff(self.norm3(x))), weights


class TransformerSeq2Seq(nn.Module):
    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.config = config
        D = config.d_model
        self.src_embed = nn.Embedding(config.src_vocab_size, D, padding_idx=PAD_ID)
        self.tgt_embed = nn.Embedding(config.tgt_vocab_size, D, padding_idx=PAD_ID)
        self.encoder = nn.ModuleList(EncoderLayer(config) for _ in range(config.num_encoder_layers))
        self.decoder = nn.ModuleList(DecoderLayer(config) for _ in range(config.num_decoder_layers))
        self.enc_norm = nn.LayerNorm(D)
        self.dec_norm = nn.LayerNorm(D)
        self.out = nn.Linear(D, config.tgt_vocab_size)
        self.drop = nn.Dropout(config.dropout)
        for emb in (self.src_embed, self.tgt_embed):
            # Scaled by sqrt(D) in embed(), unit-variance entries: on a par with the positions.
            nn.init.normal_(emb.weight, std=D**-0.5)
            nn.init.zeros_(emb.weight[PAD_ID])

    def embed(self, embedding: nn.Embedding, ids: torch.Tensor, start: int = 0) -> torch.Tensor:
        positions = torch.arange(start, start + ids.shape[1], device=ids.device)
        x = embedding(ids) * math.sqrt(self.config.d_model) + sinusoid(positions, self.config.d_model)
        return self.drop(x)  # (B, T, D)

    def encode(self, src: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
        """Encoder states ``(B, S, D)``."""
        allowed = src_mask[:, None, None, :]  # (B, 1, 1, S)
        x = self.embed(self.src_embed, src)
        for layer in self.encoder:
            x = layer(x, allowed)
        return self.enc_norm(x)

    def decode(
        self,
        tgt_in: torch.Tensor,
        memory: torch.Tensor,
        src_mask: torch.Tensor,
        caches: list[Cache] | None = None,
        start: int = 0,
        need_weights: bool = False,
        logits: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits ``(B, T, V)`` (without ``logits``: the final states ``(B, T, D)`` the output layer
        reads) and, if asked for, last-layer cross-attention ``(B, h, T, S)``.

        Without caches ``tgt_in`` is the whole prefix and a causal mask applies;
        with caches it holds the positions from ``start`` on, which may attend
        to every cached position.
        """
        T = tgt_in.shape[1]
        causal = None
        if caches is None:
            causal = torch.ones(T, T, dtype=torch.bool, device=tgt_in.device).tril()
        x = self.embed(self.tgt_embed, tgt_in, start)
        weights = None
        last = len(self.decoder) - 1
        for i, layer in enumerate(self.decoder):
            cache = None if caches is None else caches[i]
            x, weights = layer(
                x, memory, causal, src_mask[:, None, None, :], cache, need_weights and i == last
            )
        return self.out(self.dec_norm(x)) if logits else self.dec_norm(x), weights

    def forward(
        self, src: torch.Tensor, src_mask: torch.Tensor, tgt_in: torch.Tensor
    ) -> torch.Tensor:
        """Teacher-forced logits ``(B, T, V)``."""
        return self.decode(tgt_in, self.encode(src, src_mask), src_mask)[0]

    @torch.no_grad()
    def greedy_decode(
        self, src: torch.Tensor, src_mask: torch.Tensor, max_len: int, use_cache: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Greedy ids ``(B, T)`` and head-averaged last-layer cross-attention ``(B, T, S)``."""
        B = src.shape[0]
        memory = self.encode(src, src_mask)
        prefix = torch.full((B, max_len + 1), PAD_ID, dtype=torch.long, device=src.device)
        prefix[:, 0] = BOS_ID
        caches = [Cache() for _ in self.decoder] if use_cache else None
        done = torch.zeros(B, dtype=torch.bool, device=src.device)
        attn = []
        for t in range(max_len):
            step_in = prefix[:, t : t + 1] if use_cache else prefix[:, : t + 1]
            logits, weights = self.decode(
                step_in, memory, src_mask, caches, t if use_cache else 0, need_weights=True
            )
            assert weights is not None
            token = logits[:, -1].argmax(dim=-1).masked_fill(done, PAD_ID)  # (B,)
            prefix[:, t + 1] = token
            attn.append(weights[:, :, -1].mean(dim=1))  # (B, S)
            done = done | (token == EOS_ID)
            if bool(done.all()):
                break
        return prefix[:, 1 : len(attn) + 1], torch.stack(attn, dim=1)

    @torch.no_grad()
    def first_output_state(self, src: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
        """The final decoder state ``(B, D)`` at ``<bos>``: what the output layer reads to choose the first token.

        It attends to the whole input (cross-attention in every decoder layer)
        and, at the first step, to nothing else.
        """
        bos = torch.full((src.shape[0], 1), BOS_ID, dtype=torch.long, device=src.device)
        states, _ = self.decode(bos, self.encode(src, src_mask), src_mask, logits=False)
        return states[:, 0]

    @torch.no_grad()
    def pooled(self, src: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
        """One vector per source ``(B, D)``: the mean of its encoder states."""
        memory = self.encode(src, src_mask)
        mask = src_mask[:, :, None].to(memory.dtype)
        return (memory * mask).sum(dim=1) / mask.sum(dim=1)
