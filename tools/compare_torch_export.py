"""Compares BiasLab's loss and gradient on a PyTorch export's check batch with PyTorch's
(tools/check-torch-export.sh): `python compare_torch_export.py NAME CHECK.npz BIASLAB.json GRADIENT.npy`.
Prints one line; exits 1 when either relative error exceeds 1e-10."""
import json
import sys

import numpy as np

TOLERANCE = 1e-10


def main():
    name, check_file, report_file, gradient_file = sys.argv[1:5]
    check = np.load(check_file)
    with open(report_file) as handle:
        report = json.load(handle)
    ours_loss = report.get("loss", report.get("result", {}).get("loss"))
    loss_error = abs(ours_loss - float(check["loss"])) / abs(float(check["loss"]))
    theirs, ours = check["gradient"], np.load(gradient_file)
    gradient_error = (np.linalg.norm(ours - theirs) / np.linalg.norm(theirs)) if ours.shape == theirs.shape else float("inf")
    verdict = "PASS" if max(loss_error, gradient_error) <= TOLERANCE else "FAIL"
    print(f"{name}: d = {theirs.size}, loss torch {float(check['loss']):.15g} BiasLab {ours_loss:.15g} "
          f"(rel. error {loss_error:.1e}), gradient rel. error {gradient_error:.1e}  {verdict}")
    sys.exit(0 if verdict == "PASS" else 1)


if __name__ == "__main__":
    main()
