# SPDX-License-Identifier: GPL-2.0
#
# keyrot v1 written again from the spec alone (shared spec keyrot-v1.md,
# sections 2 to 5), in Python, never from the module's code: the second
# implementation that the vectors, the wire decoder and the alternative
# vectors files are checked with.  Needs python3-cryptography for the AEADs.

import hashlib
import hmac
import struct

SEED_LEN = 32
NODES = 128
LEAVES_PER_NODE = 64
LEAF_SHIFT = 20
NODE_SHIFT = 26
SEQ_LIMIT = 1 << 33
HEADER_LEN = 16
TAG_LEN = 16
PACKET_TYPE = 1

CIPHERS = ("aes-256-gcm", "chacha20-poly1305")


def hkdf_expand(prk, info, length):
    """RFC 5869 section 2.3 with SHA-256."""
    if not 0 < length <= 255 * 32:
        raise ValueError("HKDF-Expand length out of range")
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        okm += t
        i += 1
    return okm[:length]


def key_id(root):
    return hkdf_expand(root, b"keyrot v1 id", 8)


def node_keys(root):
    okm = hkdf_expand(root, b"keyrot v1 node", NODES * 32)
    return [okm[32 * n:32 * n + 32] for n in range(NODES)]


def leaf_keys(node_key, d):
    okm = hkdf_expand(node_key, b"keyrot v1 leaf" + bytes([d]),
                      LEAVES_PER_NODE * 32)
    return [okm[32 * i:32 * i + 32] for i in range(LEAVES_PER_NODE)]


class KeyTree:
    """The key tree of one epoch; derives leaves on demand, caching nodes."""

    def __init__(self, root):
        if len(root) != SEED_LEN:
            raise ValueError("a root seed is 32 bytes")
        self.key_id = key_id(root)
        self.nodes = node_keys(root)
        self._leaves = {}

    def leaf(self, d, s):
        if d not in (0, 1) or not 0 <= s < SEQ_LIMIT:
            raise ValueError("no leaf for d=%r s=%r" % (d, s))
        n = s >> NODE_SHIFT
        if (n, d) not in self._leaves:
            self._leaves[(n, d)] = leaf_keys(self.nodes[n], d)
        return self._leaves[(n, d)][(s >> LEAF_SHIFT) % LEAVES_PER_NODE]


def leaves_remaining(s):
    return max(0, 8191 - (s >> LEAF_SHIFT))


def _aead(cipher, key):
    from cryptography.hazmat.primitives.ciphers.aead import (
        AESGCM, ChaCha20Poly1305)
    if cipher == "aes-256-gcm":
        return AESGCM(key)
    if cipher == "chacha20-poly1305":
        return ChaCha20Poly1305(key)
    raise ValueError("unknown cipher %r" % cipher)


def nonce(s):
    return b"\0" * 4 + struct.pack(">Q", s)


def header(epoch, flow_id, s):
    return struct.pack(">BBHIQ", PACKET_TYPE, epoch, 0, flow_id, s)


def seal(cipher, key, epoch, flow_id, s, plaintext):
    """A whole packet (spec section 5) carrying plaintext under key."""
    hdr = header(epoch, flow_id, s)
    return hdr + _aead(cipher, key).encrypt(nonce(s), plaintext, hdr)


def parse_header(packet):
    """(type, epoch, flags, flow_id, s) of a packet, or ValueError."""
    if len(packet) < HEADER_LEN + TAG_LEN:
        raise ValueError("shorter than 32 bytes")
    return struct.unpack(">BBHIQ", packet[:HEADER_LEN])


def open_packet(cipher, key, packet):
    """The plaintext, or an exception if the packet does not authenticate."""
    ptype, _, flags, _, s = parse_header(packet)
    if ptype != PACKET_TYPE or flags != 0:
        raise ValueError("not a keyrot v1 data packet")
    hdr = packet[:HEADER_LEN]
    return _aead(cipher, key).decrypt(nonce(s), packet[HEADER_LEN:], hdr)
