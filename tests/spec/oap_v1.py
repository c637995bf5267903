# SPDX-License-Identifier: GPL-2.0
#
# OAP v1 written again from docs/oap.md alone (sections 4 to 7), in Python,
# never from userspace/irmd/: the second implementation that the test vector
# of docs/oap.md section 14 is checked with.  HKDF is RFC 5869 over hmac;
# Ed25519 and X25519 come from python3-cryptography.

import hashlib
import hmac
import struct

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

MAGIC = b"OA"
VERSION = 1
MSG_MAX = 1024
HDR_LEN = 96
SIG_LEN = 64
SEQ_LIMIT = 1 << 33
F_START = 1

ALLOC_REQ, ALLOC_ANS, REKEY_REQ, REKEY_ANS, HOLDS_REQ, HOLDS_ANS = range(1, 7)
LENGTHS = {ALLOC_ANS: 216, REKEY_REQ: 220, REKEY_ANS: 212,
           HOLDS_REQ: 196, HOLDS_ANS: 180}   # ALLOC_REQ: 217 + name length

(OK, NO_SERVICE, REFUSED, NO_FLOW, BAD_EPOCH, BAD_PARAMS, BUSY, COLLISION,
 NOT_HELD, ERROR) = range(10)
STATUSES = {
    ALLOC_ANS: {OK, NO_SERVICE, REFUSED, BUSY, ERROR},
    REKEY_ANS: {OK, REFUSED, NO_FLOW, BAD_EPOCH, BAD_PARAMS, BUSY, COLLISION,
                ERROR},
    HOLDS_ANS: {OK, NOT_HELD, NO_FLOW},
}

SIG_LABEL = b"keyrot oap v1 sig"
SEED_LABEL = b"keyrot oap v1 seed"


class Refused(Exception):
    """A message a receiver must refuse (docs/oap.md 4.9, 11)."""


