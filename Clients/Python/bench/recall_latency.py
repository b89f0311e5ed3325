#!/usr/bin/env python3
"""Recall latency of the Python client on one connection, one call at a time.

    /usr/bin/python3 Clients/Python/bench/recall_latency.py --server 127.0.0.1:7799 \
        --store st_... [--api-key KEY] [--duration 10] [--warmup 2] [--profiles 100]

The workload of ``engram-cload --workload recall --connections 1`` (Clients/C): a Recall of a
random profile with a 2-4 word query from the same vocabulary, ``observations_limit`` 20,
sequentially on one connection. It runs on a store that engram-cload set up (run engram-cload
without ``--delete-store``; ``--store`` defaults to the newest store named ``cload-*``), whose
profiles are ``user<i>-<seed>@cload.example``. Latency runs from before the request is built
to the decoded response. Prints one line of JSON like engram-cload's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import engram_client  # noqa: E402

# engram-cload's make_query vocabulary (Clients/C/bench/engram_cload.c).
NOUNS = """account address appointment bag balance bank bill birthday book bottle box breakfast
brother bus cake call camera car card cart chair charge child city coat code coffee computer
contract coupon courier cup customer daughter delivery desk device dinner discount doctor dog
door dress driver email evening family fee flight friend garden gift hotel house invoice jacket
job key kitchen laptop letter lunch manager meeting message morning neighbor newsletter night
office order package parcel password payment phone photo plan printer product receipt refund
request reservation restaurant room router sale schedule screen seat service shipment shirt shoe
shop sister size son store subscription suitcase support table tablet team ticket train trip
umbrella upgrade voucher wallet warranty watch weekend wife husband window bicycle battery
charger speaker sofa lamp mattress blanket pillow oven fridge kettle toaster stroller helmet
backpack ring necklace""".split()
VERBS = [v.replace("_", " ") for v in """asked_about bought booked cancelled changed chose collected
compared complained_about confirmed described disliked dropped enjoyed exchanged fixed forgot
found gave_back liked lost loved mentioned missed moved needed noticed opened ordered packed
paid_for picked_up planned preferred printed questioned received recommended repaired replaced
reported requested reserved returned reviewed sent shared signed sold started stopped tested
tracked tried updated upgraded used wanted washed wrapped checked cleaned delivered kept painted
rented scheduled shipped showed visited""".split()]
ADJECTIVES = """old new blue red green black white small large cheap expensive broken heavy light
quiet noisy fast slow early late favorite spare second wrong right monthly yearly weekly local
online wooden plastic warm cold bright dark clean dirty soft hard premium basic damaged missing
extra shared private simple fancy modern classic tiny huge urgent free paid lovely strange useful
comfortable""".split()


def make_query(rng: random.Random) -> str:
    words = []
    for _ in range(2 + rng.randrange(3)):
        kind = rng.randrange(4)
        words.append(rng.choice(ADJECTIVES if kind == 0 else VERBS if kind == 1 else NOUNS))
    return " ".join(words)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


async def run(args: argparse.Namespace) -> dict[str, object]:
    async with engram_client.Client(args.server, api_key=args.api_key, connections=1) as c:
        store_id = args.store
        if not store_id:
            stores = [s for s in (await c.list_stores(page_size=1000)).stores if s.display_name.startswith("cload-")]
            if not stores:
                raise SystemExit("no cload-* store: run engram-cload --workload recall without --delete-store first")
            store_id = max(stores, key=lambda s: int(s.created_at_us)).id
        profile_ids = []
        for i in range(args.profiles):
            found = await c.lookup_profiles(
                store_id=store_id, identifier={"type": "email", "value": f"user{i}-{args.seed}@cload.example"}
            )
            if found.profiles:
                profile_ids.append(found.profiles[0].id)
        if not profile_ids:
            raise SystemExit(f"no cload profiles in store {store_id}")
        rng = random.Random(args.seed)
        latencies: list[float] = []
        errors = 0
        clock = time.perf_counter
        warm_end = clock() + args.warmup
        end = warm_end + args.duration
        while True:
            start = clock()
            if start >= end:
                break
            try:
                await c.recall(
                    store_id=store_id, profile_id=rng.choice(profile_ids), query=make_query(rng), observations_limit=args.limit
                )
            except engram_client.EngramError:
                errors += 1
            if start >= warm_end:
                latencies.append((clock() - start) * 1e6)
        latencies.sort()
        return {
            "client": "python",
            "workload": "recall",
            "connections": 1,
            "store": store_id,
            "profiles": len(profile_ids),
            "seconds": args.duration,
            "requests": len(latencies),
            "error_count": errors,
            "latency_us": {
                "p50": round(percentile(latencies, 0.50), 1),
                "p90": round(percentile(latencies, 0.90), 1),
                "p99": round(percentile(latencies, 0.99), 1),
                "mean": round(sum(latencies) / max(1, len(latencies)), 1),
            },
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", default="127.0.0.1:7411")
    ap.add_argument("--api-key", default="")
    ap.add_argument("--store", default="", help="store id (default: the newest cload-* store)")
    ap.add_argument("--profiles", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--uvloop", action="store_true", help="run on uvloop (Debian: python3-uvloop)")
    args = ap.parse_args()
    if args.uvloop:
        import uvloop

        uvloop.install()
    result = asyncio.run(run(args))
    result["loop"] = "uvloop" if args.uvloop else "asyncio"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
