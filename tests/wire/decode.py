#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# decode.py --pcap wire.pcap --info capture.json [--json] [--list]: decode
# the keyrot packets of a capture and check them against what the test that
# made it says was sent.  Written from spec keyrot-v1.md alone (sections 2 to
# 6), with the spec-only tests/spec/keyrot_v1.py, never from the module.
#
# Every packet must authenticate under one of the seeds of capture.json, the
# non-empty plaintexts of each direction must be exactly the ones listed, in
# capture order, and no (key, nonce) pair may appear twice.  README.md beside
# this file defines capture.json and what is reported.
# Exit status: 0 all checks pass, 1 a check failed, 2 unreadable input.

import argparse
import ipaddress
import json
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(here), "spec"))
import keyrot_v1 as kr  # noqa: E402

FORMAT = "keyrot-capture-1"
ROLES = {"initiator": 0, "responder": 1}
PCAP_MAGIC = {0xA1B2C3D4: 1000000, 0xA1B23C4D: 1000000000}
PCAPNG_MAGIC = 0x0A0D0D0A
MAX_RECORD = 1 << 20
ETH_IPV4, ETH_IPV6 = 0x0800, 0x86DD
VLAN_TAGS = (0x8100, 0x88A8, 0x9100)
FRAGMENT = "first IP fragment (fragments are not reassembled)"
UDP = 17
V6_EXT = (0, 43, 60)                       # hop-by-hop, routing, dest opts
V6_AH, V6_FRAG = 51, 44
LINK_NAMES = {1: "ethernet", 101: "raw", 113: "linux-sll", 228: "raw-ipv4",
              229: "raw-ipv6", 276: "linux-sll2"}


class InputError(Exception):
    """A capture or capture.json that cannot be read: exit status 2."""


# ------------------------------------------------------------ capture.json

def _need(cond, where, what):
    if not cond:
        raise InputError("capture.json: %s: %s" % (where, what))


def _int(doc, key, lo, hi, where):
    v = doc.get(key)
    _need(isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi,
          "%s.%s" % (where, key), "an integer %d..%d is needed, not %r"
          % (lo, hi, v))
    return v


def _hex(v, where, length=None):
    _need(isinstance(v, str), where, "a hex string is needed")
    try:
        b = bytes.fromhex(v)
    except ValueError:
        raise InputError("capture.json: %s: not hex: %r" % (where, v[:40]))
    _need(length is None or len(b) == length, where,
          "%d bytes are needed, not %d" % (length or 0, len(b)))
    return b


class End:
    def __init__(self, doc, where):
        _need(isinstance(doc, dict), where, "an object is needed")
        _need(doc.get("role") in ROLES, where + ".role",
              "initiator or responder, not %r" % doc.get("role"))
        self.role = ROLES[doc["role"]]
        self.flow_id = _int(doc, "flow_id", 1, 0xFFFFFFFF, where)
        self.port = _int(doc, "port", 1, 65535, where)
        try:
            self.addr = ipaddress.ip_address(doc.get("addr"))
        except ValueError:
            raise InputError("capture.json: %s.addr: not an IPv4 or IPv6 "
                             "address: %r" % (where, doc.get("addr")))
        self.endpoint = (self.addr, self.port)


