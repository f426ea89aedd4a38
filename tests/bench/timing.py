#!/usr/bin/env python3
"""tests/bench/timing.py SAMPLES: compare the answer times of the kinds of
Peerfeed-From hint (issue 13 item 1).  SAMPLES holds "CASE KIND SECONDS"
lines (tests/bench/run's timing section); KIND "friend" is the reference.
Prints one tab-separated row per case and other kind: case, kind, n,
median ms, interquartile range ms, ratio of medians to the friend's, and
the two-sided p-value of a Mann-Whitney rank test (normal approximation
with a tie correction) against the friend's times."""
import math
import statistics
import sys


def ranks(values):
    order = sorted(range(len(values)), key=values.__getitem__)
    r = [0.0] * len(values)
    ties = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        ties.append(j - i + 1)
        i = j + 1
    return r, ties


def mann_whitney(a, b):
    """Two-sided p-value that a and b come from one distribution."""
    n1, n2 = len(a), len(b)
    r, ties = ranks(a + b)
    u = sum(r[:n1]) - n1 * (n1 + 1) / 2
    n = n1 + n2
    tie = sum(t ** 3 - t for t in ties) / (n * (n - 1))
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - tie))
    if sigma == 0:
        return 1.0
    z = (abs(u - n1 * n2 / 2) - 0.5) / sigma
    return math.erfc(max(z, 0) / math.sqrt(2))


def main():
    data = {}
    for line in open(sys.argv[1]):
        case, kind, sec = line.split()
        data.setdefault(case, {}).setdefault(kind, []).append(float(sec) * 1000)
    for case, kinds in data.items():
        ref = kinds["friend"]
        for kind, v in kinds.items():
            q = statistics.quantiles(v, n=4)
            ratio = statistics.median(v) / statistics.median(ref)
            p = mann_whitney(v, ref) if kind != "friend" else 1.0
            print("%s\t%s\t%d\t%.3f\t%.3f..%.3f\t%.3f\t%.3g" % (
                case, kind, len(v), statistics.median(v), q[0], q[2],
                ratio, p))


main()
