#!/usr/bin/env python3
"""Summarises a JFR recording of serve's push path (from `bench --push-external --serve-jfr FILE`).

CPU: jdk.ExecutionSample, by thread group, by top frame, and by the first frame of ours or of the libraries named in
GROUPS (inclusive: a sample counts once for each group on its stack). Wall: where threads wait (jdk.ThreadPark,
jdk.JavaMonitorWait, jdk.JavaMonitorEnter, jdk.SocketRead, jdk.SocketWrite), total time by event and the frame
that waited. Usage: app/src/bench/jfr-summary.py FILE [TOP]; needs the JDK's `jfr` on the PATH.
"""
import collections
import json
import re
import subprocess
import sys

GROUPS = [
    ("AppendBatcher.commit (the shared commit)", "com.sevenmind.eventstore.store.AppendBatcher.commit"),
    ("EventStore.append", "com.sevenmind.eventstore.store.EventStore.append"),
    ("PostgreSQL driver", "org.postgresql."),
    ("Inputs.read (the RudderStack event)", "com.sevenmind.eventstore.app.ingest.Inputs.read"),
    ("PushBody (the envelope)", "com.sevenmind.eventstore.app.http.PushBody."),
    ("HttpIngest.push", "com.sevenmind.eventstore.app.http.HttpIngest.push"),
    ("Logback", "ch.qos.logback."),
    ("Micrometer", "io.micrometer."),
    ("Jackson", "com.fasterxml.jackson."),
    ("Jetty", "org.eclipse.jetty."),
]
WAITS = ["jdk.ThreadPark", "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter", "jdk.SocketRead", "jdk.SocketWrite"]


def frames(event):
    stack = event["values"].get("stackTrace") or {}
    return [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in stack.get("frames") or []]


def thread_group(event):
    thread = event["values"].get("sampledThread") or event["values"].get("eventThread") or {}
    name = thread.get("javaName") or thread.get("osName") or "?"
    return re.sub(r"[-#]?\d+$", "", re.sub(r"-\d+-\d+$", "", name))


def nanos(duration):
    # jfr's JSON writes durations as ISO-8601, e.g. "PT0.001234S"
    m = re.fullmatch(r"PT(?:(\d+)M)?([\d.]+)S", duration)
    return (int(m.group(1) or 0) * 60 + float(m.group(2))) * 1e9 if m else 0


def load(path, names):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events", ",".join(names), path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def table(title, counter, total, top, unit):
    print(f"\n{title}")
    for key, value in counter.most_common(top):
        print(f"  {100 * value / total:5.1f}%  {value:>10.{0 if unit == '' else 1}f}{unit}  {key}")


def main():
    path, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
    samples = load(path, ["jdk.ExecutionSample"])
    n = len(samples)
    by_thread, by_top, by_group = collections.Counter(), collections.Counter(), collections.Counter()
    for s in samples:
        f = frames(s)
        by_thread[thread_group(s)] += 1
        if f:
            by_top[f[0]] += 1
        for label, prefix in GROUPS:
            if any(x.startswith(prefix) for x in f):
                by_group[label] += 1
    print(f"{path}: {n} CPU samples")
    table("CPU by thread", by_thread, n, top, "")
    table("CPU by top frame", by_top, n, top, "")
    table("CPU, inclusive, by part of the push path", by_group, n, len(GROUPS), "")

    waits = load(path, WAITS)
    by_kind, by_frame = collections.Counter(), collections.Counter()
    for w in waits:
        ms = nanos(w["values"]["duration"]) / 1e6
        kind = w["type"]
        by_kind[kind + " on " + thread_group(w)] += ms
        ours = next((x for x in frames(w) if not x.startswith(("java.", "jdk.", "sun."))), "?")
        by_frame[kind + " in " + ours] += ms
    total = sum(by_kind.values()) or 1
    table("Wall: waiting, by event and thread (ms)", by_kind, total, top, " ms")
    table("Wall: waiting, by event and the first frame outside the JDK (ms)", by_frame, total, top, " ms")


if __name__ == "__main__":
    main()
