#!/usr/bin/env python3
"""Collects the JSON files written by scripts/bench-suite.sh into one results file, a latency plot (SVG)
and a Markdown table.

Usage: bench-report.py --work DIR --out DIR --stamp YYYY-MM-DD [--herald-commit X] [--nats-version X] [--pinned yes]
"""
import argparse
import json
import math
import os
import platform
import re

PERCENTILES = [("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p99.9", "p999")]
COLOURS = {"p50": "#1b9e77", "p90": "#d95f02", "p99": "#7570b3", "p99.9": "#e7298a"}


def metric(report, name):
    for entry in report.get("metrics", []):
        if entry["name"] == name:
            return entry["value"]
    return None


def machine(work, pinned):
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])

    def loadavg(name):
        with open(os.path.join(work, name)) as handle:
            return [float(value) for value in handle.read().split()[:3]]

    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "kernel": platform.release(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "load_average_before": loadavg("loadavg-before"),
        "load_average_after": loadavg("loadavg-after"),
        "pinning": "servers on core 0, herald-bench on core 1" if pinned else "none",
    }


def load(work):
    scenarios = {}
    for name in sorted(os.listdir(work)):
        if name.endswith(".json"):
            with open(os.path.join(work, name)) as handle:
                scenarios[name[:-5]] = json.load(handle)
    commands = {}
    with open(os.path.join(work, "commands.tsv")) as handle:
        for line in handle:
            name, command = line.rstrip("\n").split("\t", 1)
            commands[name] = command
    return scenarios, commands


def target(name, measured, goal, met):
    return {"target": name, "measured": measured, "goal": goal, "met": bool(met)}


def evaluate(scenarios):
    """The issue's targets, each with what was measured."""
    results = []
    # Throughput and p99 must hold in the same run; the deep window shows the throughput ceiling,
    # where p99 is queueing (1,600 requests in flight), so every upsert run is a candidate.
    upserts = [(name, scenarios[name]) for name in ("upsert-w1", "upsert-w2", "upsert-w16") if name in scenarios]
    if upserts:
        shown, met = [], False
        for name, run in upserts:
            rate, p99 = metric(run, "requests/s"), run["latency"]["p99"]
            shown.append(f"window {name.split('-w')[1]}: {rate:,.0f} req/s, p99 {p99 / 1000:.2f} ms")
            met = met or (rate >= 60000 and p99 <= 5000)
        results.append(target("upsert, 100 connections: ≥ 60k req/s and p99 ≤ 5 ms in one run",
                              "; ".join(shown), "≥ 60000 req/s, p99 ≤ 5000 µs", met))
    fanout = scenarios.get("fanout-max")
    if fanout:
        ratio = fanout["ratios"].get("deliveries/s", 0)
        lost = metric(fanout["herald"], "notifications lost")
        results.append(target("fan-out 1000 subscribers, max rate: ≥ 1.0× nats-server, no loss",
                              f"{ratio:.2f}× ({metric(fanout['herald'], 'deliveries/s'):,.0f} vs "
                              f"{metric(fanout['nats'], 'deliveries/s'):,.0f} deliveries/s), {lost:.0f} lost",
                              "ratio ≥ 1.0, 0 lost", ratio >= 1.0 and lost == 0))
    paced = scenarios.get("fanout-rate-300")
    if paced:
        herald, nats = paced["herald"]["latency"]["p99"], paced["nats"]["latency"]["p99"]
        results.append(target("300 notifications/s × 1000 subscribers: p99 ≤ nats-server's",
                              f"p99 {herald} µs vs {nats} µs", "herald p99 ≤ nats p99", herald <= nats))
    light = scenarios.get("light")
    if light:
        latency = light["herald"]["latency"]
        results.append(target("upsert→notification at 100/s × 10 subscribers: p50 ≤ 250 µs, p99 ≤ 1 ms",
                              f"p50 {latency['p50']} µs, p99 {latency['p99']} µs", "p50 ≤ 250 µs, p99 ≤ 1000 µs",
                              latency["p50"] <= 250 and latency["p99"] <= 1000))
    connections = scenarios.get("connections")
    if connections:
        per = metric(connections["herald"], "server bytes per connection") or 0
        ratio = connections["ratios"].get("handshakes/s", 0)
        results.append(target("10k subscribed connections: ≤ 16 KB RSS each, handshakes/s ≥ nats-server's",
                              f"{per / 1024:.1f} KiB each, handshakes/s {ratio:.2f}× nats-server",
                              "≤ 16384 B per connection, ratio ≥ 1.0", per <= 16384 and ratio >= 1.0))
    return results


def sweep(scenarios):
    """Latency against delivered rate for both servers: the paced runs, then the maximum-rate run."""
    names = sorted((name for name in scenarios if name.startswith("fanout-rate-")),
                   key=lambda name: float(name.rsplit("-", 1)[1]))
    if "fanout-max" in scenarios:
        names.append("fanout-max")
    points = {"herald": [], "nats": []}
    for name in names:
        for server in points:
            report = scenarios[name][server]
            if report.get("latency") and report["latency"]["count"] > 0:
                points[server].append({"run": name, "deliveries_per_second": metric(report, "deliveries/s"),
                                       **{label: report["latency"][key] for label, key in PERCENTILES}})
    return points


