#!/usr/bin/env python3
"""Reference PyTorch model for the interop test (tests/model/tst_interop.cpp).

A description of the authors' Fusion model (FlowHidden / MultiResCNNHidden in their learn/models_new.py),
written from docs fusion-spec.md sections 1.2 and 8 with the authors' module names, so that its state_dict
has exactly the names of their checkpoints. It

  (a) builds a model for the given number of labels Y and vocabulary words V (random weights, seeded),
  (b) saves model.state_dict() with torch.save (zip format, and optionally the legacy format), plus
      vocab.csv (one word per line, first-occurrence order, NOT sorted) and labels.txt (one code per line,
      NOT sorted), as the authors' files are,
  (c) tokenises a few notes the caml-mimic way and writes the eval-mode sigmoid scores to scores.json,
      keyed by code.

Usage: pytorch_reference.py --out DIR [--labels 8] [--vocab 40] [--seed 1] [--max-length 2500] [--legacy]
Needs Debian's python3-torch (1.13) and python3-numpy.
"""
import argparse
import json
import math
import os
import random
import re

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FILTER_SIZES = [3, 5, 9, 15, 19, 25]
EMBED = 100
MAPS = 50


class WordRep(nn.Module):
    def __init__(self, rows):
        super().__init__()
        self.embed = nn.Embedding(rows, EMBED, padding_idx=0)
        self.embed_drop = nn.Dropout(p=0.2)

    def forward(self, x):
        return self.embed_drop(self.embed(x))


