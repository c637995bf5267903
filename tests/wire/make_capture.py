#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# make_capture.py: write a synthetic keyrot capture, a classic pcap file and
# the capture.json that describes it (format in README.md beside this file),
# from a random seed and a few parameters.  The packets are sealed with the
# spec-only tests/spec/keyrot_v1.py.  decode.py's tests build their captures
# with these functions; anyone can use the command for a sample:
#
#   make_capture.py --seed 1 --pcap wire.pcap --info capture.json
#
# The traffic follows spec keyrot-v1.md sections 3 to 6: one flow, a series
# of seeds with consecutive 8-bit epochs (wrapping 255 -> 0), an empty key
# confirmation by each end on every new epoch, some data still sent on the
# previous epoch by the end that moves second, data both ways, a few empty
# keepalives, and one epoch whose sequences start just below a node edge.

import argparse
import ipaddress
import json
import os
import random
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(here), "spec"))
import keyrot_v1 as kr  # noqa: E402

LINKS = {"ethernet": 1, "raw": 101, "sll": 113, "ipv4": 228, "ipv6": 229,
         "sll2": 276}
ETH_IPV4, ETH_IPV6 = 0x0800, 0x86DD
INITIATOR, RESPONDER = 0, 1
ROLE_NAMES = ("initiator", "responder")


class Packet:
    """One keyrot packet of a synthetic flow, before it is framed."""

    def __init__(self, d, seed, epoch, s, plaintext, payload):
        self.d, self.seed, self.epoch, self.s = d, seed, epoch, s
        self.plaintext, self.payload = plaintext, payload

    def copy(self, **changes):
        p = Packet(self.d, self.seed, self.epoch, self.s, self.plaintext,
                   self.payload)
        for name, value in changes.items():
            setattr(p, name, value)
        return p


# ---------------------------------------------------------------- the flow

def make_ends(rng, ipv6=False, port=None):
    """The two ends (index = role): flow id, address and UDP port."""
    if ipv6:
        addrs = ("2001:db8::1", "2001:db8::2")
    else:
        addrs = ("192.0.2.1", "198.51.100.2")
    ends = []
    for role in (INITIATOR, RESPONDER):
        ends.append({"role": ROLE_NAMES[role],
                     "flow_id": rng.randrange(1, 1 << 32),
                     "addr": addrs[role],
                     "port": port or rng.randrange(1024, 65536)})
    return ends


def make_seeds(rng, count, first_epoch):
    """count seeds in install order, epochs first_epoch, +1, ... mod 256."""
    return [{"epoch": (first_epoch + k) % 256,
             "root": rng.randbytes(kr.SEED_LEN).hex()} for k in range(count)]


class Sender:
    """Seals the packets of one flow, keeping each (seed, d) sequence."""

    def __init__(self, cipher, ends, seeds):
        self.cipher, self.ends, self.seeds = cipher, ends, seeds
        self.trees = [kr.KeyTree(bytes.fromhex(x["root"])) for x in seeds]
        self.next_s = {}
        self.packets = []

    def start(self, seed, s):
        """Start both directions of seed at s (an install's start value)."""
        self.next_s[(seed, 0)] = self.next_s[(seed, 1)] = s

    def send(self, d, seed, plaintext):
        s = self.next_s.get((seed, d), 0)
        self.next_s[(seed, d)] = s + 1
        epoch = self.seeds[seed]["epoch"]
        rx_flow = self.ends[1 - d]["flow_id"]
        key = self.trees[seed].leaf(d, s)
        payload = kr.seal(self.cipher, key, epoch, rx_flow, s, plaintext)
        self.packets.append(Packet(d, seed, epoch, s, plaintext, payload))


def random_plaintext(rng):
    n = rng.choice((1, 16, 100)) if rng.random() < 0.2 else 0
    n = n or rng.randrange(1, 200)
    if rng.random() < 0.05:
        n = rng.randrange(900, 1300)
    return rng.randbytes(n)


def make_traffic(rng, cipher, ends, seeds, per_epoch=6, node_edge_seed=1):
    """The packets of a flow over every seed, in capture order."""
    tx = Sender(cipher, ends, seeds)
    for k in range(len(seeds)):
        if k == node_edge_seed:
            tx.start(k, (1 << kr.NODE_SHIFT) - 2)
        mover = k % 2
        tx.send(mover, k, b"")                    # key confirmation
        if k > 0:
            for _ in range(rng.randrange(3)):     # still on the old epoch
                tx.send(1 - mover, k - 1, random_plaintext(rng))
        tx.send(1 - mover, k, b"")
        for _ in range(per_epoch):
            d = rng.randrange(2)
            if rng.random() < 0.1:
                tx.send(d, k, b"")                # keepalive
            tx.send(d, k, random_plaintext(rng))
    return tx.packets


def capture_info(cipher, ends, seeds, packets, note=""):
    """The capture.json document of a flow whose sent packets are packets."""
    texts = {"d0": [], "d1": []}
    for p in packets:
        if p.plaintext:
            texts["d%d" % p.d].append(p.plaintext.hex())
    return {"format": "keyrot-capture-1",
            "capture": {"note": note or "synthetic: make_capture.py"},
            "cipher": cipher,
            "ends": [dict(e) for e in ends],
            "seeds": [dict(x) for x in seeds],
            "plaintexts": texts}


# ------------------------------------------------------------- the framing

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp(src, dst, payload):
    """A UDP header and payload with its checksum over the pseudo header."""
    sa, da = ipaddress.ip_address(src[0]), ipaddress.ip_address(dst[0])
    length = 8 + len(payload)
    if sa.version == 4:
        pseudo = sa.packed + da.packed + struct.pack("!BBH", 0, 17, length)
    else:
        pseudo = sa.packed + da.packed + struct.pack("!IxxxB", length, 17)
    head = struct.pack("!HHHH", src[1], dst[1], length, 0)
    csum = checksum(pseudo + head + payload) or 0xFFFF
    return struct.pack("!HHHH", src[1], dst[1], length, csum) + payload


