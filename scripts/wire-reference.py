#!/usr/bin/python3
# Reference timings for engram-bench wire: Google's protobuf runtime (Python, upb backend) encoding
# and decoding the same bytes the Swift benchmark used. Usage: wire-reference.py OBSERVE.bin RECALL.bin
import os
import sys
import timeit

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engram_canon  # noqa: E402

pb, _ = engram_canon.load_schema()
from google.protobuf.internal import api_implementation  # noqa: E402

rows = [("ObserveRequest (10 observations)", pb.ObserveRequest, sys.argv[1]),
        ("RecallResponse (20 scored observations)", pb.RecallResponse, sys.argv[2])]
print(f"== wire: reference, Google protobuf {api_implementation.Type()} backend via Python ==")
for name, cls, path in rows:
    data = open(path, "rb").read()
    msg = cls()
    msg.ParseFromString(data)
    n = 20000
    dec = min(timeit.repeat(lambda: cls.FromString(data), number=n, repeat=5)) / n * 1e9
    enc = min(timeit.repeat(msg.SerializeToString, number=n, repeat=5)) / n * 1e9
    print(f"{name:<42} {len(data):6d} bytes   encode {enc:7.0f} ns   decode {dec:7.0f} ns")
