#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# kmod/tests/gen_vectors.py: a good file gives one table row per vector
# entry; a malformed one fails the build, naming the offending field.

import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(os.path.dirname(here))
GEN = os.path.join(top, "kmod", "tests", "gen_vectors.py")
VECTORS = os.path.join(top, "tests", "vectors", "vectors-v1.json")


def run(doc):
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        if isinstance(doc, str):
            f.write(doc)
        else:
            json.dump(doc, f)
        f.flush()
        return subprocess.run([sys.executable, GEN, f.name],
                              capture_output=True, text=True)


class GenVectors(unittest.TestCase):
    def setUp(self):
        with open(VECTORS, encoding="utf-8") as f:
            self.doc = json.load(f)

    def test_rows_match_the_file(self):
        out = run(self.doc)
        self.assertEqual(out.returncode, 0, out.stderr)
        body = out.stdout
        v = self.doc["vectors"]
        self.assertEqual(body.count(".root = "), len(v))
        self.assertEqual(body.count(".n = "), sum(len(x["nodes"]) for x in v))
        self.assertEqual(body.count(".d = "),
                         sum(len(x["leaves"]) + len(x["packets"]) for x in v))
        self.assertEqual(body.count(".cipher = "),
                         sum(len(x["packets"]) for x in v))

    def refused(self, mutate, where):
        doc = copy.deepcopy(self.doc)
        mutate(doc)
        out = run(doc)
        self.assertEqual(out.returncode, 1)
        self.assertIn(where, out.stderr)
        self.assertEqual(out.stdout, "")

    def test_refuses_wrong_spec(self):
        self.refused(lambda d: d.update(spec="keyrot v2"), "file.spec")

    def test_refuses_short_root(self):
        self.refused(lambda d: d["vectors"][0].update(root="00" * 31),
                     "vectors[0].root: 31 bytes")

    def test_refuses_bad_hex(self):
        self.refused(lambda d: d["vectors"][0]["nodes"][1].update(key="zz"),
                     "vectors[0].nodes[1].key")

    def test_refuses_node_out_of_range(self):
        self.refused(lambda d: d["vectors"][0]["nodes"][0].update(n=128),
                     "vectors[0].nodes[0].n")

    def test_refuses_s_beyond_tree(self):
        self.refused(lambda d: d["vectors"][0]["leaves"][0].update(s=1 << 33),
                     "vectors[0].leaves[0].s")

    def test_refuses_missing_field(self):
        self.refused(lambda d: d["vectors"][0]["leaves"][0].pop("d"),
                     "vectors[0].leaves[0]: missing 'd'")

    def test_refuses_unknown_cipher(self):
        self.refused(lambda d: d["vectors"][0]["packets"][0].update(
            cipher="aes-128-gcm"), "vectors[0].packets[0].cipher")

    def test_refuses_packet_length_mismatch(self):
        self.refused(lambda d: d["vectors"][0]["packets"][0].update(
            packet="01" * 33), "vectors[0].packets[0].packet")

    def test_refuses_zero_flow_id(self):
        self.refused(lambda d: d["vectors"][0]["packets"][0].update(
            flow_id=0), "vectors[0].packets[0].flow_id")

    def test_refuses_no_json(self):
        out = run("{not json")
        self.assertEqual(out.returncode, 1)
        self.assertIn("gen_vectors.py:", out.stderr)


if __name__ == "__main__":
    unittest.main()
