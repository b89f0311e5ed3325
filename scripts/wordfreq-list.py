#!/usr/bin/env python3
"""Prints English words with their frequencies, most frequent first ("word<TAB>frequency" per
line), from wordfreq's large_en.msgpack.gz (its "cB" format: a header, then one list of words
per centibel of frequency). Standard library only: a minimal MessagePack reader for what the
file holds (arrays, maps, strings, small integers).

    scripts/wordfreq-list.py large_en.msgpack.gz [LIMIT] > words.tsv
"""
import gzip
import struct
import sys


def decode(data, i):
    t = data[i]
    if t <= 0x7F:
        return t, i + 1
    if t >= 0xE0:
        return t - 256, i + 1
    if 0xA0 <= t <= 0xBF:
        n = t & 0x1F
        return data[i + 1 : i + 1 + n].decode("utf-8"), i + 1 + n
    if t in (0xD9, 0xDA, 0xDB):
        width = {0xD9: 1, 0xDA: 2, 0xDB: 4}[t]
        n = int.from_bytes(data[i + 1 : i + 1 + width], "big")
        start = i + 1 + width
        return data[start : start + n].decode("utf-8"), start + n
    if 0x90 <= t <= 0x9F or t in (0xDC, 0xDD):
        if t <= 0x9F:
            n, i = t & 0x0F, i + 1
        else:
            width = 2 if t == 0xDC else 4
            n, i = int.from_bytes(data[i + 1 : i + 1 + width], "big"), i + 1 + width
        items = []
        for _ in range(n):
            item, i = decode(data, i)
            items.append(item)
        return items, i
    if 0x80 <= t <= 0x8F:
        n, i = t & 0x0F, i + 1
        result = {}
        for _ in range(n):
            key, i = decode(data, i)
            result[key], i = decode(data, i)
        return result, i
    if t == 0xC0:
        return None, i + 1
    if t in (0xC2, 0xC3):
        return t == 0xC3, i + 1
    if t == 0xCC:
        return data[i + 1], i + 2
    if t == 0xCD:
        return struct.unpack(">H", data[i + 1 : i + 3])[0], i + 3
    raise ValueError(f"unexpected MessagePack type 0x{t:02x} at byte {i}")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: wordfreq-list.py large_en.msgpack.gz [LIMIT]")
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
    data = gzip.open(sys.argv[1]).read()
    lists, _ = decode(data, 0)
    header, buckets = lists[0], lists[1:]
    if not isinstance(header, dict) or header.get("format") != "cB":
        sys.exit(f"{sys.argv[1]}: not a wordfreq cB file (header {header!r})")
    written = 0
    out = sys.stdout
    for centibels, words in enumerate(buckets):
        frequency = 10 ** (-centibels / 100)
        for word in words:
            out.write(f"{word}\t{frequency:.4e}\n")
            written += 1
            if limit is not None and written >= limit:
                return


if __name__ == "__main__":
    main()
