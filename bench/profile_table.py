"""Side-by-side top-15 tables of two Chrome traces (DiffLeak's and PyTorch's): self time per op, microseconds per
image, and calls per step. Self time = an event's duration less that of the events nested in it on its thread."""
import collections
import json
import os
import sys


def self_times(path):
    events = json.load(open(path))
    events = events["traceEvents"] if isinstance(events, dict) else events
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[e.get("tid")].append(e)
    total = collections.Counter()
    calls = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, name, child time]
        for e in evs:
            ts, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= ts:
                end, name, child, d = stack.pop()
                total[name] += d - child
            if stack:
                stack[-1][2] += dur
            stack.append([ts + dur, e["name"], 0.0, dur])
            calls[e["name"]] += 1
        while stack:
            end, name, child, d = stack.pop()
            total[name] += d - child
    return total, calls


def table(phase, units, steps):
    rows = {}
    for who in ("diffleak", "pytorch"):
        t, c = self_times(os.path.join(out, who, phase + ".json"))
        rows[who] = (t, c, sum(t.values()))
    print(f"\n{phase}: self time per image (us) and calls per step, top 15 each")
    print(f"{'DiffLeak op':34s} {'us/img':>8s} {'calls':>6s}   {'PyTorch op':34s} {'us/img':>8s} {'calls':>6s}")
    tops = {w: rows[w][0].most_common(15) for w in rows}
    for i in range(15):
        cells = []
        for w in ("diffleak", "pytorch"):
            if i < len(tops[w]):
                name, us = tops[w][i]
                cells.append(f"{name[:34]:34s} {us / (steps * units):8.1f} {rows[w][1][name] / steps:6.0f}")
            else:
                cells.append(" " * 50)
        print("   ".join(cells))
    d, p = rows["diffleak"][2], rows["pytorch"][2]
    print(f"{'total':34s} {d / (steps * units):8.1f} {'':6s}   {'total':34s} {p / (steps * units):8.1f}  ({d / p:.2f}x)")


out, steps, train_batch, infer_batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
table("train", train_batch, steps)
table("infer", infer_batch, steps)
