#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Tests of decode.py on synthetic captures built here with make_capture.py:
# clean ones (both ciphers, IPv4 and IPv6, every link type, both pcap byte
# orders and time resolutions, an epoch number reused after 256 re-keys) must
# pass; damaged ones (a flipped bit, a lost or reordered packet, a wrong
# seed, a repeated nonce, a truncated file, ...) must fail where they should.
# Run: /usr/bin/python3 tests/lib/run_unittest.py --prefix wire THIS_FILE

import contextlib
import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import decode  # noqa: E402
import make_capture as mc  # noqa: E402

kr = mc.kr
DECODE = os.path.join(here, "decode.py")


class Flow:
    """A synthetic flow: its ends, seeds, packets and capture.json."""

    def __init__(self, seed=1, cipher="aes-256-gcm", ipv6=False, seeds=4,
                 first_epoch=254, per_epoch=6):
        rng = random.Random(seed)
        self.rng, self.cipher = rng, cipher
        self.ends = mc.make_ends(rng, ipv6)
        self.seeds = mc.make_seeds(rng, seeds, first_epoch)
        self.packets = mc.make_traffic(rng, cipher, self.ends, self.seeds,
                                       per_epoch)

    def info(self, packets=None):
        return mc.capture_info(self.cipher, self.ends, self.seeds,
                               self.packets if packets is None else packets)

    def data_index(self, k):
        """Index of packet k's plaintext in its direction's list."""
        p = self.packets[k]
        return sum(1 for q in self.packets[:k] if q.d == p.d and q.plaintext)

    def find(self, pred, start=0):
        return next(i for i, p in enumerate(self.packets)
                    if i >= start and pred(p))


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    @contextlib.contextmanager
    def case(self, **what):
        """Name the case in a failure; unlike subTest, a failure inside
        fails the test itself (run_unittest.py records no subtests)."""
        try:
            yield
        except AssertionError as e:
            raise AssertionError("%s: %s" % (what, e)) from None

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def write(self, flow, packets=None, info=None, link="ethernet",
              frames=None, pcap_opts=None, **framer):
        """Write the capture of packets (default flow's) and its info."""
        packets = flow.packets if packets is None else packets
        if frames is None:
            frames = mc.flow_frames(mc.Framer(link, **framer), flow.ends,
                                    packets)
        mc.write_pcap(self.path("wire.pcap"), link, frames,
                      **(pcap_opts or {}))
        mc.write_info(self.path("capture.json"),
                      flow.info() if info is None else info)

    def decode(self, flow, packets=None, info=None, **kw):
        self.write(flow, packets, info, **kw)
        return decode.decode(self.path("wire.pcap"),
                             decode.load_info(self.path("capture.json")))

    def cli(self, *extra):
        return subprocess.run(
            [sys.executable, DECODE, "--pcap", self.path("wire.pcap"),
             "--info", self.path("capture.json")] + list(extra),
            capture_output=True, text=True, timeout=120)

    def assertClean(self, rep, flow, packets=None):
        packets = flow.packets if packets is None else packets
        self.assertEqual(rep["failures"], [])
        self.assertEqual(rep["nonce_reuse"], [])
        self.assertTrue(rep["ok"], rep["checks"])
        self.assertEqual(rep["keyrot_packets"], len(packets))
        for d in (0, 1):
            mine = [p for p in packets if p.d == d]
            got = rep["directions"]["d%d" % d]
            self.assertEqual(got["data"], sum(bool(p.plaintext) for p in mine))
            self.assertEqual(got["empty"], sum(not p.plaintext for p in mine))
            self.assertIsNone(got["mismatch"])

    def failed_packets(self, rep, kind=None):
        return [f["packet"] for f in rep["failures"]
                if kind is None or f["kind"] == kind]


