#!/usr/bin/env python3
"""LoCoMo through a running engramd, over the binary protocol with the Python client: what
engram-eval measures in process, measured from outside (observations in, every question asked
with Recall, limit 10), with Recall's latency as a client sees it (every question is new to
the server, so no query is cached).

    engramd --embedder static &                      # or hashed, minilm
    PYTHONPATH=Clients/Python /usr/bin/python3 scripts/locomo-wire.py ../shared/data/locomo-dev.json \\
        [--server 127.0.0.1:7411] [--api-key KEY]

Prints R@5 and R@10 overall and by category (LoCoMo's metric: the share of a question's
evidence turns covered by the top k observations' cited turns), and Recall p50/p99.
The data file is read from the path given; it is never part of this repository.
"""
import argparse
import asyncio
import datetime
import json
import re
import time

import engram_client

TURN = re.compile(r"D(\d+):(\d+)")
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"}


def turn_ids(text):
    return [f"D{int(s)}:{int(t)}" for s, t in TURN.findall(text or "")]


def load(path):
    samples = []
    for sample in json.load(open(path)):
        conversation = sample["conversation"]
        turns, times = set(), {}
        for key, value in conversation.items():
            parts = key.split("_")
            if len(parts) >= 2 and parts[0] == "session" and parts[1].isdigit():
                n = int(parts[1])
                if key.endswith("_date_time"):
                    date = datetime.datetime.strptime(value, "%I:%M %p on %d %B, %Y")
                    times[n] = int(date.replace(tzinfo=datetime.timezone.utc).timestamp()) * 1_000_000
                elif len(parts) == 2:
                    for turn in value:
                        turns.update(turn_ids(turn.get("dia_id", "")))
        facts = []
        for key in sorted(sample["observation"]):
            n = int(key.split("_")[1])
            for speaker in sorted(sample["observation"][key]):
                for item in sample["observation"][key][speaker]:
                    cited = item[1] if len(item) > 1 else ""
                    cited = cited if isinstance(cited, list) else [cited]
                    evidence = {t for c in cited for t in turn_ids(c) if t in turns}
                    facts.append((item[0], speaker, times.get(n, 0), n, evidence))
        questions = []
        for item in sample["qa"]:
            if item.get("category") not in CATEGORIES:
                continue
            evidence = {t for e in item.get("evidence", []) for t in turn_ids(e) if t in turns}
            if evidence:
                questions.append((item["question"], item["category"], evidence))
        samples.append((sample["sample_id"], facts, questions))
    return samples


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--server", default="127.0.0.1:7411")
    parser.add_argument("--api-key", default="")
    args = parser.parse_args()
    samples = load(args.data)
    totals = {}
    latencies = []
    async with engram_client.Client(args.server, api_key=args.api_key, timeout=30) as client:
        info = await client.server_info()
        store = (await client.create_store(display_name=f"locomo-wire-{int(time.time())}")).store.id
        try:
            for sample_id, facts, questions in samples:
                profile = (await client.resolve_identity(
                    store_id=store, identifiers=[{"type": "chat", "value": sample_id}])).profile.id
                cited = {}
                for start in range(0, len(facts), 100):
                    batch = facts[start:start + 100]
                    result = await client.observe(store_id=store, profile_id=profile, observations=[
                        {"content": text, "source": speaker, "occurred_at_us": at,
                         "conversation_ids": [f"session_{n}"]} for text, speaker, at, n, _ in batch])
                    for fact, outcome in zip(batch, result.results):
                        cited.setdefault(outcome.observation_id, set()).update(fact[4])
                for text, category, evidence in questions:
                    begin = time.perf_counter()
                    result = await client.recall(store_id=store, profile_id=profile, query=text,
                                                 observations_limit=10, summaries_limit=0)
                    latencies.append((time.perf_counter() - begin) * 1e6)
                    ranked = [cited.get(o.observation.id, set()) for o in result.observations]
                    for key in ("all", category):
                        t = totals.setdefault(key, [0, 0.0, 0.0])
                        t[0] += 1
                        for i, k in ((1, 5), (2, 10)):
                            got = set().union(*ranked[:k]) if ranked else set()
                            t[i] += len(got & evidence) / len(evidence)
        finally:
            await client.delete_store(store_id=store)
    latencies.sort()
    embedder = getattr(info, "embedder", "") or "?"
    print(f"engramd at {args.server}, embedder {embedder}: {totals['all'][0]} questions")
    for key in ["all"] + sorted(k for k in totals if k != "all"):
        n, r5, r10 = totals[key]
        name = key if key == "all" else f"{key} {CATEGORIES[key]}"
        print(f"  {name:<14} n={n:<4} R@5 {100 * r5 / n:5.1f}  R@10 {100 * r10 / n:5.1f}")
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"  Recall over the wire (Python client, one connection): p50 {p(0.5):.0f} µs, p99 {p(0.99):.0f} µs")


asyncio.run(main())
