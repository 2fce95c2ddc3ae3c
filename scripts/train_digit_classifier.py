"""Train the digit classifier shipped as resources/data/digit_classifier.npz.

    python scripts/train_digit_classifier.py            # train, report, write the file
    python scripts/train_digit_classifier.py --check    # train again, compare with the file

A one-hidden-layer perceptron (mechgui.engine.digit_classifier) trained on 80 % of the 1,797
digits, seeded: the same weights on every run (up to the last bits of floating point); its
accuracy is measured on the other 20 %, which it never saw.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from mechgui.engine.digit_classifier import (
    CLASSIFIER_FILE,
    DigitClassifier,
    held_out_split,
    train_classifier,
)
from mechgui.engine.digits import load_digits
from mechgui.engine.resources import resource_path

SEED = 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=resource_path("data", CLASSIFIER_FILE),
                        help="where to write the weights (default: the shipped file)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing: compare a new training with the shipped weights")
    args = parser.parse_args(argv)

    images, labels = load_digits()
    held = held_out_split(labels, share=0.2, seed=SEED)
    model = train_classifier(images[~held], labels[~held], seed=SEED)
    guesses, confidences = model.classify(images[held])
    accuracy = float(np.mean(guesses == labels[held]))
    train_accuracy = float(np.mean(model.classify(images[~held])[0] == labels[~held]))
    model.held_out_accuracy = accuracy
    print(f"trained on {int((~held).sum())} digits: accuracy {train_accuracy:.4f}; "
          f"held out {int(held.sum())}: accuracy {accuracy:.4f}, "
          f"mean confidence {confidences.mean():.3f}")
    if args.check:
        shipped = DigitClassifier.load()
        same = all(np.allclose(a, b, atol=1e-4) for a, b in
                   zip(model.arrays().values(), shipped.arrays().values()))
        print("the shipped weights " + ("match" if same else "DIFFER"))
        return 0 if same else 1
    np.savez_compressed(args.out, **model.arrays())
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
