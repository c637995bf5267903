#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The OAP test vector (docs/oap.md section 14, tests/vectors/oap-v1.json)
# recomputed by the second implementation oap_v1.py: every message byte for
# byte, the transcript hashes, seeds and key ids, from both ends' points of
# view; and the messages decoded, validated and verified back.

import json
import os
import sys
import unittest

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import oap_v1 as oap  # noqa: E402

top = os.path.dirname(os.path.dirname(here))
VECTOR = os.path.join(top, "tests", "vectors", "oap-v1.json")
DOC = os.path.join(top, "docs", "oap.md")


def h(s):
    return bytes.fromhex(s)


class Vector(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(VECTOR, encoding="utf-8") as f:
            cls.doc = json.load(f)
        cls.inp = cls.doc["inputs"]
        cls.exp = {k: h(v) for k, v in cls.doc["expected"].items()}
        cls.a = ed25519.Ed25519PrivateKey.from_private_bytes(
            h(cls.inp["a_identity_seed"]))
        cls.b = ed25519.Ed25519PrivateKey.from_private_bytes(
            h(cls.inp["b_identity_seed"]))
        cls.a_pub, cls.b_pub = oap.raw_pub(cls.a), oap.raw_pub(cls.b)

    def test_doc_shows_this_vector(self):
        """docs/oap.md section 14's block is the vector file's values."""
        with open(DOC, encoding="utf-8") as f:
            block = f.read().split("## 14. Test vector")[1].split("```")[1]
        shown, name = {}, None
        for line in block.splitlines():
            if not line.strip():
                continue
            if line.startswith(" "):
                shown[name] += line.strip()
            else:
                name, value = line.split()
                shown[name] = value
        self.assertEqual(shown, self.doc["expected"])

    def test_identities(self):
        self.assertEqual(self.a_pub, self.exp["a_identity"])
        self.assertEqual(self.b_pub, self.exp["b_identity"])

    def exchange_alloc(self):
        x = self.inp["alloc"]
        ea = x25519.X25519PrivateKey.from_private_bytes(h(x["req"]["eph"]))
        eb = x25519.X25519PrivateKey.from_private_bytes(h(x["ans"]["eph"]))
        req, _ = oap.seal(oap.ALLOC_REQ, {
            "flow_id": x["a_flow_id"], "cipher": x["cipher"],
            "epoch": x["epoch"], "port": x["a_port"],
            "eph": oap.raw_pub(ea), "service": x["service"]},
            self.a, self.b_pub, h(x["req"]["nonce"]), x["req"]["ts_ms"])
        ans, th = oap.seal(oap.ALLOC_ANS, {
            "req_nonce": h(x["req"]["nonce"]), "status": oap.OK,
            "port": x["b_port"], "flow_id": x["b_flow_id"],
            "eph": oap.raw_pub(eb)},
            self.b, self.a_pub, h(x["ans"]["nonce"]), x["ans"]["ts_ms"],
            prefix=req)
        return x, ea, eb, req, ans, th

    def test_allocation(self):
        x, ea, eb, req, ans, th = self.exchange_alloc()
        self.assertEqual(req.hex(), self.exp["alloc_req"].hex())
        self.assertEqual(ans.hex(), self.exp["alloc_ans"].hex())
        self.assertEqual(th, self.exp["alloc_th"])
        ids = (self.a_pub, self.b_pub)
        flows = (x["a_flow_id"], x["b_flow_id"])
        args = (h(x["req"]["nonce"]), h(x["ans"]["nonce"]), ids, flows,
                x["epoch"], x["cipher"], th)
        at_a = oap.seed(ea, oap.raw_pub(eb), *args)
        at_b = oap.seed(eb, oap.raw_pub(ea), *args)
        self.assertEqual(at_a, at_b)
        self.assertEqual(at_a, self.exp["alloc_seed"])
        self.assertEqual(oap.key_id(at_a), self.exp["alloc_key_id"])
        # an end believing the other role derives another seed
        wrong = oap.seed(eb, oap.raw_pub(ea), h(x["req"]["nonce"]),
                         h(x["ans"]["nonce"]), ids[::-1], flows[::-1],
                         x["epoch"], x["cipher"], th)
        self.assertNotEqual(wrong, at_a)

    def test_rekey_by_role1(self):
        x, r = self.inp["alloc"], self.inp["rekey"]
        eb = x25519.X25519PrivateKey.from_private_bytes(h(r["req"]["eph"]))
        ea = x25519.X25519PrivateKey.from_private_bytes(h(r["ans"]["eph"]))
        req, _ = oap.seal(oap.REKEY_REQ, {
            "flow_id": x["b_flow_id"], "peer_flow_id": x["a_flow_id"],
            "role": r["requester_role"], "cipher": x["cipher"],
            "epoch": r["epoch"], "eph": oap.raw_pub(eb)},
            self.b, self.a_pub, h(r["req"]["nonce"]), r["req"]["ts_ms"])
        ans, th = oap.seal(oap.REKEY_ANS, {
            "req_nonce": h(r["req"]["nonce"]), "status": oap.OK,
            "eph": oap.raw_pub(ea)},
            self.a, self.b_pub, h(r["ans"]["nonce"]), r["ans"]["ts_ms"],
            prefix=req)
        self.assertEqual(req.hex(), self.exp["rekey_req"].hex())
        self.assertEqual(ans.hex(), self.exp["rekey_ans"].hex())
        self.assertEqual(th, self.exp["rekey_th"])
        # role 0's identity and flow id first, though B (role 1) asked
        s = oap.seed(ea, oap.raw_pub(eb), h(r["req"]["nonce"]),
                     h(r["ans"]["nonce"]), (self.a_pub, self.b_pub),
                     (x["a_flow_id"], x["b_flow_id"]), r["epoch"],
                     x["cipher"], th)
        self.assertEqual(s, self.exp["rekey_seed"])
        self.assertEqual(oap.key_id(s), self.exp["rekey_key_id"])

    def test_holds(self):
        x, r, q = self.inp["alloc"], self.inp["rekey"], self.inp["holds"]
        req, _ = oap.seal(oap.HOLDS_REQ, {
            "flow_id": x["b_flow_id"], "peer_flow_id": x["a_flow_id"],
            "epoch": q["epoch"], "key_id": self.exp["rekey_key_id"],
            "exchange": h(r["req"]["nonce"])},
            self.b, self.a_pub, h(q["req"]["nonce"]), q["req"]["ts_ms"])
        ans, _ = oap.seal(oap.HOLDS_ANS, {
            "req_nonce": h(q["req"]["nonce"]), "status": q["status"]},
            self.a, self.b_pub, h(q["ans"]["nonce"]), q["ans"]["ts_ms"],
            prefix=req)
        self.assertEqual(req.hex(), self.exp["holds_req"].hex())
        self.assertEqual(ans.hex(), self.exp["holds_ans"].hex())

    def test_decode_and_verify_each(self):
        for req, ans in (("alloc_req", "alloc_ans"),
                         ("rekey_req", "rekey_ans"),
                         ("holds_req", "holds_ans")):
            mq = oap.decode(self.exp[req])
            ma = oap.decode(self.exp[ans])
            oap.verify(mq)
            th = oap.verify(ma, prefix=self.exp[req])
            self.assertEqual(ma["req_nonce"], mq["nonce"])
            if req != "holds_req":
                self.assertEqual(th, self.exp[req.replace("req", "th")])

    def test_every_bit_flip_refused(self):
        for req, ans in (("alloc_req", "alloc_ans"),
                         ("rekey_req", "rekey_ans"),
                         ("holds_req", "holds_ans")):
            for name, prefix in ((req, b""), (ans, self.exp[req])):
                msg = self.exp[name]
                for i in range(len(msg) * 8):
                    bad = bytearray(msg)
                    bad[i // 8] ^= 1 << (i % 8)
                    with self.subTest(msg=name, bit=i):
                        with self.assertRaises(Exception):
                            m = oap.decode(bytes(bad))
                            # a flipped sender is another identity
                            if m["sender"] != msg[32:64]:
                                raise oap.Refused("not pinned")
                            oap.verify(m, prefix)

    def test_truncation_and_size_refused(self):
        for name in ("alloc_req", "alloc_ans", "rekey_req", "rekey_ans",
                     "holds_req", "holds_ans"):
            msg = self.exp[name]
            for n in range(len(msg)):
                with self.assertRaises(oap.Refused):
                    oap.decode(msg[:n])
            with self.assertRaises(oap.Refused):
                oap.decode(msg + b"\x00")
            with self.assertRaises(oap.Refused):
                oap.decode(msg + bytes(oap.MSG_MAX + 1 - len(msg)))


if __name__ == "__main__":
    unittest.main()
