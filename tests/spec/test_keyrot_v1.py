#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The spec-only Python implementation checked against RFC 5869 and the
# vectors files, so that it can be trusted to judge the module's output.

import json
import os
import sys
import tempfile
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import keyrot_v1 as kr  # noqa: E402
import make_vectors  # noqa: E402

top = os.path.dirname(os.path.dirname(here))
OUR_VECTORS = os.path.join(top, "tests", "vectors", "vectors-v1.json")
SHARED_VECTORS = os.path.join(top, "..", "shared", "spec", "vectors-v1.json")

RFC5869 = [  # (PRK, info, OKM) of test cases 1 to 3
    ("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
     bytes(range(0xf0, 0xfa)),
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
     "34007208d5b887185865"),
    ("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
     bytes(range(0xb0, 0x100)),
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
     "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
     "cc30c58179ec3e87c14c01d5c1f3434f1d87"),
    ("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
     b"",
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
     "9d201395faa4b61a96c8"),
]


def check_file(tc, path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    tc.assertEqual(doc["spec"], "keyrot v1")
    tc.assertTrue(doc["vectors"])
    for v in doc["vectors"]:
        tree = kr.KeyTree(bytes.fromhex(v["root"]))
        tc.assertEqual(tree.key_id.hex(), v["key_id"])
        for node in v["nodes"]:
            tc.assertEqual(tree.nodes[node["n"]].hex(), node["key"])
        for leaf in v["leaves"]:
            tc.assertEqual(tree.leaf(leaf["d"], leaf["s"]).hex(), leaf["key"])
        for p in v["packets"]:
            key = tree.leaf(p["d"], p["s"])
            pt = bytes.fromhex(p["plaintext"])
            wire = bytes.fromhex(p["packet"])
            tc.assertEqual(kr.seal(p["cipher"], key, p["epoch"], p["flow_id"],
                                   p["s"], pt), wire)
            tc.assertEqual(kr.open_packet(p["cipher"], key, wire), pt)
            flipped = bytearray(wire)
            flipped[-1] ^= 1
            with tc.assertRaises(Exception):
                kr.open_packet(p["cipher"], key, bytes(flipped))


class SpecImplementation(unittest.TestCase):
    def test_hkdf_expand_rfc5869(self):
        for prk, info, okm in RFC5869:
            self.assertEqual(kr.hkdf_expand(bytes.fromhex(prk), info,
                                            len(okm) // 2).hex(), okm)

    def test_our_vectors(self):
        check_file(self, OUR_VECTORS)

    @unittest.skipUnless(os.path.exists(SHARED_VECTORS), "no ../shared")
    def test_our_copy_is_the_shared_file(self):
        with open(OUR_VECTORS, "rb") as a, open(SHARED_VECTORS, "rb") as b:
            self.assertEqual(a.read(), b.read(),
                             "tests/vectors/ is stale: copy the shared file")

    def test_generated_vectors_verify(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "v.json")
            sys.argv = ["make_vectors.py", "--seed", "7", out]
            self.assertEqual(make_vectors.main(), 0)
            check_file(self, out)

    def test_leaves_remaining(self):
        self.assertEqual(kr.leaves_remaining(0), 8191)
        self.assertEqual(kr.leaves_remaining((1 << 20) - 1), 8191)
        self.assertEqual(kr.leaves_remaining(kr.SEQ_LIMIT - 1), 0)


if __name__ == "__main__":
    unittest.main()
