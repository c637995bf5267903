#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# make_vectors.py [--seed N] [--trees N] OUT.json: write a vectors file of
# spec keyrot v1's format (its appendix) for random root seeds, computed with
# tests/spec/keyrot_v1.py.  `make check` runs the KUnit vector suites on such
# a file too, proving they follow whatever file they are given.

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keyrot_v1 as kr  # noqa: E402


def edges(rng):
    """Sequence numbers at the leaf, node and tree edges, and a few others."""
    leaf, node = 1 << kr.LEAF_SHIFT, 1 << kr.NODE_SHIFT
    picks = {0, leaf - 1, leaf, node - 1, node, kr.SEQ_LIMIT - leaf,
             kr.SEQ_LIMIT - 1}
    while len(picks) < 11:
        picks.add(rng.randrange(kr.SEQ_LIMIT))
    return sorted(picks)


def vector(rng):
    root = rng.randbytes(kr.SEED_LEN)
    tree = kr.KeyTree(root)
    nodes = sorted({0, 1, kr.NODES - 1, rng.randrange(kr.NODES)})
    leaves = [{"d": d, "s": s, "key": tree.leaf(d, s).hex()}
              for d in (0, 1) for s in edges(rng)]
    packets = []
    for cipher in kr.CIPHERS:
        for d in (0, 1):
            for size in (0, 1, rng.randrange(2, 1400)):
                s = rng.randrange(kr.SEQ_LIMIT)
                epoch = rng.randrange(256)
                flow_id = rng.randrange(1, 1 << 32)
                pt = rng.randbytes(size)
                wire = kr.seal(cipher, tree.leaf(d, s), epoch, flow_id, s, pt)
                packets.append({"cipher": cipher, "d": d, "epoch": epoch,
                                "flow_id": flow_id, "s": s,
                                "plaintext": pt.hex(), "packet": wire.hex()})
    return {"root": root.hex(), "key_id": tree.key_id.hex(),
            "nodes": [{"n": n, "key": tree.nodes[n].hex()} for n in nodes],
            "leaves": leaves, "packets": packets}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--trees", type=int, default=2)
    ap.add_argument("out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    doc = {"spec": "keyrot v1",
           "vectors": [vector(rng) for _ in range(args.trees)]}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
