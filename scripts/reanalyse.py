#!/usr/bin/env python3
"""Re-analyse the stored series of `biaslab reproduce` independently of BiasLab's Swift code.

Usage: python3 scripts/reanalyse.py STORE.sqlite [--quick]

Reads every run `<study>/<key>` of the store (sqlite3 from Python's standard library; no BiasLab code),
recomputes each claim's statistic from the raw series -- late-phase medians, end points, orderings --
applies the criterion as written in docs/REPRODUCTIONS.md (seed mean, then every seed), and prints one
line per claim. Compare them with the verdicts `biaslab reproduce` printed: a disagreement is a defect.
Studies 003-gd, 003-sgd, 003-momentum, 003-lssr, 002-ellipse (SGD and Adam), 002-dln, 002-sensing, 000-beta2,
001-trajectory, 001-beta2-lion, 001-sharpness, 004-sqrt and 004-svag are covered;
others are listed as skipped.
"""
import json
import math
import re
import sqlite3
import statistics
import sys


def load(path, quick):
    db = sqlite3.connect(path)
    runs = {}
    for rid, name, config, status in db.execute("SELECT id, name, config, status FROM runs ORDER BY id"):
        cfg = json.loads(config)
        if status != "completed" or cfg.get("quick") != quick or "/" not in name:
            continue
        series = {}
        for step, metric, value in db.execute("SELECT step, name, value FROM metrics WHERE run_id = ? ORDER BY step", (rid,)):
            series.setdefault(metric, []).append((step, float("nan") if value is None else value))
        study, key = name.split("/", 1)
        runs.setdefault(study, {})[key] = (cfg.get("configuration", ""), series)  # the latest completed run wins
    return runs


def verdict(values, passes):
    """Reproduced when the criterion holds for the seed mean and every seed; inconclusive when only for the mean."""
    if not values:
        return "no runs"
    mean = [statistics.fmean(col) for col in zip(*values)] if isinstance(values[0], tuple) else statistics.fmean(values)
    if not passes(tuple(mean) if isinstance(values[0], tuple) else mean):
        return "not reproduced"
    return "reproduced" if all(passes(v) for v in values) else "inconclusive"


def late_after_crossing(series, threshold, settle):
    """Medians of λ₁/threshold and IAS/threshold from `settle` steps after λ₁ first exceeds threshold (≥ 3 points)."""
    lam, ias = series["lambda_1"], dict(series["ias"])
    first = next((s for s, v in lam if v > threshold), None)
    if first is None:
        return None
    late = [(v, ias[s]) for s, v in lam if s >= first + settle]
    if len(late) < 3:
        return None
    return statistics.median(v for v, _ in late) / threshold, statistics.median(i for _, i in late) / threshold


def number(config, field):
    m = re.search(field + r": ([0-9.e+-]+)", config)
    return float(m.group(1)) if m else None


def gd(runs):
    configs = [c for c, _ in runs.values()]
    eta, settle = number(configs[0], "eta"), int(number(configs[0], "settle"))
    edge = 2 / eta
    peaks = [max(v for _, v in s["lambda_1"]) / edge for _, s in runs.values()]
    print(f"003-gd-sharpening: max λ₁·η/2 per seed {fmt(peaks)} -> {'reproduced' if all(p > 1 for p in peaks) else 'not reproduced'}")
    late = [late_after_crossing(s, edge, settle) for _, s in runs.values()]
    if any(x is None for x in late):
        print("003-gd-ias-at-edge, 003-gd-lambda-above: edge not reached in every seed -> inconclusive")
        return
    print(f"003-gd-ias-at-edge: late IAS·η/2 {fmt([i for _, i in late])} -> {verdict([i for _, i in late], lambda x: 0.9 <= x <= 1.1)}")
    print(f"003-gd-lambda-above: late λ₁·η/2 {fmt([l for l, _ in late])} -> {verdict(late, lambda p: p[0] > 1.05 and p[0] > p[1])}")