class CleanCaptures(Base):
    def test_ipv4_ethernet_aes_gcm(self):
        flow = Flow(seed=1)
        rep = self.decode(flow)
        self.assertClean(rep, flow)
        self.assertEqual([e["epoch"] for e in rep["epochs"]],
                         [254, 255, 0, 1])
        self.assertEqual(rep["warnings"], [])
        r = self.cli()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("RESULT: PASS", r.stdout)

    def test_ipv6_extension_header_chacha20(self):
        flow = Flow(seed=2, cipher="chacha20-poly1305", ipv6=True)
        rep = self.decode(flow, v6_ext=True)
        self.assertClean(rep, flow)
        self.assertEqual(rep["link"], "ethernet")

    def test_per_epoch_tallies(self):
        flow = Flow(seed=3, seeds=5, first_epoch=253)
        rep = self.decode(flow)
        self.assertClean(rep, flow)
        for e in rep["epochs"]:
            for d in (0, 1):
                mine = [p for p in flow.packets
                        if p.seed == e["seed"] and p.d == d]
                st = e["d%d" % d]
                self.assertEqual(st["data"],
                                 sum(bool(p.plaintext) for p in mine))
                self.assertEqual(st["empty"],
                                 sum(not p.plaintext for p in mine))
                self.assertEqual((st["s_first"], st["s_max"]),
                                 (mine[0].s, mine[-1].s))
                self.assertTrue(st["first_empty"])
        # seed 1 starts two below a node edge: both nodes are used.
        self.assertEqual(rep["epochs"][1]["d0"]["s_first"],
                         (1 << kr.NODE_SHIFT) - 2)

    def test_every_link_type_byte_order_and_resolution(self):
        for ipv6 in (False, True):
            flow = Flow(seed=4, ipv6=ipv6, seeds=2, per_epoch=3)
            links = ["ethernet", "sll", "sll2", "raw",
                     "ipv6" if ipv6 else "ipv4"]
            for link in links:
                for be in (False, True):
                    for ns in (False, True):
                        with self.case(ipv6=ipv6, link=link, be=be, ns=ns):
                            rep = self.decode(flow, link=link, pcap_opts={
                                "big_endian": be, "nanosecond": ns})
                            self.assertClean(rep, flow)

    def test_ipv4_options_vlan_and_trailing_bytes(self):
        flow = Flow(seed=5, seeds=2)
        # IP options, and an Ethernet FCS/padding after the IP packet that
        # only the IP and UDP lengths tell apart from the payload.
        rep = self.decode(flow, ip_options=True, trailer=b"\xde\xad\xbe\xef")
        self.assertClean(rep, flow)
        frames = mc.flow_frames(mc.Framer("ethernet"), flow.ends,
                                flow.packets)
        tagged = [f[:12] + b"\x81\x00\x00\x07" + f[12:] for f in frames]
        self.assertClean(self.decode(flow, frames=tagged), flow)

    def test_epoch_number_reused_after_256_rekeys(self):
        # 258 seeds from epoch 255: seeds 0 and 256 both carry epoch 255,
        # seeds 1 and 257 epoch 0; the second ones must be found.
        flow = Flow(seed=6, seeds=258, first_epoch=255, per_epoch=1)
        self.assertEqual(flow.seeds[256]["epoch"], 255)
        rep = self.decode(flow)
        self.assertClean(rep, flow)
        by_seed = {e["seed"]: e for e in rep["epochs"]}
        self.assertEqual(len(by_seed), 258)
        self.assertEqual(by_seed[256]["epoch"], 255)
        self.assertEqual(by_seed[257]["epoch"], 0)
        self.assertEqual([e["seed"] for e in rep["epochs"]], list(range(258)))

    def test_same_flow_id_at_both_ends(self):
        flow = Flow(seed=7, seeds=2)
        flow.ends[1]["flow_id"] = flow.ends[0]["flow_id"]
        flow.packets = mc.make_traffic(flow.rng, flow.cipher, flow.ends,
                                       flow.seeds, 4)
        self.assertClean(self.decode(flow), flow)

    def test_other_traffic_is_skipped(self):
        flow = Flow(seed=8, seeds=2)
        fr = mc.Framer("ethernet")
        frames = mc.flow_frames(fr, flow.ends, flow.packets)
        frames.insert(3, fr.frame(("192.0.2.1", 53), ("192.0.2.9", 53),
                                  b"x" * 40))
        frames.insert(0, b"\xff" * 12 + b"\x08\x06" + b"\0" * 28)  # ARP
        rep = self.decode(flow, frames=frames)
        self.assertClean(rep, flow)
        self.assertEqual(rep["other_frames"], 2)

    def test_thousands_of_packets_in_seconds(self):
        flow = Flow(seed=9, seeds=20, per_epoch=150)
        self.assertGreater(len(flow.packets), 3000)
        t = time.monotonic()
        rep = self.decode(flow)
        took = time.monotonic() - t
        self.assertClean(rep, flow)
        self.assertLess(took, 10, "%d packets took %.1f s"
                        % (len(flow.packets), took))

    def test_make_capture_command(self):
        out = io.StringIO()
        sys.stdout, saved = out, sys.stdout
        try:
            rc = mc.main(["--seed", "3", "--ipv6", "--link", "sll2",
                          "--cipher", "chacha20-poly1305",
                          "--pcap", self.path("wire.pcap"),
                          "--info", self.path("capture.json")])
        finally:
            sys.stdout = saved
        self.assertEqual(rc, 0)
        r = self.cli("--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rep = json.loads(r.stdout)
        self.assertTrue(rep["ok"])
        self.assertEqual(rep["link"], "linux-sll2")


class DamagedCaptures(Base):
    def test_flipped_bit_fails_at_that_packet(self):
        flow = Flow(seed=10)
        k = flow.find(lambda p: p.plaintext, 9)
        n = len(flow.packets[k].payload)
        for pos in (n - 1, 20, 16 + 1, 15, 8, 1):   # tag, body, s, epoch
            with self.case(byte=pos):
                bad = bytearray(flow.packets[k].payload)
                bad[pos] ^= 0x10
                pkts = list(flow.packets)
                pkts[k] = pkts[k].copy(payload=bytes(bad))
                rep = self.decode(flow, pkts)
                self.assertFalse(rep["ok"])
                self.assertEqual(self.failed_packets(rep), [k])
                self.assertEqual(rep["failures"][0]["frame"], k + 1)
                hdr = rep["failures"][0]["header"]
                self.assertEqual(hdr["length"], n)
        r = self.cli()
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL auth: packet %d (frame %d)" % (k, k + 1), r.stdout)
        self.assertIn("RESULT: FAIL", r.stdout)

    def test_bad_type_flags_or_length_is_malformed(self):
        flow = Flow(seed=11, seeds=2)
        k = 5
        good = flow.packets[k].payload
        for bad in (b"\x02" + good[1:], good[:2] + b"\x00\x01" + good[4:],
                    good[:31]):
            with self.case(bad=bad[:4].hex() + "/%d" % len(bad)):
                pkts = list(flow.packets)
                pkts[k] = pkts[k].copy(payload=bad)
                rep = self.decode(flow, pkts)
                self.assertEqual(self.failed_packets(rep, "malformed"), [k])
                self.assertFalse(rep["ok"])

    def test_wrong_receiver_flow_id(self):
        flow = Flow(seed=12, seeds=2)
        k = flow.find(lambda p: p.d == 0)
        p = flow.packets[k]
        tree = kr.KeyTree(bytes.fromhex(flow.seeds[p.seed]["root"]))
        # The sender's own id: the datagram goes the other way.  Nobody's id.
        for flow_id, kind in ((flow.ends[0]["flow_id"], "endpoint"),
                              (12345, "flow")):
            with self.case(flow_id=flow_id):
                pkts = list(flow.packets)
                pkts[k] = p.copy(payload=kr.seal(
                    flow.cipher, tree.leaf(p.d, p.s), p.epoch, flow_id, p.s,
                    p.plaintext))
                rep = self.decode(flow, pkts)
                self.assertEqual(self.failed_packets(rep, kind), [k])
                self.assertFalse(rep["checks"]["all_authenticated"])

    def test_missing_packet_is_a_plaintext_mismatch(self):
        flow = Flow(seed=13)
        k = flow.find(lambda p: p.plaintext and p.d == 1, 12)
        pkts = flow.packets[:k] + flow.packets[k + 1:]
        rep = self.decode(flow, pkts)
        self.assertEqual(rep["failures"], [])
        self.assertTrue(rep["checks"]["all_authenticated"])
        self.assertFalse(rep["ok"])
        self.assertIsNone(rep["directions"]["d0"]["mismatch"])
        m = rep["directions"]["d1"]["mismatch"]
        self.assertEqual(m["index"], flow.data_index(k))
        self.assertEqual(m["expected"][:16],
                         flow.packets[k].plaintext.hex()[:16])
        r = self.cli()
        self.assertEqual(r.returncode, 1)
        self.assertIn("MISMATCH", r.stdout)

    def test_missing_last_packet_is_a_mismatch(self):
        flow = Flow(seed=14, seeds=2)
        k = max(i for i, p in enumerate(flow.packets) if p.plaintext)
        rep = self.decode(flow, flow.packets[:k] + flow.packets[k + 1:])
        d = flow.packets[k].d
        m = rep["directions"]["d%d" % d]["mismatch"]
        self.assertIsNotNone(m)
        self.assertIsNone(m["got"])
        self.assertFalse(rep["ok"])

    def test_missing_keepalive_is_not_a_mismatch(self):
        flow = Flow(seed=15)
        k = next(i for i, p in enumerate(flow.packets) if not p.plaintext and
                 any(q.seed == p.seed and q.d == p.d
                     for q in flow.packets[:i]))
        pkts = flow.packets[:k] + flow.packets[k + 1:]
        self.assertClean(self.decode(flow, pkts), flow, pkts)

    def test_reordered_pair_is_a_mismatch(self):
        flow = Flow(seed=16)
        k = next(i for i in range(8, len(flow.packets) - 1)
                 if flow.packets[i].d == flow.packets[i + 1].d and
                 flow.packets[i].plaintext and flow.packets[i + 1].plaintext)
        pkts = list(flow.packets)
        pkts[k], pkts[k + 1] = pkts[k + 1], pkts[k]
        rep = self.decode(flow, pkts)
        self.assertEqual(rep["failures"], [])
        self.assertFalse(rep["ok"])
        m = rep["directions"]["d%d" % pkts[k].d]["mismatch"]
        self.assertEqual(m["index"], flow.data_index(k))
        self.assertEqual(m["packet"], k)

    def test_order_is_per_direction(self):
        flow = Flow(seed=17)
        k = next(i for i in range(8, len(flow.packets) - 1)
                 if flow.packets[i].d != flow.packets[i + 1].d)
        pkts = list(flow.packets)
        pkts[k], pkts[k + 1] = pkts[k + 1], pkts[k]
        self.assertClean(self.decode(flow, pkts), flow, pkts)

    def test_wrong_seed_fails_its_packets(self):
        flow = Flow(seed=18)
        info = flow.info()
        info["seeds"][2]["root"] = bytes(32).hex()
        rep = self.decode(flow, info=info)
        mine = [i for i, p in enumerate(flow.packets) if p.seed == 2]
        self.assertTrue(mine)
        self.assertEqual(self.failed_packets(rep, "auth"), mine)
        self.assertEqual(len(rep["failures"]), len(mine))
        self.assertFalse(rep["ok"])
        self.assertEqual(self.cli().returncode, 1)

    def test_seeds_out_of_install_order_still_open(self):
        # Only the epoch number picks the candidates: a swapped pair of
        # different epochs still opens (order matters for equal numbers).
        flow = Flow(seed=19)
        info = flow.info()
        info["seeds"][1], info["seeds"][2] = info["seeds"][2], info["seeds"][1]
        self.assertTrue(self.decode(flow, info=info)["ok"])

    def test_nonce_reuse_is_fatal(self):
        flow = Flow(seed=20)
        k = flow.find(lambda p: p.plaintext and p.d == 0, 10)
        p = flow.packets[k]
        tree = kr.KeyTree(bytes.fromhex(flow.seeds[p.seed]["root"]))
        other = b"another plaintext under the same nonce"
        again = p.copy(plaintext=other, payload=kr.seal(
            flow.cipher, tree.leaf(p.d, p.s), p.epoch,
            flow.ends[1]["flow_id"], p.s, other))
        pkts = flow.packets[:k + 1] + [again] + flow.packets[k + 1:]
        # capture.json lists the extra plaintext: only the reuse is wrong.
        rep = self.decode(flow, pkts, info=flow.info(pkts))
        self.assertEqual(rep["failures"], [])
        self.assertTrue(rep["checks"]["plaintexts_match"])
        self.assertFalse(rep["checks"]["no_nonce_reuse"])
        self.assertFalse(rep["ok"])
        self.assertEqual(rep["nonce_reuse"], [{
            "seed": p.seed, "epoch": p.epoch, "d": 0, "s": p.s,
            "packets": [k, k + 1], "identical": False}])
        r = self.cli()
        self.assertEqual(r.returncode, 1)
        self.assertIn("FATAL nonce reuse", r.stdout)

    def test_duplicated_packet_is_reported_as_reuse(self):
        flow = Flow(seed=21)
        k = flow.find(lambda p: p.plaintext, 10)
        pkts = flow.packets[:k + 1] + flow.packets[k:]
        rep = self.decode(flow, pkts, info=flow.info(pkts))
        self.assertEqual(len(rep["nonce_reuse"]), 1)
        self.assertTrue(rep["nonce_reuse"][0]["identical"])
        self.assertFalse(rep["ok"])

    def test_ip_fragment_and_snaplen_are_reported(self):
        flow = Flow(seed=22, seeds=2)
        frames = mc.flow_frames(mc.Framer("ethernet"), flow.ends,
                                flow.packets)
        k = 4
        f = bytearray(frames[k])
        f[20] |= 0x20                                   # IPv4 more fragments
        frames[k] = bytes(f)
        rep = self.decode(flow, frames=frames)
        self.assertEqual(self.failed_packets(rep, "capture"), [k])
        self.assertIn("fragment", rep["failures"][0]["detail"])
        rep = self.decode(flow, pcap_opts={"snaplen": 80})
        big = [i for i, p in enumerate(flow.packets)
               if 14 + 20 + 8 + len(p.payload) > 80]
        self.assertTrue(big)
        self.assertEqual(self.failed_packets(rep, "capture"), big)

    def test_ip_and_udp_lengths(self):
        # Bytes after the IP packet (Ethernet padding) must not be taken
        # for the rest of a UDP datagram that claims more than IP carries.
        flow = Flow(seed=24, seeds=2)
        frames = mc.flow_frames(mc.Framer("ethernet", trailer=bytes(4)),
                                flow.ends, flow.packets)
        k = 3
        f = bytearray(frames[k])
        f[38:40] = struct.pack("!H", struct.unpack("!H", f[38:40])[0] + 4)
        frames[k] = bytes(f)
        rep = self.decode(flow, frames=frames)
        self.assertEqual(self.failed_packets(rep, "capture"), [k])
        self.assertIn("bad UDP length", rep["failures"][0]["detail"])
        # And IP carrying bytes after the UDP datagram: UDP's length rules.
        frames = mc.flow_frames(mc.Framer("ethernet"), flow.ends,
                                flow.packets)
        f = bytearray(frames[k] + b"\xee" * 4)
        f[16:18] = struct.pack("!H", struct.unpack("!H", f[16:18])[0] + 4)
        frames[k] = bytes(f)
        self.assertClean(self.decode(flow, frames=frames), flow)

    def test_no_keyrot_packet_fails(self):
        flow = Flow(seed=23, seeds=1)
        info = flow.info([])
        rep = self.decode(flow, packets=[], info=info)
        self.assertFalse(rep["checks"]["packets_found"])
        self.assertFalse(rep["ok"])


class BadInput(Base):
    def test_truncated_pcap_is_a_clear_error(self):
        flow = Flow(seed=30, seeds=2)
        self.write(flow)
        with open(self.path("wire.pcap"), "rb") as f:
            whole = f.read()
        first = 24 + 16 + len(mc.flow_frames(mc.Framer("ethernet"), flow.ends,
                                             flow.packets[:1])[0])
        for cut, what in ((10, "pcap header"), (24 + 7, "record header"),
                          (first - 5, "of its"), (len(whole) - 1, "of its")):
            with self.case(cut=cut):
                with open(self.path("wire.pcap"), "wb") as f:
                    f.write(whole[:cut])
                with self.assertRaises(decode.InputError) as cm:
                    decode.read_pcap(self.path("wire.pcap"))
                self.assertIn("truncated", str(cm.exception))
                self.assertIn(what, str(cm.exception))
                r = self.cli()
                self.assertEqual(r.returncode, 2)
                self.assertIn("truncated", r.stderr)
                self.assertEqual(r.stdout, "")

    def test_not_a_pcap(self):
        flow = Flow(seed=31, seeds=1)
        self.write(flow)
        for head, what in ((struct.pack("<I", 0x0A0D0D0A) + b"\0" * 28,
                            "pcapng"), (b"hello, world" * 3, "not a pcap")):
            with open(self.path("wire.pcap"), "wb") as f:
                f.write(head)
            r = self.cli()
            self.assertEqual(r.returncode, 2)
            self.assertIn(what, r.stderr)

    def test_bad_capture_json(self):
        flow = Flow(seed=32, seeds=2)
        good = flow.info()
        tree = kr.KeyTree(bytes.fromhex(good["seeds"][0]["root"]))
        good["seeds"][0]["key_id"] = tree.key_id.hex()
        self.write(flow, info=good)
        self.assertEqual(self.cli().returncode, 0)

        def broken(change, where):
            doc = json.loads(json.dumps(good))
            change(doc)
            return doc, where
        cases = [
            broken(lambda d: d.update(format="x"), "format"),
            broken(lambda d: d.update(cipher="aes-128-gcm"), "cipher"),
            broken(lambda d: d["ends"][1].update(role="initiator"), "ends"),
            broken(lambda d: d["ends"][0].update(flow_id=0),
                   "ends[0].flow_id"),
            broken(lambda d: d["ends"][0].update(port=70000), "ends[0].port"),
            broken(lambda d: d["ends"][1].update(addr="nowhere"),
                   "ends[1].addr"),
            broken(lambda d: d["seeds"][1].update(epoch=256),
                   "seeds[1].epoch"),
            broken(lambda d: d["seeds"][1].update(root="00" * 31),
                   "seeds[1].root"),
            broken(lambda d: d["seeds"][0].update(key_id="00" * 8),
                   "seeds[0]"),
            broken(lambda d: d["plaintexts"]["d1"].append(""),
                   "plaintexts.d1"),
            broken(lambda d: d["plaintexts"].pop("d0"), "plaintexts"),
        ]
        for doc, where in cases:
            with self.case(where=where):
                with self.assertRaises(decode.InputError) as cm:
                    decode.Info(doc)
                self.assertIn(where, str(cm.exception))
        mc.write_info(self.path("capture.json"), cases[0][0])
        r = self.cli()
        self.assertEqual(r.returncode, 2)
        self.assertIn("capture.json: format", r.stderr)


if __name__ == "__main__":
    unittest.main()