def ipv4(src, dst, segment, ident, options=b""):
    ihl = 5 + len(options) // 4
    head = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(segment),
                       ident & 0xFFFF, 0x4000, 64, 17, 0,
                       ipaddress.ip_address(src).packed,
                       ipaddress.ip_address(dst).packed) + options
    head = head[:10] + struct.pack("!H", checksum(head)) + head[12:]
    return head + segment


def ipv6(src, dst, segment, dest_opts=False):
    nxt, ext = 17, b""
    if dest_opts:                 # destination options: one 4-byte PadN
        nxt, ext = 60, struct.pack("!BBBB4x", 17, 0, 1, 4)
    return struct.pack("!IHBB16s16s", 6 << 28, len(ext) + len(segment), nxt,
                       64, ipaddress.ip_address(src).packed,
                       ipaddress.ip_address(dst).packed) + ext + segment


def link_header(link, ethertype, outgoing):
    mac = bytes.fromhex("020000000001" if outgoing else "020000000002")
    peer = bytes.fromhex("020000000002" if outgoing else "020000000001")
    if link == LINKS["ethernet"]:
        return peer + mac + struct.pack("!H", ethertype)
    if link == LINKS["sll"]:
        return struct.pack("!HHH8sH", 4 if outgoing else 0, 1, 6, mac,
                           ethertype)
    if link == LINKS["sll2"]:
        return struct.pack("!HHIHBB8s", ethertype, 0, 2, 1,
                           4 if outgoing else 0, 6, mac)
    return b""                    # raw IP: 101, 228, 229


class Framer:
    """Frames UDP datagrams for one link type; IPv4 or IPv6 by address."""

    def __init__(self, link="ethernet", ip_options=False, v6_ext=False,
                 trailer=b""):
        self.link = LINKS[link] if isinstance(link, str) else link
        self.ip_options, self.v6_ext = ip_options, v6_ext
        self.trailer = trailer
        self.ident = 0

    def frame(self, src, dst, payload, outgoing=True):
        seg = udp(src, dst, payload)
        if ipaddress.ip_address(src[0]).version == 4:
            self.ident += 1
            opts = b"\x01\x01\x01\x00" if self.ip_options else b""
            pkt, et = ipv4(src[0], dst[0], seg, self.ident, opts), ETH_IPV4
        else:
            pkt, et = ipv6(src[0], dst[0], seg, self.v6_ext), ETH_IPV6
        return link_header(self.link, et, outgoing) + pkt + self.trailer


def flow_frames(framer, ends, packets):
    """The frames of packets, each from its sender's end to its receiver."""
    out = []
    for p in packets:
        tx, rx = ends[p.d], ends[1 - p.d]
        out.append(framer.frame((tx["addr"], tx["port"]),
                                (rx["addr"], rx["port"]), p.payload,
                                outgoing=p.d == 0))
    return out


def write_pcap(path, link, frames, big_endian=False, nanosecond=False,
               snaplen=262144):
    """A classic libpcap file of frames, one millisecond apart."""
    bo = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nanosecond else 0xA1B2C3D4
    link = LINKS[link] if isinstance(link, str) else link
    with open(path, "wb") as f:
        f.write(struct.pack(bo + "IHHiIII", magic, 2, 4, 0, 0, snaplen, link))
        for i, data in enumerate(frames):
            sec, ms = 1700000000 + i // 1000, i % 1000
            frac = ms * (1000000 if nanosecond else 1000)
            cut = data[:snaplen]
            f.write(struct.pack(bo + "IIII", sec, frac, len(cut), len(data)))
            f.write(cut)


def write_info(path, info):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(info, f, indent=1)
        f.write("\n")


# ------------------------------------------------------------- the command

def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a synthetic keyrot "
                                 "pcap and its capture.json.")
    ap.add_argument("--seed", type=int, default=1, help="random seed")
    ap.add_argument("--cipher", choices=kr.CIPHERS, default="aes-256-gcm")
    ap.add_argument("--seeds", type=int, default=4, help="root seeds")
    ap.add_argument("--first-epoch", type=int, default=254)
    ap.add_argument("--per-epoch", type=int, default=6,
                    help="data packets per epoch")
    ap.add_argument("--ipv6", action="store_true")
    ap.add_argument("--link", choices=sorted(LINKS), default="ethernet")
    ap.add_argument("--big-endian", action="store_true")
    ap.add_argument("--nanosecond", action="store_true")
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--info", required=True)
    a = ap.parse_args(argv)
    if not 0 <= a.first_epoch < 256 or a.seeds < 1:
        ap.error("--first-epoch is 0..255 and --seeds at least 1")
    if (a.link, a.ipv6) in (("ipv4", True), ("ipv6", False)):
        ap.error("--link %s does not carry that IP version" % a.link)
    rng = random.Random(a.seed)
    ends = make_ends(rng, a.ipv6)
    seeds = make_seeds(rng, a.seeds, a.first_epoch)
    packets = make_traffic(rng, a.cipher, ends, seeds, a.per_epoch)
    frames = flow_frames(Framer(a.link), ends, packets)
    write_pcap(a.pcap, a.link, frames, a.big_endian, a.nanosecond)
    write_info(a.info, capture_info(a.cipher, ends, seeds, packets,
                                    "make_capture.py --seed %d" % a.seed))
    print("%s: %d packets; %s" % (a.pcap, len(packets), a.info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