def svg(points, title):
    width, height = 760, 460
    left, right, top, bottom = 80, 170, 40, 60
    values = [p for series in points.values() for p in series]
    if not values:
        return ""
    xs = [p["deliveries_per_second"] for p in values]
    ys = [p[label] for p in values for label, _ in PERCENTILES]
    x_low, x_high = 10 ** math.floor(math.log10(min(xs))), 10 ** math.ceil(math.log10(max(xs)))
    y_low, y_high = 10 ** math.floor(math.log10(max(1, min(ys)))), 10 ** math.ceil(math.log10(max(ys)))

    def x(value):
        return left + (math.log10(value) - math.log10(x_low)) / (math.log10(x_high) - math.log10(x_low)) * (width - left - right)

    def y(value):
        value = max(value, y_low)
        return height - bottom - (math.log10(value) - math.log10(y_low)) / (math.log10(y_high) - math.log10(y_low)) * (height - top - bottom)

    def label(value, unit):
        for size, suffix in ((1e6, "M"), (1e3, "k")):
            if value >= size:
                return f"{value / size:g}{suffix}{unit}"
        return f"{value:g}{unit}"

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2 - right / 2 + left / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>']
    decade = x_low
    while decade <= x_high:
        out.append(f'<line x1="{x(decade):.1f}" y1="{top}" x2="{x(decade):.1f}" y2="{height - bottom}" stroke="#ddd"/>')
        out.append(f'<text x="{x(decade):.1f}" y="{height - bottom + 16}" text-anchor="middle">{label(decade, "")}</text>')
        decade *= 10
    decade = y_low
    while decade <= y_high:
        out.append(f'<line x1="{left}" y1="{y(decade):.1f}" x2="{width - right}" y2="{y(decade):.1f}" stroke="#ddd"/>')
        text = f"{decade / 1e6:g} s" if decade >= 1e6 else f"{decade / 1000:g} ms" if decade >= 1000 else f"{decade:g} µs"
        out.append(f'<text x="{left - 6}" y="{y(decade) + 4:.1f}" text-anchor="end">{text}</text>')
        decade *= 10
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 20}" text-anchor="middle">'
               'delivered notifications per second (1000 subscribers)</text>')
    out.append(f'<text transform="translate(18,{(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle">'
               'publish → delivery latency</text>')
    dashes = {"herald": "", "nats": ' stroke-dasharray="6,4"'}
    markers = {"herald": "circle", "nats": "rect"}
    for server, series in points.items():
        series = sorted(series, key=lambda p: p["deliveries_per_second"])
        for name, _ in PERCENTILES:
            path = " ".join(f'{x(p["deliveries_per_second"]):.1f},{y(p[name]):.1f}' for p in series)
            out.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[name]}" stroke-width="2"{dashes[server]}/>')
            for p in series:
                px, py = x(p["deliveries_per_second"]), y(p[name])
                if markers[server] == "circle":
                    out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{COLOURS[name]}"/>')
                else:
                    out.append(f'<rect x="{px - 3.5:.1f}" y="{py - 3.5:.1f}" width="7" height="7" fill="white" '
                               f'stroke="{COLOURS[name]}" stroke-width="1.5"/>')
    legend_x = width - right + 16
    for index, (name, _) in enumerate(PERCENTILES):
        ly = top + 10 + index * 20
        out.append(f'<line x1="{legend_x}" y1="{ly}" x2="{legend_x + 24}" y2="{ly}" stroke="{COLOURS[name]}" stroke-width="2"/>')
        out.append(f'<text x="{legend_x + 30}" y="{ly + 4}">{name}</text>')
    ly = top + 10 + len(PERCENTILES) * 20 + 10
    out.append(f'<circle cx="{legend_x + 12}" cy="{ly}" r="3.5" fill="#444"/>')
    out.append(f'<text x="{legend_x + 30}" y="{ly + 4}">Herald (solid)</text>')
    out.append(f'<rect x="{legend_x + 8.5}" y="{ly + 16.5}" width="7" height="7" fill="white" stroke="#444" stroke-width="1.5"/>')
    out.append(f'<text x="{legend_x + 30}" y="{ly + 24}">nats-server (dashed)</text>')
    out.append('</svg>')
    return "\n".join(out) + "\n"


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def markdown(results, stamp):
    s = results["scenarios"]
    m = results["machine"]
    rows = []

    def add(name, unit, herald, nats=None, goal=""):
        """One row; the ratio is shown when both servers have a number."""
        ratio = f"{herald / nats:.2f}×" if isinstance(herald, (int, float)) and nats else "–"
        shown = [value if isinstance(value, str) else fmt(value) for value in (herald, nats)]
        rows.append(f"| {name} | {unit} | {shown[0]} | {shown[1]} | {ratio} | {goal} |")

    def p50_p99(report):
        return f"{report['latency']['p50']:,} / {report['latency']['p99']:,}"

    if "upsert-w16" in s:
        r = s["upsert-w16"]
        add("upsert, 100 connections, window 16", "req/s", metric(r, "requests/s"))
        add("↳ request latency p50 / p99", "µs", p50_p99(r))
    if "upsert-w1" in s:
        r = s["upsert-w1"]
        add("upsert, 100 connections, window 1", "req/s", metric(r, "requests/s"), goal="≥ 60,000 (same run)")
        add("↳ request latency p50 / p99", "µs", p50_p99(r), goal="p99 ≤ 5,000 (same run)")
    if "upsert-w2" in s:
        r = s["upsert-w2"]
        add("upsert, 100 connections, window 2", "req/s", metric(r, "requests/s"), goal="≥ 60,000 (same run)")
        add("↳ request latency p50 / p99", "µs", p50_p99(r), goal="p99 ≤ 5,000 (same run)")
    if "fanout-max" in s:
        r = s["fanout-max"]
        window = r["herald"]["parameters"].get("rate", "max")
        add(f"fan-out at {window}, 1 publisher, 1000 subscribers", "deliveries/s", metric(r["herald"], "deliveries/s"),
            metric(r["nats"], "deliveries/s"), "≥ 1.0× nats-server")
        add("↳ notifications lost", "", fmt(metric(r["herald"], "notifications lost")),
            fmt(metric(r["nats"], "notifications lost")), "0")
        add("↳ latency p50 / p99", "µs", p50_p99(r["herald"]), p50_p99(r["nats"]))
    for name in sorted((n for n in s if n.startswith("fanout-rate-")), key=lambda n: float(n.rsplit("-", 1)[1])):
        r = s[name]
        rate = name.rsplit("-", 1)[1]
        add(f"{rate} notifications/s × 1000 subscribers: latency p99", "µs", r["herald"]["latency"]["p99"],
            r["nats"]["latency"]["p99"], "≤ nats-server" if rate == "300" else "")
    if "light" in s:
        r = s["light"]
        add("upsert→notification, 100/s × 10 subscribers: p50", "µs", r["herald"]["latency"]["p50"],
            r["nats"]["latency"]["p50"], "≤ 250")
        add("↳ p99", "µs", r["herald"]["latency"]["p99"], r["nats"]["latency"]["p99"], "≤ 1,000")
    if "connections" in s:
        r = s["connections"]
        count = int(r["herald"]["parameters"].get("connections", "0"))
        add(f"{count:,} subscribed connections: handshakes/s", "1/s", metric(r["herald"], "handshakes/s"),
            metric(r["nats"], "handshakes/s"), "≥ nats-server")
        add("↳ server RSS per connection", "bytes", metric(r["herald"], "server bytes per connection"),
            metric(r["nats"], "server bytes per connection"), "≤ 16,384")
        add("↳ connections held", "", metric(r["herald"], "survivors"), metric(r["nats"], "survivors"))
    sizes = ""
    if "fanout-max" in s:
        fan = s["fanout-max"]
        sizes = (f" Herald notification frames: {fmt(metric(fan['herald'], 'notification bytes'))} B; NATS payloads: "
                 f"{fmt(metric(fan['nats'], 'payload bytes'))} B ({fmt(metric(fan['nats'], 'MSG bytes'))} B with "
                 "the MSG line).")
    load = m["load_average_before"]
    lines = [
        f"Measured {stamp} on {m['nproc']} × {m['cpu_model']}, Linux {m['kernel']}, {m['memory_gib']} GiB; "
        f"{m['pinning']}; load average {load[0]:.2f} before the run (shared machine: treat figures as ±30 %). "
        f"{results['versions']['nats_server']}, Herald {results['versions']['herald_commit']}.{sizes}",
        "",
        "| scenario | unit | Herald | nats-server | Herald ÷ NATS | target |",
        "|---|---|---:|---:|---:|---|",
        *rows,
        "",
        "Targets: " + "; ".join(f"{'met' if t['met'] else 'MISSED'}: {t['target']} ({t['measured']})"
                                for t in results["targets"]) + ".",
        "",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--stamp", required=True)
    parser.add_argument("--herald-commit", default="unknown")
    parser.add_argument("--nats-version", default="unknown")
    parser.add_argument("--pinned", default="no")
    args = parser.parse_args()

    scenarios, commands = load(args.work)
    results = {
        "date": args.stamp,
        "machine": machine(args.work, args.pinned == "yes"),
        "versions": {"herald_commit": args.herald_commit, "nats_server": args.nats_version},
        "commands": commands,
        "scenarios": scenarios,
        "latency_vs_rate": sweep(scenarios),
    }
    results["targets"] = evaluate(scenarios)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, f"{args.stamp}.json"), "w") as handle:
        json.dump(results, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    plot = svg(results["latency_vs_rate"], f"Fan-out latency vs delivered rate — {args.stamp}")
    if plot:
        with open(os.path.join(args.out, f"{args.stamp}-latency.svg"), "w") as handle:
            handle.write(plot)
    table = markdown(results, args.stamp)
    with open(os.path.join(args.out, "latest.md"), "w") as handle:
        handle.write(table)
    print(table)


if __name__ == "__main__":
    main()