def raw_pub(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def hkdf(salt, ikm, info, length):
    """RFC 5869, extract then expand, SHA-256."""
    prk = hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        okm += t
        i += 1
    return okm[:length]


def key_id(seed):
    return hkdf_expand_only(seed, b"keyrot v1 id", 8)


def hkdf_expand_only(prk, info, length):
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


# Section 4: encoding.  @fields is a dict named as in the tables.

def header(mtype, length, flags, nonce, ts, sender, receiver):
    return (MAGIC + bytes([VERSION, mtype]) + struct.pack(">HBB", length,
                                                          flags, 0)
            + nonce + struct.pack(">Q", ts) + sender + receiver)


def body(mtype, f):
    if mtype == ALLOC_REQ:
        name = f["service"].encode("ascii")
        return (struct.pack(">IBBHQQ", f["flow_id"], f["cipher"], f["epoch"],
                            f["port"], f.get("start_d0", 0),
                            f.get("start_d1", 0))
                + f["eph"] + bytes([len(name)]) + name)
    if mtype == ALLOC_ANS:
        return (f["req_nonce"] + struct.pack(">BBHI", f["status"], 0,
                                             f["port"], f["flow_id"])
                + f["eph"])
    if mtype == REKEY_REQ:
        return (struct.pack(">IIBBBBQQ", f["flow_id"], f["peer_flow_id"],
                            f["role"], f["cipher"], f["epoch"], 0,
                            f.get("start_d0", 0), f.get("start_d1", 0))
                + f["eph"])
    if mtype == REKEY_ANS:
        return f["req_nonce"] + bytes([f["status"], 0, 0, 0]) + f["eph"]
    if mtype == HOLDS_REQ:
        return (struct.pack(">IIB3x", f["flow_id"], f["peer_flow_id"],
                            f["epoch"]) + f["key_id"] + f["exchange"])
    if mtype == HOLDS_ANS:
        return f["req_nonce"] + bytes([f["status"], 0, 0, 0])
    raise ValueError("unknown type")


def transcript_hash(prefix, unsigned):
    return hashlib.sha256(prefix + unsigned).digest()


def seal(mtype, f, identity, receiver, nonce, ts, prefix=b"", flags=0):
    """A signed message; @prefix is the request when this is an answer."""
    b = body(mtype, f)
    length = HDR_LEN + len(b) + SIG_LEN
    unsigned = header(mtype, length, flags, nonce, ts, raw_pub(identity),
                      receiver) + b
    th = transcript_hash(prefix, unsigned)
    return unsigned + identity.sign(SIG_LABEL + th), th


# Section 4.9: decoding and validation (no signature check).

def decode(msg):
    if len(msg) > MSG_MAX:
        raise Refused("oversize")
    if len(msg) < HDR_LEN + SIG_LEN:
        raise Refused("short")
    if msg[0:2] != MAGIC:
        raise Refused("magic")
    if msg[2] != VERSION:
        raise Refused("version")
    mtype = msg[3]
    length, flags, res = struct.unpack(">HBB", msg[4:8])
    if res or length != len(msg):
        raise Refused("header")
    m = {"type": mtype, "flags": flags, "nonce": msg[8:24],
         "ts": struct.unpack(">Q", msg[24:32])[0], "sender": msg[32:64],
         "receiver": msg[64:96], "sig": msg[-64:], "unsigned": msg[:-64]}
    if not any(m["nonce"]) or m["sender"] == m["receiver"]:
        raise Refused("nonce or identities")
    if flags & ~(F_START if mtype in (ALLOC_REQ, REKEY_REQ) else 0):
        raise Refused("flags")
    p = msg[HDR_LEN:-SIG_LEN]
    if mtype == ALLOC_REQ:
        if len(msg) < 218 or len(msg) != 217 + msg[152] or msg[152] > 64:
            raise Refused("length")
        (m["flow_id"], m["cipher"], m["epoch"], m["port"], s0,
         s1) = struct.unpack(">IBBHQQ", p[:24])
        m["eph"], n = p[24:56], p[56]
        m["service"] = p[57:57 + n]
        if (not m["flow_id"] or m["cipher"] > 1 or not m["port"]
                or not any(m["eph"]) or not 1 <= n <= 64
                or any(c < 0x21 or c > 0x7e for c in m["service"])):
            raise Refused("field")
        m["start"] = check_start(flags, s0, s1)
    elif mtype in LENGTHS:
        if len(msg) != LENGTHS[mtype]:
            raise Refused("length")
        if mtype == ALLOC_ANS:
            m["req_nonce"] = p[:16]
            m["status"], r, m["port"], m["flow_id"] = struct.unpack(
                ">BBHI", p[16:24])
            m["eph"] = p[24:56]
            ok = m["status"] == OK
            if r or ok != bool(m["port"]) or ok != bool(m["flow_id"]) \
                    or ok != any(m["eph"]):
                raise Refused("field")
        elif mtype == REKEY_REQ:
            (m["flow_id"], m["peer_flow_id"], m["role"], m["cipher"],
             m["epoch"], r, s0, s1) = struct.unpack(">IIBBBBQQ", p[:28])
            m["eph"] = p[28:60]
            if (r or not m["flow_id"] or not m["peer_flow_id"]
                    or m["role"] > 1 or m["cipher"] > 1 or not any(m["eph"])):
                raise Refused("field")
            m["start"] = check_start(flags, s0, s1)
        elif mtype == REKEY_ANS:
            m["req_nonce"], m["status"], m["eph"] = p[:16], p[16], p[20:52]
            if any(p[17:20]) or (m["status"] == OK) != any(m["eph"]):
                raise Refused("field")
        elif mtype == HOLDS_REQ:
            m["flow_id"], m["peer_flow_id"], m["epoch"] = struct.unpack(
                ">IIB", p[:9])
            m["key_id"], m["exchange"] = p[12:20], p[20:36]
            if (any(p[9:12]) or not m["flow_id"] or not m["peer_flow_id"]
                    or not any(m["exchange"])):
                raise Refused("field")
        else:
            m["req_nonce"], m["status"] = p[:16], p[16]
            if any(p[17:20]):
                raise Refused("field")
        if mtype in STATUSES:
            if m["status"] not in STATUSES[mtype] or not any(m["req_nonce"]):
                raise Refused("status")
    else:
        raise Refused("type")
    return m


def check_start(flags, s0, s1):
    if not flags & F_START and (s0 or s1):
        raise Refused("start without flag")
    if s0 >= SEQ_LIMIT or s1 >= SEQ_LIMIT:
        raise Refused("start beyond the tree")
    return (s0, s1)


def verify(m, prefix=b""):
    """Section 5: the signature by the sender over label || TH."""
    th = transcript_hash(prefix, m["unsigned"])
    ed25519.Ed25519PublicKey.from_public_bytes(m["sender"]).verify(
        m["sig"], SIG_LABEL + th)
    return th


# Section 6: the seed.

def seed(eph_private, peer_eph, req_nonce, ans_nonce, ids, flows, epoch,
         cipher, th):
    """@ids, @flows: (role 0's, role 1's), as this end believes."""
    shared = eph_private.exchange(x25519.X25519PublicKey.from_public_bytes(
        peer_eph))
    if not any(shared):
        raise Refused("small-order point")
    info = (SEED_LABEL + b"\x00" + ids[0] + struct.pack(">I", flows[0])
            + b"\x01" + ids[1] + struct.pack(">I", flows[1])
            + bytes([epoch, cipher]) + th)
    assert len(info) == 126
    return hkdf(req_nonce + ans_nonce, shared, info, 32)
