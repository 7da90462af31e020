"""A GRU encoder-decoder with attention, in one readable file.

Encoder: a bidirectional GRU (``hidden_size / 2`` per direction, so that each
encoder state has ``hidden_size`` units). Decoder: a GRU started from the
encoder's final states, with global attention over the encoder states and
input feeding (Luong, Pham & Manning 2015, "general" score): the decoder state
``h_t`` scores every encoder state, the weighted context ``c_t`` and ``h_t``
are combined as ``a_t = tanh(W [h_t; c_t])``, which is projected onto the
target vocabulary *and* fed to the decoder GRU beside the next input token.
Feeding the attention back tells the decoder where in the input it has got
to, as the attention of Bahdanau et al. (2015) used by Lake & Baroni (2018)
does; a decoder that never sees its attention learns long outputs far more
slowly. The price: teacher-forced training steps through the target one token
at a time.

Shapes: ``B`` batch, ``S`` source length (with its end marker), ``T`` target
length, ``H`` hidden size, ``L`` layers, ``V`` target vocabulary size.

>>> import torch
>>> cfg = GRUConfig(src_vocab_size=7, tgt_vocab_size=6, hidden_size=8)
>>> model = GRUSeq2Seq(cfg)
>>> src = torch.tensor([[4, 5, 3], [6, 3, 0]])
>>> model(src, src != 0, torch.tensor([[2, 4], [2, 5]])).shape
torch.Size([2, 2, 6])
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from neural.vocab import BOS_ID, EOS_ID, PAD_ID


@dataclass(frozen=True)
class GRUConfig:
    src_vocab_size: int
    tgt_vocab_size: int
    hidden_size: int = 128
    num_layers: int = 1
    dropout: float = 0.1

    def __post_init__(self) -> None:
        if self.hidden_size < 2 or self.hidden_size % 2:
            raise ValueError("hidden_size must be an even number >= 2 (two encoder directions)")
        if self.num_layers < 1:
            raise ValueError("num_layers must be >= 1")


class GRUSeq2Seq(nn.Module):
    """Bidirectional GRU encoder, GRU decoder, global attention."""

    def __init__(self, config: GRUConfig):
        super().__init__()
        self.config = config
        H, L, p = config.hidden_size, config.num_layers, config.dropout
        between_layers = p if L > 1 else 0.0
        self.src_embed = nn.Embedding(config.src_vocab_size, H, padding_idx=PAD_ID)
        self.encoder = nn.GRU(
            H, H // 2, L, batch_first=True, bidirectional=True, dropout=between_layers
        )
        self.bridge = nn.Linear(H, H)  # final encoder states -> decoder initial state
        self.tgt_embed = nn.Embedding(config.tgt_vocab_size, H, padding_idx=PAD_ID)
        self.decoder = nn.GRU(2 * H, H, L, batch_first=True, dropout=between_layers)
        self.score = nn.Linear(H, H, bias=False)  # Luong's "general" score h^T W m
        self.combine = nn.Linear(2 * H, H)
        self.out = nn.Linear(H, config.tgt_vocab_size)
        self.drop = nn.Dropout(p)

    def encode(self, src: torch.Tensor, src_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encoder states ``(B, S, H)`` and the decoder's initial state ``(L, B, H)``."""
        B, S = src.shape
        L, H = self.config.num_layers, self.config.hidden_size
        emb = self.drop(self.src_embed(src))  # (B, S, H)
        lengths = src_mask.sum(dim=1).cpu()
        packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        out, last = self.encoder(packed)  # last: (L * 2, B, H/2), layer-major
        memory, _ = pad_packed_sequence(out, batch_first=True, total_length=S)  # (B, S, H)
        last = last.view(L, 2, B, H // 2).permute(0, 2, 1, 3).reshape(L, B, H)
        return memory, torch.tanh(self.bridge(last))

    def attend(
        self, states: torch.Tensor, memory: torch.Tensor, keys: torch.Tensor, src_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Attentional states ``(B, T, H)`` and attention weights ``(B, T, S)``.

        ``keys`` is ``self.score(memory)``, computed once per source.
        """
        scores = states @ keys.transpose(1, 2)  # (B, T, S)
        scores = scores.masked_fill(~src_mask[:, None, :], float("-inf"))
        weights = F.softmax(scores, dim=-1)  # (B, T, S)
        context = weights @ memory  # (B, T, H)
        combined = torch.tanh(self.combine(torch.cat([states, context], dim=-1)))
        return self.drop(combined), weights

    def step(
        self,
        emb: torch.Tensor,
        feed: torch.Tensor,
        state: torch.Tensor,
        memory: torch.Tensor,
        keys: torch.Tensor,
        src_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One decoder step from the embedded token ``(B, 1, H)`` and the last
        attentional state ``feed`` ``(B, 1, H)``: the new attentional state
        ``(B, 1, H)``, decoder state ``(L, B, H)`` and attention ``(B, 1, S)``."""
        h, state = self.decoder(torch.cat([emb, feed], dim=-1), state)  # (B, 1, H)
        feed, weights = self.attend(h, memory, keys, src_mask)
        return feed, state, weights

    def forward(
        self, src: torch.Tensor, src_mask: torch.Tensor, tgt_in: torch.Tensor
    ) -> torch.Tensor:
        """Teacher-forced logits ``(B, T, V)`` for decoder inputs ``tgt_in`` ``(B, T)``."""
        memory, state = self.encode(src, src_mask)
        keys = self.score(memory)
        emb = self.drop(self.tgt_embed(tgt_in))  # (B, T, H)
        feed = memory.new_zeros(src.shape[0], 1, self.config.hidden_size)
        feeds = []
        for t in range(tgt_in.shape[1]):
            feed, state, _ = self.step(emb[:, t : t + 1], feed, state, memory, keys, src_mask)
            feeds.append(feed)
        return self.out(torch.cat(feeds, dim=1))  # (B, T, V)

    @torch.no_grad()
    def greedy_decode(
        self, src: torch.Tensor, src_mask: torch.Tensor, max_len: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Greedy ids ``(B, T)`` and the attention behind each ``(B, T, S)``, ``T <= max_len``.

        After a row emits ``<eos>`` it is padded with ``<pad>``; decoding stops
        once every row has ended.
        """
        B = src.shape[0]
        memory, state = self.encode(src, src_mask)
        keys = self.score(memory)
        feed = memory.new_zeros(B, 1, self.config.hidden_size)
        token = torch.full((B, 1), BOS_ID, dtype=torch.long, device=src.device)
        done = torch.zeros(B, dtype=torch.bool, device=src.device)
        ids, attn = [], []
        for _ in range(max_len):
            emb = self.tgt_embed(token)
            feed, state, weights = self.step(emb, feed, state, memory, keys, src_mask)
            token = self.out(feed).argmax(dim=-1)  # (B, 1)
            token = token.masked_fill(done[:, None], PAD_ID)
            ids.append(token)
            attn.append(weights)
            done = done | (token[:, 0] == EOS_ID)
            if bool(done.all()):
                break
        return torch.cat(ids, dim=1), torch.cat(attn, dim=1)

    @torch.no_grad()
    def first_output_state(self, src: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
        """The attentional state ``a_1`` ``(B, H)`` that the output layer reads to choose the first output token.

        It is the first step of :meth:`greedy_decode` (``<bos>`` in, nothing fed
        back yet): ``tanh(W [h_1; c_1])``, the decoder state after one step joined
        with its attention context, so it depends on the whole input through both.
        """
        B = src.shape[0]
        memory, state = self.encode(src, src_mask)
        feed = memory.new_zeros(B, 1, self.config.hidden_size)
        token = torch.full((B, 1), BOS_ID, dtype=torch.long, device=src.device)
        feed, _, _ = self.step(self.tgt_embed(token), feed, state, memory, self.score(memory), src_mask)
        return feed[:, 0]

    @torch.no_grad()
    def pooled(self, src: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
        """One vector per source ``(B, H)``: the mean of its encoder states."""
        memory, _ = self.encode(src, src_mask)
        mask = src_mask[:, :, None].to(memory.dtype)
        return (memory * mask).sum(dim=1) / mask.sum(dim=1)