class Info:
    """A checked capture.json: ends by role, seeds with their key trees."""

    def __init__(self, doc):
        _need(isinstance(doc, dict), "top", "an object is needed")
        _need(doc.get("format") == FORMAT, "format",
              "%r is needed, not %r" % (FORMAT, doc.get("format")))
        _need(doc.get("cipher") in kr.CIPHERS, "cipher",
              "one of %s, not %r" % (", ".join(kr.CIPHERS), doc.get("cipher")))
        self.cipher = doc["cipher"]
        self._ends(doc.get("ends"))
        self._seeds(doc.get("seeds"))
        self._plaintexts(doc.get("plaintexts"))

    def _ends(self, ends):
        _need(isinstance(ends, list) and len(ends) == 2, "ends",
              "a list of the two ends is needed")
        got = sorted((End(e, "ends[%d]" % i) for i, e in enumerate(ends)),
                     key=lambda e: e.role)
        _need([e.role for e in got] == [0, 1], "ends",
              "one initiator and one responder are needed")
        _need(got[0].flow_id != got[1].flow_id or
              got[0].endpoint != got[1].endpoint, "ends",
              "two ends with the same flow id need different addresses/ports")
        self.ends = got

    def _seeds(self, seeds):
        _need(isinstance(seeds, list) and seeds, "seeds",
              "a non-empty list is needed")
        self.seeds, self.trees, self.by_epoch = [], [], {}
        for i, x in enumerate(seeds):
            where = "seeds[%d]" % i
            _need(isinstance(x, dict), where, "an object is needed")
            epoch = _int(x, "epoch", 0, 255, where)
            tree = kr.KeyTree(_hex(x.get("root"), where + ".root",
                                   kr.SEED_LEN))
            if "key_id" in x:
                _need(_hex(x["key_id"], where + ".key_id", 8) == tree.key_id,
                      where, "root and key_id disagree (key id of root is %s)"
                      % tree.key_id.hex())
            self.seeds.append(epoch)
            self.trees.append(tree)
            self.by_epoch.setdefault(epoch, []).append(i)

    def _plaintexts(self, texts):
        _need(isinstance(texts, dict) and set(texts) == {"d0", "d1"},
              "plaintexts", 'an object with exactly "d0" and "d1" is needed')
        self.plaintexts = []
        for d in (0, 1):
            key = "d%d" % d
            _need(isinstance(texts[key], list), "plaintexts." + key,
                  "a list is needed")
            out = [_hex(t, "plaintexts.%s[%d]" % (key, i))
                   for i, t in enumerate(texts[key])]
            for i, t in enumerate(out):
                _need(t, "plaintexts.%s[%d]" % (key, i),
                      "empty packets are not listed")
            self.plaintexts.append(out)

    def keyrot_endpoints(self):
        return {e.endpoint for e in self.ends}