def sgd(runs):
    by_b = {}
    for key, (_, s) in runs.items():
        b, seed = (int(x) for x in re.match(r"b=(\d+),seed=(\d+)", key).groups())
        half = lambda name: statistics.median(v for _, v in s[name][len(s[name]) // 2:])
        by_b.setdefault(b, {})[seed] = (half("ratio_over_edge"), half("rho_b"), half("lambda_1_over_edge"))
    bs = sorted(by_b)
    seeds = sorted(set.intersection(*(set(d) for d in by_b.values())))
    per_seed = [tuple(by_b[b][k] for b in bs) for k in seeds]
    flat = lambda i: [tuple(r[i] for r in row) for row in per_seed]
    print(f"003-sgd-ratio-at-edge (b = {bs}): late ratio·η/2 per seed {flat(0)} -> "
          f"{verdict(flat(0), lambda r: all(0.8 <= x <= 1.25 for x in r))}")
    print(f"003-sgd-rho-grows: late ρ_b per seed {flat(1)} -> {verdict(flat(1), lambda r: all(a < b for a, b in zip(r, r[1:])))}")
    print(f"003-sgd-small-b-below: late λ₁·η/2 at b = {bs[0]} per seed {[r[0] for r in flat(2)]} -> "
          f"{verdict([r[0] for r in flat(2)], lambda x: x < 1)}")


def momentum(runs, quick):
    settle = 10 if quick else 200
    for family in ("polyak", "nesterov"):
        verdicts, parts = [], []
        for beta in ("0.5", "0.9"):
            late = [late_after_crossing(s, 40.0, settle) for k, (_, s) in runs.items() if k.startswith(f"{family},beta1={beta},")]
            if not late or any(x is None for x in late):
                verdicts.append("inconclusive"); parts.append(f"β₁ = {beta}: threshold not crossed"); continue
            verdicts.append(verdict([i for _, i in late], lambda x: 0.9 <= x <= 1.1))
            parts.append(f"β₁ = {beta}: late IAS/threshold {fmt([i for _, i in late])}")
        overall = "not reproduced" if "not reproduced" in verdicts else ("inconclusive" if "inconclusive" in verdicts else "reproduced")
        print(f"003-momentum-{family}: {'; '.join(parts)} -> {overall}")


def ellipse(runs):
    # Digest 002 §6.1 with a = 2, b = 1, c = 1/2: min tr H at (1, 1), min tr(Diag H^{1/2}) at (√5/2, 3/√20).
    targets = {"sgd": (1.0, 1.0), "adam": (5 ** 0.5 / 2, 3 / 20 ** 0.5)}
    for opt, target in targets.items():
        ends = [(s["x"][-1][1], s["y"][-1][1]) for k, (_, s) in runs.items() if k.startswith(opt + ",")]
        near = lambda p: ((p[0] - target[0]) ** 2 + (p[1] - target[1]) ** 2) ** 0.5 <= 0.03 * (target[0] ** 2 + target[1] ** 2) ** 0.5
        print(f"002-ellipse {opt}: end points {[(round(x, 4), round(y, 4)) for x, y in ends]} vs {tuple(round(t, 4) for t in target)} -> {verdict(ends, near)}")


def last(series, name):
    return series[name][-1][1] if name in series else float("nan")


def dln(runs):
    """n* per method: the smallest grid n from which on every grid n has test loss <= 0.25 (inf if none)."""
    table = {}  # method -> seed -> n -> (test loss, tr H, tr(Diag H^1/2))
    for key, (_, s) in runs.items():
        method, n, seed = re.match(r"(.+),n=(\d+),seed=(\d+)", key).groups()
        table.setdefault(method, {}).setdefault(int(seed), {})[int(n)] = (last(s, "test_loss"), last(s, "trace_h"), last(s, "adaptive_sharpness"))
    grid = sorted(next(iter(next(iter(table.values())).values())))
    seeds = sorted(set.intersection(*(set(v) for v in table.values())))

    def star(losses):
        for i, n in enumerate(grid):
            if all(losses[m] <= 0.25 for m in grid[i:]):
                return n
        return float("inf")

    def per_seed(method, column):
        return [[table[method][k][n][column] for n in grid] for k in seeds]

    def mean_row(rows):
        return [statistics.fmean(col) for col in zip(*rows)]

    stars = {m: (star(dict(zip(grid, mean_row(per_seed(m, 0))))), [star(dict(zip(grid, r))) for r in per_seed(m, 0)]) for m in table}
    adams, adames = [m for m in table if m.startswith("adam-")], [m for m in table if m.startswith("adame-")]
    for claim, others in (("002-dln-recovery", adams), ("002-dln-adame", adames)):
        ok_mean = all(stars[m][0] < stars["sgd"][0] for m in others)
        ok_every = all(stars[m][1][k] < stars["sgd"][1][k] for m in others for k in range(len(seeds)))
        verdict_ = "not reproduced" if not ok_mean else ("reproduced" if ok_every else "inconclusive")
        print(f"{claim}: n* (seed mean; per seed) " + "; ".join(f"{m} {stars[m][0]} {stars[m][1]}" for m in ["sgd"] + others) + f" -> {verdict_}")
    smallest = 0
    for claim, column, better in (("002-dln-trace", 1, lambda sgd, adam: sgd < adam), ("002-dln-adaptive", 2, lambda sgd, adam: adam < sgd)):
        sgd_rows = [r[smallest] for r in per_seed("sgd", column)]
        values = {m: [r[smallest] for r in per_seed(m, column)] for m in adams}
        ok_mean = all(better(statistics.fmean(sgd_rows), statistics.fmean(values[m])) for m in adams)
        ok_every = all(better(sgd_rows[k], values[m][k]) for m in adams for k in range(len(seeds)))
        verdict_ = "not reproduced" if not ok_mean else ("reproduced" if ok_every else "inconclusive")
        print(f"{claim} at n = {grid[smallest]}: sgd {fmt(sgd_rows)}, " + ", ".join(f"{m} {fmt(values[m])}" for m in adams) + f" -> {verdict_}")


def sensing(runs):
    by = {}
    for key, (_, s) in runs.items():
        method, seed = re.match(r"(\w+),seed=(\d+)", key).groups()
        by.setdefault(method, {})[int(seed)] = (last(s, "trace_h"), last(s, "adaptive_sharpness"), last(s, "test_loss"))
    seeds = sorted(set(by["sgd"]) & set(by["adam"]))
    pairs = [(by["sgd"][k], by["adam"][k]) for k in seeds]
    sharp = lambda p: p[1][0] > p[0][0] and p[1][1] < p[0][1]
    test = lambda p: p[1][2] > p[0][2]
    mean = (tuple(statistics.fmean(p[0][i] for p in pairs) for i in range(3)), tuple(statistics.fmean(p[1][i] for p in pairs) for i in range(3)))
    for claim, rule in (("002-sensing-sharpness", sharp), ("002-sensing-test", test)):
        verdict_ = "not reproduced" if not rule(mean) else ("reproduced" if all(rule(p) for p in pairs) else "inconclusive")
        print(f"{claim}: seed means SGD (tr H, tr(Diag H^1/2), test) = {tuple(round(x, 4) for x in mean[0])}, "
              f"Adam = {tuple(round(x, 4) for x in mean[1])} -> {verdict_}")


def beta2(runs):
    """000-beta2: best validation loss per (b, β) and seed; argmin β₂ / β₁ per b, the gain over β₂ = 0.999, and
    b_{1/2} = 2N·B/(N + 2B − 1) at B = the median over b of B_simple at the best epoch of the (0.9, 0.999) runs."""
    cells = {}  # (b, beta1, beta2) -> seed -> (best loss, B_simple there)
    samples = None
    for key, (config, s) in runs.items():
        b, b1, b2, seed = re.match(r"b=(\d+),beta1=([0-9.]+),beta2=([0-9.]+),seed=(\d+)", key).groups()
        samples = samples or int(re.search(r"fashion-mnist:train,n=(\d+)", config).group(1))
        finite = [(step, v) for step, v in s.get("val_loss", []) if v == v and abs(v) != float("inf")]
        best = min(finite, key=lambda p: p[1]) if finite else (None, float("inf"))  # min keeps the first epoch of a tie
        noise = dict(s.get("b_simple", [])).get(best[0], float("nan"))
        cells.setdefault((int(b), float(b1), float(b2)), {})[int(seed)] = (best[1], noise)
    sizes = sorted({b for b, _, _ in cells})
    beta2s = sorted({b2 for _, b1, b2 in cells if b1 == 0.9}, reverse=True)
    beta1s = sorted({b1 for _, b1, b2 in cells if b2 == 0.999})
    seeds = sorted(set.intersection(*(set(v) for v in cells.values())))

    def view(pick):  # pick(values over seeds) -> one number; a view is (β₂ rows, β₁ rows, B per b)
        return ([[pick([cells[(b, 0.9, x)][k][0] for k in seeds]) for x in beta2s] for b in sizes],
                [[pick([cells[(b, x, 0.999)][k][0] for k in seeds]) for x in beta1s] for b in sizes],
                [pick([cells[(b, 0.9, 0.999)][k][1] for k in seeds]) for b in sizes])

    views = [view(lambda xs, k=k: xs[seeds.index(k)]) for k in seeds]
    mean = view(statistics.fmean)
    argmin = lambda row: min(range(len(row)), key=lambda i: (row[i] if row[i] == row[i] else float("inf"), i))
    a2 = lambda v: [beta2s[argmin(r)] for r in v[0]]
    a1 = lambda v: [beta1s[argmin(r)] for r in v[1]]
    base = beta2s.index(0.999)
    gain = lambda v: [(r[base] - r[argmin(r)]) / r[base] for r in v[0]]
    noise = lambda v: statistics.median([x for x in v[2] if x == x])
    half = lambda v: 2 * samples * noise(v) / (samples + 2 * noise(v) - 1)

    def move(v):
        a = a2(v)
        k = next((k for k in range(1, len(a)) if a[k] < a[0]), None)
        return None if k is None else (sizes[k - 1], sizes[k])

    def inside(v):
        m = move(v)
        return m is not None and m[0] <= half(v) <= m[1]

    def decide(rule):
        return "not reproduced" if not rule(mean) else ("reproduced" if all(rule(v) for v in views) else "inconclusive")

    print(f"000-beta2-argmin-falls (b = {sizes}): argmin β₂ seed means {a2(mean)}, per seed {[a2(v) for v in views]} -> "
          f"{decide(lambda v: a2(v)[-1] < a2(v)[0])}")
    print(f"000-beta2-gain-grows: gain % seed means {fmt([100 * g for g in gain(mean)])}, per seed {[fmt([100 * g for g in gain(v)]) for v in views]} -> "
          f"{decide(lambda v: gain(v)[-1] > gain(v)[0])}")
    print(f"000-beta1-rises: argmin β₁ seed means {a1(mean)}, per seed {[a1(v) for v in views]} -> "
          f"{decide(lambda v: a1(v)[0] == 0.9 and a1(v)[-1] > 0.9)}")
    print(f"000-transition-batch: B = {noise(mean):.4g}, b_1/2 = {half(mean):.4g}, move {move(mean)}; per seed "
          f"{[(round(noise(v), 4), round(half(v), 4), move(v)) for v in views]} -> {decide(inside)}")
def seed_verdict(mean, seeds, passes):
    """The Swift studies' rule on precomputed seed means: not reproduced unless the mean passes, then every seed."""
    if not passes(mean):
        return "not reproduced"
    return "reproduced" if all(passes(v) for v in seeds) else "inconclusive"


def by_seed(runs, pattern):
    """{seed: {label: series}} for keys `<label>,seed=<k>` matching `pattern` (a regex with groups label, seed)."""
    out = {}
    for key, (_, s) in runs.items():
        m = re.fullmatch(pattern, key)
        if m:
            out.setdefault(int(m.group(2)), {})[m.group(1)] = s
    return out


def values(series, name):
    return [v for _, v in series.get(name, [])]


def trajectory(runs):
    """001-trajectory: per algorithm, max_n ‖θ − θ̃_M‖∞ / max_n ‖θ − θ̃‖∞ at every h below 1."""
    seeds = by_seed(runs, r"(\w+,h=[0-9.e-]+),seed=(\d+)")
    for algorithm, claim in (("adamw", "001-fig1a-adamw"), ("lion", "001-fig1b-lion")):
        rows = []
        for k in sorted(seeds):
            labels = sorted((l for l in seeds[k] if l.startswith(algorithm + ",")), key=lambda l: float(l.split("=")[1]))
            rows.append(tuple(max(values(seeds[k][l], "distance_second_order")) / max(values(seeds[k][l], "distance_first_order")) for l in labels))
        mean = tuple(statistics.fmean(col) for col in zip(*rows))
        print(f"{claim}: ratio per h, seed mean {fmt(mean)}, per seed {[fmt(r) for r in rows]} -> "
              f"{seed_verdict(mean, rows, lambda r: all(x < 1 for x in r))}")


def beta2_lion(runs):
    """001-beta2-lion: test accuracy at the threshold (NaN when not reached) per β₂ and for Lion."""
    seeds = by_seed(runs, r"(adam-b2=[0-9.]+|lion),seed=(\d+)")
    labels = sorted((l for l in seeds[min(seeds)] if l != "lion"), key=lambda l: float(l.split("=")[1])) + ["lion"]
    def accuracy(s):
        return values(s, "test_accuracy")[-1] if values(s, "reached")[-1:] == [1.0] else float("nan")
    rows = [tuple(accuracy(seeds[k][l]) for l in labels) for k in sorted(seeds)]
    def reached_mean(col):
        ok = [x for x in col if x == x]
        return statistics.fmean(ok) if ok else float("nan")
    mean = tuple(reached_mean(col) for col in zip(*rows))
    low, high, lion = 0, len(labels) - 2, len(labels) - 1
    print(f"001-beta2-lion accuracies {labels}: seed mean {fmt(mean)}")
    print(f"001-fig2a-accuracy-falls: {mean[low]:.4f} - {mean[high]:.4f} -> {seed_verdict(mean, rows, lambda r: r[low] - r[high] > 0)}")
    print(f"001-fig2a-lion-gap: {mean[lion]:.4f} - {mean[high]:.4f} -> {seed_verdict(mean, rows, lambda r: r[lion] - r[high] > 0)}")
    print(f"001-fig2a-low-beta2-matches-lion: {mean[low]:.4f} - {mean[lion]:.4f} -> "
          f"{seed_verdict(mean, rows, lambda r: r[low] >= r[lion] - 0.005)}")


def sharpness(runs):
    """001-sharpness: late median and max of λ₁(P⁻¹H)/edge; λ₁(H) first, peak, last."""
    seeds = by_seed(runs, r"adam-b1=([0-9.]+),seed=(\d+)")
    def summary(s):
        r, lam = values(s, "preconditioned_over_edge"), values(s, "lambda_1")
        return (statistics.median(r[len(r) // 2:]), max(r), lam[0], max(lam), lam[-1])
    rows = [tuple(summary(seeds[k][b]) for b in sorted(seeds[k], key=float)) for k in sorted(seeds)]
    mean = tuple(tuple(statistics.fmean(r[b][i] for r in rows) for i in range(5)) for b in range(len(rows[0])))
    print(f"001-fig5-preconditioned-edge: late median ratio at β₁ = 0.9 {mean[0][0]:.3f}, per seed {fmt([r[0][0] for r in rows])} -> "
          f"{seed_verdict(mean, rows, lambda r: 0.8 <= r[0][0] <= 1.25)}")
    print(f"001-fig6-below-edge: max ratio at β₁ = 0.99 {mean[1][1]:.3f}, per seed {fmt([r[1][1] for r in rows])} -> "
          f"{seed_verdict(mean, rows, lambda r: r[1][1] < 1)}")
    print(f"001-fig5-sharpness-rises-falls: λ₁(H) first/peak/last {fmt(mean[0][2:])} -> "
          f"{seed_verdict(mean, rows, lambda r: r[0][3] >= 1.1 * r[0][2] and r[0][4] <= 0.9 * r[0][3])}")
def sqrt_rule(runs):
    """004-sqrt: gaps mean_e |log L - log L0| of each scaled run to its seed's base run, B_noise per arm."""
    config = next(iter(runs.values()))[0]
    b0 = int(re.search(r"B0 (\d+)", config).group(1))
    epochs = int(re.search(r"epochs (\d+)", config).group(1))
    base, scaled = {}, {}
    for key, (_, s) in runs.items():
        m = re.match(r"([^/]+)/base,seed=(\d+)$", key)
        if m:
            base[(m.group(1), int(m.group(2)))] = s
            continue
        arm, rule, kappa, seed = re.match(r"([^/]+)/([^/]+)/k=(\d+),seed=(\d+)$", key).groups()
        scaled[(arm, rule, int(kappa), int(seed))] = s
    arms = sorted({a for a, _ in base}, key=lambda a: (a != "adam", a))
    seeds = sorted({s for _, s in base})
    kappas = sorted({k for _, _, k, _ in scaled})

    def gap(run, ref):
        l, l0 = [v for _, v in run.get("train_loss", [])], [v for _, v in ref.get("train_loss", [])]
        if len(l) != epochs + 1 or len(l0) != epochs + 1:
            return math.inf
        return statistics.fmean(abs(math.log(l[e]) - math.log(l0[e])) for e in range(1, epochs + 1))

    noise = {a: statistics.fmean(statistics.median(v for _, v in base[(a, s)]["b_simple"]) for s in seeds) for a in arms}
    dominated = {a: [k for k in kappas if k * b0 <= noise[a]] for a in arms}

    def gaps(arm, seed):
        return {(r, k): gap(s, base[(arm, seed)]) for (a, r, k, sd), s in scaled.items() if a == arm and sd == seed}

    def decide(arm, applicable, passes):
        if not applicable:
            return "inconclusive"
        per = [gaps(arm, s) for s in seeds]
        mean = {key: statistics.fmean(g[key] for g in per) for key in per[0]}
        if not passes(mean):
            return "not reproduced"
        return "reproduced" if all(passes(g) for g in per) else "inconclusive"

    def beats(arm, rivals):
        ks = dominated[arm]
        return decide(arm, bool(ks), lambda g: all(g[("sqrt", k)] < g[(r, k)] for k in ks for r in rivals if (r, k) in g))

    def worst(vs):
        return "not reproduced" if "not reproduced" in vs else ("inconclusive" if "inconclusive" in vs or not vs else "reproduced")

    for a in arms:
        mean = {key: statistics.fmean(g[key] for g in (gaps(a, s) for s in seeds)) for key in gaps(a, seeds[0])}
        print(f"004-sqrt {a}: B_noise {noise[a]:.1f}, noise-dominated kappa {dominated[a]}; seed-mean gaps "
              + "; ".join(f"{r} k={k}: {v:.3f}" for (r, k), v in sorted(mean.items(), key=lambda x: (x[0][1], x[0][0]))))
    print(f"004-sqrt-tracks: -> {beats('adam', ['linear-lr-betas', 'none'])}")
    print(f"004-sqrt-tracks-variants: -> {worst([beats(a, ['linear-lr-betas', 'none']) for a in arms if a != 'adam'])}")

    def accuracy(arm, seed, kappa):
        s = base[(arm, seed)] if kappa == 1 else scaled[(arm, "sqrt", kappa, seed)]
        values = [v for _, v in s.get("test_accuracy", [])]
        return values[-1] if values else math.nan

    acc = []
    for a in arms:
        ks = dominated[a]
        if not ks:
            acc.append("inconclusive")
            continue
        per = [{k: accuracy(a, s, k) for k in [1] + ks} for s in seeds]
        mean = {k: statistics.fmean(p[k] for p in per) for k in per[0]}
        ok = lambda p: all(abs(p[k] - p[1]) <= 0.03 for k in ks)
        acc.append("not reproduced" if not ok(mean) else ("reproduced" if all(ok(p) for p in per) else "inconclusive"))
        print(f"004-sqrt {a}: seed-mean test accuracy " + ", ".join(f"k={k}: {v:.3f}" for k, v in mean.items()))
    print(f"004-sqrt-test-accuracy: -> {worst(acc)}")
    partials = ["sqrt-lr", "sqrt-lr-eps", "sqrt-lr-eps-beta1", "sqrt-lr-eps-beta2"]
    print(f"004-sqrt-partial: -> {beats('adam', partials)}")
    inside, beyond = dominated["adam"], [k for k in kappas if k not in dominated["adam"]]
    print("004-sqrt-breaks: -> " + decide("adam", bool(inside) and bool(beyond),
                                          lambda g: all(g[("sqrt", k)] > max(g[("sqrt", j)] for j in inside) for k in beyond)))


def lssr(runs):
    """003-lssr: eta* per b from seed-mean test accuracy; LSR, SRSR and LSSR (eq. 17, without replacement) from eta*(b0)."""
    config = next(iter(runs.values()))[0]
    n = int(re.search(r"train,n=(\d+)", config).group(1))
    acc, rho = {}, {}
    for key, (_, s) in runs.items():
        b, lr, seed = re.match(r"b=(\d+),lr=([0-9.e-]+),seed=(\d+)$", key).groups()
        k = (int(b), float(lr), int(seed))
        a = [v for _, v in s.get("test_accuracy", [])]
        acc[k] = a[-1] if a else 0.0
        rho[k] = statistics.median(v for _, v in s["rho"])
    bs, lrs, seeds = (sorted({k[i] for k in acc}) for i in range(3))

    def fit(accuracy, rhos):
        best = [max(lrs, key=lambda lr: (accuracy[(b, lr)], -lr)) for b in bs]
        r = rhos[(bs[0], best[0])]
        def rho_b(b):
            w = (n - b) / (n - 1) / b
            return 1 / (w / r + 1 - w)
        rules = {"lssr": lambda b: best[0] * rho_b(b) / rho_b(bs[0]), "lsr": lambda b: best[0] * b / bs[0],
                 "srsr": lambda b: best[0] * math.sqrt(b / bs[0])}
        return best, {name: sum(abs(math.log2(e) - math.log2(f(b))) for b, e in zip(bs, best)) for name, f in rules.items()}

    per = [fit({(b, lr): acc[(b, lr, sd)] for b in bs for lr in lrs}, {(b, lr): rho[(b, lr, sd)] for b in bs for lr in lrs}) for sd in seeds]
    mean = fit({(b, lr): statistics.fmean(acc[(b, lr, sd)] for sd in seeds) for b in bs for lr in lrs},
               {(b, lr): statistics.fmean(rho[(b, lr, sd)] for sd in seeds) for b in bs for lr in lrs})

    def decide(passes):
        if not passes(mean):
            return "not reproduced"
        return "reproduced" if all(passes(p) for p in per) else "inconclusive"

    print(f"003-lssr: eta* on seed means {dict(zip(bs, mean[0]))}, per seed {[p[0] for p in per]}; errors "
          + ", ".join(f"{k} {v:.2f}" for k, v in mean[1].items()))
    print(f"003-lssr-linear: -> {decide(lambda f: f[0][1] > f[0][0])}")
    print(f"003-lssr-saturates: -> {decide(lambda f: f[0][-1] / f[0][-2] < math.sqrt(bs[-1] / bs[-2]))}")
    print(f"003-lssr-fits: -> {decide(lambda f: f[1]['lssr'] < f[1]['lsr'] and f[1]['lssr'] < f[1]['srsr'])}")


def svag(runs):
    """004-svag: per ell, the mean and standard error over all paths of each test function; D(1, 2) with its
    noise floor against D of the last pair of ells."""
    functions = ["train_loss", "test_accuracy", "theta_norm", "gradient_norm", "noise_trace"]
    paths = {}  # ell -> list of {function: [values by record]}
    for key, (_, s) in runs.items():
        ell = float(re.match(r"ell=([0-9.]+),seed=\d+$", key).group(1))
        ids = sorted({m.group(1) for name in s for m in [re.match(r".*_p(\d+)$", name)] if m})
        for p in ids:
            paths.setdefault(ell, []).append({f: [v for _, v in s[f"{f}_p{p}"]] for f in functions})
    ells = sorted(paths)

    def stats(ell, f):
        rows = [p[f] for p in paths[ell]]
        n, length = len(rows), min(len(r) for r in rows)
        mean = [statistics.fmean(r[t] for r in rows) for t in range(length)]
        se = [statistics.stdev([r[t] for r in rows]) / math.sqrt(n) for t in range(length)]
        return mean, se

    fails = unresolved = False
    for f in functions:
        (m1, s1), (m2, s2) = stats(ells[0], f), stats(ells[1], f)
        (ma, _), (mb, _) = stats(ells[-2], f), stats(ells[-1], f)
        early = max(abs(a - b) for a, b in zip(m1, m2))
        floor = max(2 * math.sqrt(a * a + b * b) for a, b in zip(s1, s2))
        late = max(abs(a - b) for a, b in zip(ma, mb))
        print(f"004-svag {f}: D(1, 2) = {early:.4g} (floor {floor:.2g}), D({ells[-2]:g}, {ells[-1]:g}) = {late:.4g}")
        fails = fails or (early > floor and not late < early)
        unresolved = unresolved or not early > floor
    print("004-svag-converges: -> " + ("not reproduced" if fails else ("inconclusive" if unresolved else "reproduced")))


def fmt(xs):
    return "[" + ", ".join(f"{x:.3f}" for x in xs) + "]"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    quick = "--quick" in sys.argv[2:]
    studies = load(sys.argv[1], quick)
    for study, runs in sorted(studies.items()):
        if study == "003-gd": gd(runs)
        elif study == "003-sgd": sgd(runs)
        elif study == "003-momentum": momentum(runs, quick)
        elif study == "002-ellipse": ellipse(runs)
        elif study == "002-dln": dln(runs)
        elif study == "002-sensing": sensing(runs)
        elif study == "000-beta2": beta2(runs)
        elif study == "001-trajectory": trajectory(runs)
        elif study == "001-beta2-lion": beta2_lion(runs)
        elif study == "001-sharpness": sharpness(runs)
        elif study == "004-sqrt": sqrt_rule(runs)
        elif study == "003-lssr": lssr(runs)
        elif study == "004-svag": svag(runs)
        else: print(f"{study}: skipped (not covered by this script)")


if __name__ == "__main__":
    main()
