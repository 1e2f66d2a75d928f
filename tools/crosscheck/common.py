"""Shared plumbing of the cross-check scripts: find and run the built `biaslab`, compare numbers,
print the `N passed, M failed` summary. NumPy only."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def biaslab_path():
    """$BIASLAB, or the debug build of this checkout."""
    path = os.environ.get("BIASLAB") or os.path.join(REPO, ".build", "debug", "biaslab")
    if not os.access(path, os.X_OK):
        sys.exit(f"crosscheck: no biaslab executable at '{path}' (build with 'swift build' or set BIASLAB)")
    return path


def arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small problems and fewer steps (the Swift test's mode)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random problems")
    return parser.parse_args()


def biaslab(*args):
    """Runs `biaslab args… --json` and returns the parsed JSON object; exits on a non-zero status."""
    command = [biaslab_path(), *[str(a) for a in args], "--json"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def relative_error(got, want):
    """max|got − want| / max|want| (normwise over a vector; |got − want|/|want| for a scalar)."""
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        return float("inf")
    scale = np.max(np.abs(want)) if want.size else 0.0
    diff = np.max(np.abs(got - want)) if want.size else 0.0
    return float(diff / scale) if scale > 0 else float(diff)


class Checker:
    """Collects comparisons; `finish()` prints the summary and exits 1 on any failure."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.worst = 0.0
        self.tmp = tempfile.TemporaryDirectory(prefix=f"biaslab-{name}-")

    def path(self, filename):
        return os.path.join(self.tmp.name, filename)

    def check(self, label, got, want, tolerance):
        error = relative_error(got, want)
        ok = error <= tolerance
        self.worst = max(self.worst, error) if np.isfinite(error) else float("inf")
        if ok:
            self.passed += 1
            print(f"  ok    {label}: rel. error {error:.2e} (≤ {tolerance:.0e})")
        else:
            self.failed += 1
            print(f"  FAIL  {label}: rel. error {error:.2e} > {tolerance:.0e}\n        biaslab {np.ravel(got)[:6]}\n        numpy   {np.ravel(want)[:6]}")
        return ok

    def error(self, label, exception):
        self.failed += 1
        print(f"  FAIL  {label}: {exception}")

    def finish(self):
        print(f"{self.name}: max relative error {self.worst:.2e}")
        print(f"{self.passed} passed, {self.failed} failed")
        self.tmp.cleanup()
        sys.exit(1 if self.failed else 0)