def load_info(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise InputError("%s: %s" % (path, e.strerror))
    except ValueError as e:
        raise InputError("%s: not JSON: %s" % (path, e))
    return Info(doc)


# ------------------------------------------------------------------ pcap

def read_pcap(path):
    """(link type, [(frame number from 1, bytes, original length)])."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise InputError("%s: %s" % (path, e.strerror))
    if len(data) < 24:
        raise InputError("%s: truncated: %d bytes, a pcap header is 24"
                         % (path, len(data)))
    bo = None
    for order in "<>":
        if struct.unpack(order + "I", data[:4])[0] in PCAP_MAGIC:
            bo = order
    if bo is None:
        if struct.unpack("<I", data[:4])[0] == PCAPNG_MAGIC:
            raise InputError("%s: pcapng is not read; write classic pcap "
                             "(tcpdump -w, or editcap -F pcap)" % path)
        raise InputError("%s: not a pcap file (magic %s)"
                         % (path, data[:4].hex()))
    link = struct.unpack(bo + "I", data[20:24])[0] & 0xFFFF
    if link not in LINK_NAMES:
        known = ", ".join("%d %s" % kv for kv in sorted(LINK_NAMES.items()))
        raise InputError("%s: link type %d is not read (only %s)"
                         % (path, link, known))
    frames, off = [], 24
    while off < len(data):
        n = len(frames) + 1
        if off + 16 > len(data):
            raise InputError("%s: truncated: frame %d's record header at byte "
                             "%d is cut (%d of 16 bytes)"
                             % (path, n, off, len(data) - off))
        incl, orig = struct.unpack(bo + "II", data[off + 8:off + 16])
        if incl > MAX_RECORD:
            raise InputError("%s: corrupt: frame %d at byte %d claims %d "
                             "bytes" % (path, n, off, incl))
        if off + 16 + incl > len(data):
            raise InputError("%s: truncated: frame %d at byte %d has %d of "
                             "its %d bytes" % (path, n, off,
                                               len(data) - off - 16, incl))
        frames.append((n, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return link, frames


# ------------------------------------------------------- link, IP and UDP

class Datagram:
    """A UDP datagram; problem says why it cannot be decoded, or None."""

    def __init__(self, src, dst, payload, problem=None):
        self.src, self.dst, self.payload, self.problem = \
            src, dst, payload, problem


def ip_of_frame(link, data):
    """The IP packet of a frame, or None if it carries something else."""
    if link == 1:
        off, et = 12, None
        while off + 2 <= len(data):
            et = struct.unpack("!H", data[off:off + 2])[0]
            if et not in VLAN_TAGS:
                break
            off += 4
        return data[off + 2:] if et in (ETH_IPV4, ETH_IPV6) else None
    if link in (113, 276):
        at, start = (14, 16) if link == 113 else (0, 20)
        if len(data) < start:
            return None
        et = struct.unpack("!H", data[at:at + 2])[0]
        return data[start:] if et in (ETH_IPV4, ETH_IPV6) else None
    return data                      # raw IP


def _udp(src, dst, seg, whole, problem):
    """The datagram of a UDP segment; whole says the IP layer is complete."""
    if len(seg) < 8:
        return None
    sport, dport, length = struct.unpack("!HHH", seg[:6])
    if problem is None and length > len(seg):
        problem = ("cut short by the snapshot length" if not whole
                   else "bad UDP length %d" % length)
    if problem is None and length < 8:
        problem = "bad UDP length %d" % length
    return Datagram((src, sport), (dst, dport), seg[8:length], problem)


def _ipv4(pkt):
    if len(pkt) < 20:
        return None
    ihl = (pkt[0] & 15) * 4
    total, frag, proto = struct.unpack("!H2xHxB", pkt[2:10])
    if proto != UDP or ihl < 20 or total < ihl:
        return None
    if frag & 0x1FFF:                     # not the first fragment: no ports
        return None
    problem = FRAGMENT if frag & 0x2000 else None
    src = ipaddress.IPv4Address(pkt[12:16])
    dst = ipaddress.IPv4Address(pkt[16:20])
    return _udp(src, dst, pkt[ihl:total], total <= len(pkt), problem)


def _ipv6(pkt):
    if len(pkt) < 40:
        return None
    plen, nxt = struct.unpack("!HB", pkt[4:7])
    src = ipaddress.IPv6Address(pkt[8:24])
    dst = ipaddress.IPv6Address(pkt[24:40])
    end, off, problem = 40 + plen, 40, None
    while nxt != UDP:
        if off + 8 > len(pkt):
            return None
        if nxt in V6_EXT:
            nxt, size = pkt[off], (pkt[off + 1] + 1) * 8
        elif nxt == V6_AH:
            nxt, size = pkt[off], (pkt[off + 1] + 2) * 4
        elif nxt == V6_FRAG:
            frag = struct.unpack("!H", pkt[off + 2:off + 4])[0]
            if frag & 0xFFF8:             # not the first fragment: no ports
                return None
            if frag & 1:
                problem = FRAGMENT
            nxt, size = pkt[off], 8
        else:                             # ESP, no next header, not UDP
            return None
        off += size
    if plen == 0:                         # jumbogram: not read
        return None
    return _udp(src, dst, pkt[off:end], end <= len(pkt), problem)


def datagram_of_frame(link, data):
    """The UDP datagram of a frame, or None if it carries none."""
    pkt = ip_of_frame(link, data)
    if not pkt:
        return None
    version = pkt[0] >> 4
    if version == 4 and link != 229:
        return _ipv4(pkt)
    if version == 6 and link != 228:
        return _ipv6(pkt)
    return None


# ------------------------------------------------------------- decoding

def header_dict(payload):
    if len(payload) < kr.HEADER_LEN:
        return {"length": len(payload), "bytes": payload.hex()}
    t, epoch, flags, flow, s = struct.unpack(">BBHIQ",
                                             payload[:kr.HEADER_LEN])
    return {"type": t, "epoch": epoch, "flags": flags, "flow_id": flow,
            "s": s, "length": len(payload)}


def header_text(h):
    if "type" not in h:
        return "%d bytes %s" % (h["length"], h["bytes"])
    return ("type=%d epoch=%d flags=%#x flow_id=%#010x s=%d len=%d"
            % (h["type"], h["epoch"], h["flags"], h["flow_id"], h["s"],
               h["length"]))


def endpoint_text(ep):
    addr, port = ep
    return ("[%s]:%d" if addr.version == 6 else "%s:%d") % (addr, port)


class Decoder:
    """Opens keyrot packets one by one, in capture order, and keeps tally."""

    def __init__(self, info):
        self.info = info
        self.last_seed = 0           # the seed that authenticated last
        self.packets = []            # one dict per keyrot packet
        self.failures, self.reuse, self.warnings = [], [], []
        self.got = ([], [])          # (plaintext, packet index) per direction
        self.seen = {}               # (seed, d, s) -> packet index
        self.payload_of = {}         # packet index -> bytes, if it opened
        self.stats = {}              # seed -> per direction tallies
        self.last = {}               # d -> highest seed it authenticated on

    def fail(self, kind, pkt, detail):
        self.failures.append({"kind": kind, "packet": pkt["packet"],
                              "frame": pkt["frame"], "header": pkt["header"],
                              "detail": detail})

    def receiver(self, flow_id, dg):
        """The end a packet is for: by flow id, by endpoint if ids agree."""
        ends = [e for e in self.info.ends if e.flow_id == flow_id]
        if len(ends) == 2:
            ends = [e for e in ends if e.endpoint == dg.dst]
        return ends[0] if len(ends) == 1 else None

    def candidates(self, epoch):
        """Seeds of that epoch number, nearest in install order first."""
        return sorted(self.info.by_epoch.get(epoch, ()),
                      key=lambda i: (abs(i - self.last_seed), -i))

    def open(self, d, payload, epoch, s):
        """(seed, plaintext) of the first candidate seed that opens it."""
        for seed in self.candidates(epoch):
            key = self.info.trees[seed].leaf(d, s)   # the tree caches leaves
            try:
                pt = kr.open_packet(self.info.cipher, key, payload)
            except Exception:
                continue
            self.last_seed = seed
            return seed, pt
        return None, None

    def add(self, frame, dg):
        pkt = {"packet": len(self.packets), "frame": frame,
               "src": endpoint_text(dg.src), "dst": endpoint_text(dg.dst),
               "header": header_dict(dg.payload), "ok": False}
        self.packets.append(pkt)
        if dg.problem:
            self.fail("capture", pkt, "%s: not decoded" % dg.problem)
            return
        h = pkt["header"]
        if "type" not in h or h["length"] < kr.HEADER_LEN + kr.TAG_LEN:
            self.fail("malformed", pkt, "shorter than 32 bytes")
            return
        if h["type"] != kr.PACKET_TYPE or h["flags"] != 0:
            self.fail("malformed", pkt, "type is not 1 or flags are not 0")
            return
        rx = self.receiver(h["flow_id"], dg)
        if rx is None:
            self.fail("flow", pkt, "receiver flow id is neither end's")
            return
        d = 1 - rx.role
        tx = self.info.ends[d]
        pkt["d"] = d
        if (dg.src, dg.dst) != (tx.endpoint, rx.endpoint):
            self.fail("endpoint", pkt, "flow id says d%d, %s -> %s, but the "
                      "datagram is %s -> %s" % (
                          d, endpoint_text(tx.endpoint),
                          endpoint_text(rx.endpoint), pkt["src"], pkt["dst"]))
        if h["s"] >= kr.SEQ_LIMIT:
            self.fail("sequence", pkt, "s >= 2^33")
            return
        seed, pt = self.open(d, dg.payload, h["epoch"], h["s"])
        if seed is None:
            self.fail("auth", pkt, "authenticates under none of the %d "
                      "seed(s) with epoch %d" % (
                          len(self.info.by_epoch.get(h["epoch"], ())),
                          h["epoch"]))
            return
        pkt.update(ok=True, seed=seed, empty=not pt)
        self.tally(pkt, dg.payload, d, seed, h["s"], pt)

    def tally(self, pkt, payload, d, seed, s, pt):
        i = pkt["packet"]
        first = self.seen.setdefault((seed, d, s), i)
        if first != i:
            same = self.payload_of[first] == payload
            self.reuse.append({"seed": seed, "epoch": self.info.seeds[seed],
                               "d": d, "s": s, "packets": [first, i],
                               "identical": same})
        self.payload_of[i] = payload
        st = self.stats.setdefault(seed, {})
        if d not in st:
            st[d] = {"data": 0, "empty": 0, "s_first": s, "s_max": s,
                     "first_empty": not pt}
        elif s < st[d]["s_max"]:
            self.warnings.append("packet %d: d%d s=%d after s=%d on seed %d: "
                                 "the sequence went back" % (
                                     i, d, s, st[d]["s_max"], seed))
        st[d]["empty" if not pt else "data"] += 1
        st[d]["s_max"] = max(s, st[d]["s_max"])
        if seed < self.last.get(d, seed):
            self.warnings.append("packet %d: d%d back on seed %d after seed "
                                 "%d" % (i, d, seed, self.last[d]))
        self.last[d] = max(seed, self.last.get(d, seed))
        if pt:
            self.got[d].append((pt, i))

    def run(self, link, frames):
        other = 0
        mine = self.info.keyrot_endpoints()
        for frame, data, _orig in frames:
            dg = datagram_of_frame(link, data)
            if dg is None or (dg.src not in mine and dg.dst not in mine):
                other += 1
                continue
            self.add(frame, dg)
        return other


def short(b):
    return b.hex() if len(b) <= 24 else b[:24].hex() + "..."


def compare(expected, got):
    """None if got (plaintext, packet) pairs carry expected, else a dict."""
    texts = [pt for pt, _ in got]
    if texts == expected:
        return None
    k = next((i for i, (a, b) in enumerate(zip(expected, texts)) if a != b),
             min(len(expected), len(texts)))
    return {"index": k,
            "expected": short(expected[k]) if k < len(expected) else None,
            "got": short(texts[k]) if k < len(texts) else None,
            "packet": got[k][1] if k < len(got) else None}


def report(info, link, frames, dec, other):
    dirs = {}
    for d in (0, 1):
        pkts = [p for p in dec.packets if p.get("ok") and p["d"] == d]
        dirs["d%d" % d] = {
            "data": sum(not p["empty"] for p in pkts),
            "empty": sum(p["empty"] for p in pkts),
            "expected_plaintexts": len(info.plaintexts[d]),
            "mismatch": compare(info.plaintexts[d], dec.got[d])}
    order = sorted(dec.stats, key=lambda seed: min(
        p["packet"] for p in dec.packets if p.get("seed") == seed))
    epochs = []
    for seed in order:
        e = {"seed": seed, "epoch": info.seeds[seed]}
        for d in (0, 1):
            e["d%d" % d] = dec.stats[seed].get(d)
        epochs.append(e)
    for e in epochs:
        for d in (0, 1):
            st = e["d%d" % d]
            if st and not st["first_empty"]:
                dec.warnings.append("seed %d (epoch %d): d%d did not open "
                                    "with an empty key confirmation"
                                    % (e["seed"], e["epoch"], d))
    checks = {"packets_found": bool(dec.packets),
              "all_authenticated": not dec.failures,
              "plaintexts_match": all(x["mismatch"] is None
                                      for x in dirs.values()),
              "no_nonce_reuse": not dec.reuse}
    return {"ok": all(checks.values()), "checks": checks,
            "link": LINK_NAMES[link], "frames": len(frames),
            "other_frames": other, "keyrot_packets": len(dec.packets),
            "cipher": info.cipher, "directions": dirs, "epochs": epochs,
            "unused_seeds": [i for i in range(len(info.seeds))
                             if i not in dec.stats],
            "failures": dec.failures, "nonce_reuse": dec.reuse,
            "warnings": dec.warnings}


def decode(pcap, info):
    """The report (a JSON-able dict) of a capture; InputError if unreadable."""
    link, frames = read_pcap(pcap)
    dec = Decoder(info)
    other = dec.run(link, frames)
    rep = report(info, link, frames, dec, other)
    rep["packets"] = dec.packets
    return rep


# ------------------------------------------------------------- printing

def print_summary(rep, pcap, out=sys.stdout):
    def w(line):
        print(line, file=out)
    w("%s: %d frames (%s), %d keyrot packets, %d other; cipher %s"
      % (pcap, rep["frames"], rep["link"], rep["keyrot_packets"],
         rep["other_frames"], rep["cipher"]))
    for name, x in rep["directions"].items():
        what = ("initiator -> responder" if name == "d0"
                else "responder -> initiator")
        w("  %s (%s): %d data, %d empty; %d plaintexts expected: %s"
          % (name, what, x["data"], x["empty"], x["expected_plaintexts"],
             "match" if x["mismatch"] is None else "MISMATCH"))
        m = x["mismatch"]
        if m:
            w("    first difference at plaintext %d (packet %s): expected "
              "%s, got %s" % (m["index"], m["packet"], m["expected"],
                              m["got"]))
    w("  epochs in order of first appearance (seed index in install order):")
    for e in rep["epochs"]:
        parts = []
        for d in ("d0", "d1"):
            st = e[d]
            parts.append("%s none" % d if not st else
                         "%s %d data %d empty s %d..%d" % (
                             d, st["data"], st["empty"], st["s_first"],
                             st["s_max"]))
        w("    seed %d epoch %d: %s" % (e["seed"], e["epoch"],
                                        "; ".join(parts)))
    if rep["unused_seeds"]:
        w("  seeds with no packet: %s" % rep["unused_seeds"])
    for f in rep["failures"]:
        w("  FAIL %s: packet %d (frame %d) %s: %s" % (
            f["kind"], f["packet"], f["frame"], header_text(f["header"]),
            f["detail"]))
    for r in rep["nonce_reuse"]:
        w("  FATAL nonce reuse: seed %d epoch %d d%d s=%d in packets %d and "
          "%d (%s)" % (r["seed"], r["epoch"], r["d"], r["s"], r["packets"][0],
                       r["packets"][1], "identical packets: duplicate capture "
                       "or resend" if r["identical"] else "different packets"))
    for msg in rep["warnings"]:
        w("  warning: %s" % msg)
    if not rep["checks"]["packets_found"]:
        w("  FAIL no keyrot packet: wrong interface or ends in capture.json?")
    failed = [k for k, v in rep["checks"].items() if not v]
    w("RESULT: " + ("PASS" if rep["ok"] else
                    "FAIL (%s)" % ", ".join(failed)))


def print_packets(rep, out=sys.stdout):
    for p in rep["packets"]:
        state = "FAILED"
        if p["ok"]:
            state = "d%d seed %d %s" % (p["d"], p["seed"],
                                        "empty" if p["empty"] else "data")
        print("%5d frame %5d %s -> %s %s: %s" % (
            p["packet"], p["frame"], p["src"], p["dst"],
            header_text(p["header"]), state), file=out)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Decode and check the keyrot "
                                 "packets of a pcap capture.")
    ap.add_argument("--pcap", required=True, help="classic libpcap file")
    ap.add_argument("--info", required=True, help="capture.json")
    ap.add_argument("--json", action="store_true",
                    help="print the report as JSON")
    ap.add_argument("--list", action="store_true",
                    help="also list every keyrot packet")
    a = ap.parse_args(argv)
    try:
        rep = decode(a.pcap, load_info(a.info))
    except InputError as e:
        print("decode.py: %s" % e, file=sys.stderr)
        return 2
    if a.list:
        print_packets(rep, sys.stderr if a.json else sys.stdout)
    if a.json:
        if not a.list:
            del rep["packets"]
        json.dump(rep, sys.stdout, indent=1)
        print()
    else:
        print_summary(rep, a.pcap)
    return 0 if rep["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