class AttentionBolckV2(nn.Module):
    """Soft pooling over non-overlapping windows of 2 (spec 1.2 step 3b)."""

    def __init__(self, channels):
        super().__init__()
        self.att_conv = nn.Sequential(nn.Conv1d(channels, 1, kernel_size=1, bias=False))

    def forward(self, x):
        if x.size(2) % 2 == 1:
            x = F.pad(x, (0, 1))
        b, c, n = x.size()
        scores = self.att_conv(x).view(b, 1, n // 2, 2)
        alpha = F.softmax(scores, dim=-1)
        return (x.view(b, c, n // 2, 2) * alpha).sum(-1)


class ResidualBlockHidden(nn.Module):
    def __init__(self, inch, outch, k):
        super().__init__()
        self.left = nn.Sequential(
            nn.Conv1d(inch, outch, k, stride=1, padding=k // 2, bias=False),
            nn.GroupNorm(1, outch),
            nn.Tanh(),
            nn.Conv1d(outch, outch, k, stride=1, padding=k // 2, bias=False),
            nn.GroupNorm(1, outch))
        self.shortcut = nn.Sequential(nn.Conv1d(inch, outch, 1, stride=1, bias=False), nn.GroupNorm(1, outch))
        self.dropout = nn.Dropout(p=0.0)

    def forward(self, x):
        return self.dropout(torch.tanh(self.left(x) + self.shortcut(x)))


class MultiHeadAttention(nn.Module):
    def __init__(self, model_dim=300, num_heads=4):
        super().__init__()
        self.dim_per_head = model_dim // num_heads
        self.num_heads = num_heads
        self.linear_k = nn.Linear(model_dim, self.dim_per_head * num_heads)
        self.linear_v = nn.Linear(model_dim, self.dim_per_head * num_heads)
        self.linear_q = nn.Linear(model_dim, self.dim_per_head * num_heads)
        self.linear_final = nn.Linear(model_dim, model_dim)
        self.dropout = nn.Dropout(0.0)
        self.layer_norm = nn.LayerNorm(model_dim)

    def forward(self, x):
        residual = x
        b = x.size(0)
        key = self.linear_k(x).view(b * self.num_heads, -1, self.dim_per_head)
        value = self.linear_v(x).view(b * self.num_heads, -1, self.dim_per_head)
        query = self.linear_q(x).view(b * self.num_heads, -1, self.dim_per_head)
        scale = (key.size(-1) // self.num_heads) ** -0.5
        attention = torch.bmm(query, key.transpose(1, 2)) * scale
        attention = F.softmax(attention, dim=2)
        context = torch.bmm(attention, value).view(b, -1, self.dim_per_head * self.num_heads)
        return self.layer_norm(residual + self.dropout(self.linear_final(context)))


class PositionalWiseFeedForward(nn.Module):
    def __init__(self, model_dim=300, ffn_dim=1024):
        super().__init__()
        self.w1 = nn.Conv1d(model_dim, ffn_dim, 1)
        self.w2 = nn.Conv1d(ffn_dim, model_dim, 1)
        self.dropout = nn.Dropout(0.0)
        self.layer_norm = nn.LayerNorm(model_dim)

    def forward(self, x):
        out = self.w2(F.relu(self.w1(x.transpose(1, 2)))).transpose(1, 2)
        return self.layer_norm(x + self.dropout(out))


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = MultiHeadAttention()
        self.feed_forward = PositionalWiseFeedForward()

    def forward(self, x):
        return self.feed_forward(self.attention(x))


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_seq_len):
        super().__init__()
        pe = np.array([[pos / np.power(10000, 2.0 * (j // 2) / d_model) for j in range(d_model)]
                       for pos in range(max_seq_len)])
        pe[:, 0::2] = np.sin(pe[:, 0::2])
        pe[:, 1::2] = np.cos(pe[:, 1::2])
        pe = torch.cat((torch.zeros([1, d_model]), torch.from_numpy(pe).float()))
        self.position_encoding = nn.Embedding(max_seq_len + 1, d_model)
        self.position_encoding.weight = nn.Parameter(pe, requires_grad=False)

    def forward(self, lengths):
        pos = torch.LongTensor([list(range(1, n + 1)) for n in lengths])
        return self.position_encoding(pos)


class EncoderHidden(nn.Module):
    def __init__(self, max_length):
        super().__init__()
        self.encoder_layers = nn.ModuleList([EncoderLayer()])
        self.pos_embedding = PositionalEncoding(300, max_length)

    def forward(self, x):
        out = x + self.pos_embedding([x.size(1)] * x.size(0))
        for layer in self.encoder_layers:
            out = layer(out)
        return out


class OutputLayer(nn.Module):
    def __init__(self, Y, dim):
        super().__init__()
        self.U = nn.Linear(dim, Y)
        nn.init.xavier_uniform_(self.U.weight)
        self.final = nn.Linear(dim, Y)
        nn.init.xavier_uniform_(self.final.weight)

    def forward(self, x):
        alpha = F.softmax(self.U.weight.matmul(x.transpose(1, 2)), dim=2)
        m = alpha.matmul(x)
        return self.final.weight.mul(m).sum(dim=2).add(self.final.bias)


class FlowHidden(nn.Module):
    def __init__(self, Y, rows, max_length=2500):
        super().__init__()
        self.word_rep = WordRep(rows)
        self.conv = nn.ModuleList()
        for k in FILTER_SIZES:
            channel = nn.ModuleList()
            base = nn.Conv1d(EMBED, EMBED, kernel_size=k, padding=k // 2)
            nn.init.xavier_uniform_(base.weight)
            channel.add_module('baseconv', base)
            channel.add_module('basevonb-pool-0', AttentionBolckV2(EMBED))
            channel.add_module('resconv-0', ResidualBlockHidden(EMBED, MAPS, k))
            self.conv.add_module('channel-{}'.format(k), channel)
        self.transfer = EncoderHidden(max_length)
        self.output_layer = OutputLayer(Y, MAPS * len(FILTER_SIZES))
        self.drop = nn.Dropout(0.2)

    def forward(self, ids):
        x = self.word_rep(ids).transpose(1, 2)
        branches = []
        for channel in self.conv:
            tmp = x
            for idx, md in enumerate(channel):
                tmp = torch.tanh(md(tmp)) if idx == 0 else md(tmp)
            branches.append(tmp.transpose(1, 2))
        g = self.drop(torch.tanh(self.transfer(torch.cat(branches, dim=2))))
        return self.output_layer(g)


def tokenize(text):
    """caml-mimic: \\w+ runs, drop all-numeric tokens, lower-case."""
    return [t.lower() for t in re.findall(r'\w+', text) if not t.isnumeric()]


def make_notes(words, rng):
    unknown = ['zzunknownzz', 'Ünïcode', 'qwerty']
    pool = words + unknown

    def note(n):
        parts = []
        for i in range(n):
            parts.append(rng.choice(pool).upper() if i % 7 == 3 else rng.choice(pool))
            if i % 5 == 2:
                parts.append(str(rng.randint(0, 999)))  # numbers are dropped by the tokenizer
        return ' '.join(parts) + '.'

    return [('empty', ''), ('one-token', words[0]), ('only-numbers', '12 345 6789'),
            ('odd-7', note(7)), ('even-8', note(8)), ('odd-33', note(33)), ('even-130', note(130)),
            ('odd-501', note(501))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', required=True)
    ap.add_argument('--labels', type=int, default=8)
    ap.add_argument('--vocab', type=int, default=40)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--max-length', type=int, default=2500)
    ap.add_argument('--legacy', action='store_true',
                    help='also write state_dict_legacy.pt (pre-1.6 format) and state_dict_plain.pt (a plain dict)')
    ap.add_argument('--long-note', type=int, default=0, help='add a note of this many tokens')
    args = ap.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    # Words whose sorted order differs from file order and from numeric order (w10 < w2), with non-ASCII.
    words = ['w{}'.format(i) for i in range(args.vocab - 3)] + ['café', 'ñandú', 'zeta']
    file_order = words[:]
    rng.shuffle(file_order)
    codes = ['{:03d}.{}'.format(100 + 7 * i, i % 10) for i in range(args.labels)]
    label_file_order = codes[::-1]
    sorted_vocab = sorted(set(words))
    w2ind = {w: i + 1 for i, w in enumerate(sorted_vocab)}
    sorted_codes = sorted(set(codes))

    model = FlowHidden(len(sorted_codes), len(sorted_vocab) + 2, args.max_length)
    with torch.no_grad():  # the authors' loader: L2-normalised word2vec rows, PAD row zeros
        w = torch.randn(len(sorted_vocab) + 2, EMBED)
        w = w / (w.norm(dim=1, keepdim=True) + 1e-6)
        w[0] = 0
        model.word_rep.embed.weight.copy_(w)
        # Random (not default) norm affine parameters and U bias, so a wrongly mapped tensor shows up.
        for name, p in model.named_parameters():
            if ('left.1' in name or 'left.4' in name or 'shortcut.1' in name or 'layer_norm' in name
                    or name == 'output_layer.U.bias'):
                p.add_(0.1 * torch.randn_like(p))
    model.eval()

    torch.save(model.state_dict(), os.path.join(args.out, 'state_dict.pt'))
    if args.legacy:
        torch.save(model.state_dict(), os.path.join(args.out, 'state_dict_legacy.pt'),
                   _use_new_zipfile_serialization=False)
        torch.save(dict(model.state_dict()), os.path.join(args.out, 'state_dict_plain.pt'))
    with open(os.path.join(args.out, 'vocab.csv'), 'w', encoding='utf-8') as f:
        f.write(''.join(w + '\n' for w in file_order))
    with open(os.path.join(args.out, 'labels.txt'), 'w', encoding='utf-8') as f:
        f.write(''.join(c + '\n' for c in label_file_order))

    notes = make_notes(words, rng)
    if args.long_note:
        notes.append(('long-{}'.format(args.long_note), ' '.join(rng.choice(words) for _ in range(args.long_note))))
    out = []
    window = args.max_length
    with torch.no_grad():
        for name, text in notes:
            ids = [w2ind.get(t, len(sorted_vocab) + 1) for t in tokenize(text)]
            chunks = [ids[i:i + window] for i in range(0, len(ids), window)] or [[0]]
            probs = None
            for chunk in chunks:
                p = torch.sigmoid(model(torch.LongTensor([chunk])))[0]
                probs = p if probs is None else torch.maximum(probs, p)
            out.append({'name': name, 'text': text, 'tokens': len(ids),
                        'scores': {c: float(probs[i]) for i, c in enumerate(sorted_codes)}})
    params = sum(p.numel() for p in model.parameters())
    with open(os.path.join(args.out, 'scores.json'), 'w', encoding='utf-8') as f:
        json.dump({'labels': len(sorted_codes), 'vocab': len(sorted_vocab), 'parameters': params,
                   'torch': torch.__version__, 'notes': out}, f, ensure_ascii=False, indent=1)


if __name__ == '__main__':
    main()
