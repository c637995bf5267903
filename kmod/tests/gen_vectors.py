#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# gen_vectors.py VECTORS.json: print kr_vectors.h, the known-answer tables of
# the KUnit suites, from a vectors file of spec keyrot v1's format (its
# appendix).  Run by kmod/Kbuild at build time, so the same tests run on any
# file of that format.  A malformed file fails the build with the path of the
# offending field.

import json
import sys

CIPHERS = {"aes-256-gcm": "KEYROT_CIPHER_AES_256_GCM",
           "chacha20-poly1305": "KEYROT_CIPHER_CHACHA20_POLY1305"}
SEQ_LIMIT = 1 << 33


class BadVectors(Exception):
    pass


def field(obj, key, where):
    if not isinstance(obj, dict) or key not in obj:
        raise BadVectors(f"{where}: missing '{key}'")
    return obj[key]


def hexbytes(obj, key, where, length=None):
    val = field(obj, key, where)
    try:
        raw = bytes.fromhex(val)
    except (TypeError, ValueError):
        raise BadVectors(f"{where}.{key}: not a hex string") from None
    if length is not None and len(raw) != length:
        raise BadVectors(f"{where}.{key}: {len(raw)} bytes, want {length}")
    return raw


def integer(obj, key, where, lo, hi):
    val = field(obj, key, where)
    if not isinstance(val, int) or isinstance(val, bool) or not lo <= val < hi:
        raise BadVectors(f"{where}.{key}: want an integer in [{lo}, {hi})")
    return val


def listof(obj, key, where):
    val = field(obj, key, where)
    if not isinstance(val, list):
        raise BadVectors(f"{where}.{key}: not a list")
    return val


def carray(raw):
    if not raw:
        return "{}"
    rows = []
    for i in range(0, len(raw), 12):
        rows.append("\t\t" + ", ".join(f"0x{b:02x}" for b in raw[i:i + 12]))
    return "{\n" + ",\n".join(rows) + "\n\t}"


def parse(doc):
    if field(doc, "spec", "file") != "keyrot v1":
        raise BadVectors("file.spec: not 'keyrot v1'")
    trees, nodes, leaves, packets = [], [], [], []
    for t, vec in enumerate(listof(doc, "vectors", "file")):
        where = f"vectors[{t}]"
        trees.append((hexbytes(vec, "root", where, 32),
                      hexbytes(vec, "key_id", where, 8)))
        for i, node in enumerate(listof(vec, "nodes", where)):
            w = f"{where}.nodes[{i}]"
            nodes.append((t, integer(node, "n", w, 0, 128),
                          hexbytes(node, "key", w, 32)))
        for i, leaf in enumerate(listof(vec, "leaves", where)):
            w = f"{where}.leaves[{i}]"
            leaves.append((t, integer(leaf, "d", w, 0, 2),
                           integer(leaf, "s", w, 0, SEQ_LIMIT),
                           hexbytes(leaf, "key", w, 32)))
        for i, pkt in enumerate(listof(vec, "packets", where)):
            w = f"{where}.packets[{i}]"
            cipher = field(pkt, "cipher", w)
            if cipher not in CIPHERS:
                raise BadVectors(f"{w}.cipher: unknown '{cipher}'")
            pt = hexbytes(pkt, "plaintext", w)
            wire = hexbytes(pkt, "packet", w, 16 + len(pt) + 16)
            packets.append((t, CIPHERS[cipher], integer(pkt, "d", w, 0, 2),
                            integer(pkt, "epoch", w, 0, 256),
                            integer(pkt, "flow_id", w, 1, 1 << 32),
                            integer(pkt, "s", w, 0, SEQ_LIMIT), pt, wire))
    if not trees:
        raise BadVectors("file.vectors: empty")
    return trees, nodes, leaves, packets


def emit(src, trees, nodes, leaves, packets):
    out = [f"/* Generated from {src} by kmod/tests/gen_vectors.py. */",
           "#ifndef _KR_VECTORS_H", "#define _KR_VECTORS_H", "",
           "struct kr_vec_tree {", "\tu8 root[32];", "\tu8 key_id[8];", "};",
           "", "struct kr_vec_node {", "\tunsigned int tree;",
           "\tunsigned int n;", "\tu8 key[32];", "};", "",
           "struct kr_vec_leaf {", "\tunsigned int tree;", "\tu8 d;",
           "\tu64 s;", "\tu8 key[32];", "};", "",
           "struct kr_vec_packet {", "\tunsigned int tree;", "\tu8 cipher;",
           "\tu8 d;", "\tu8 epoch;", "\tu32 flow_id;", "\tu64 s;",
           "\tconst u8 *plaintext;", "\tunsigned int plaintext_len;",
           "\tconst u8 *packet;", "\tunsigned int packet_len;", "};", ""]

    for i, (_, _, _, _, _, _, pt, wire) in enumerate(packets):
        out.append(f"static const u8 kr_vec_pt{i}[] __maybe_unused = "
                   f"{carray(pt)};")
        out.append(f"static const u8 kr_vec_wire{i}[] __maybe_unused = "
                   f"{carray(wire)};")

    out.append("\nstatic const struct kr_vec_tree kr_vec_trees[] "
               "__maybe_unused = {")
    for root, key_id in trees:
        out.append(f"\t{{ .root = {carray(root)},\n\t  .key_id = "
                   f"{carray(key_id)} }},")
    out.append("};\n")

    out.append("static const struct kr_vec_node kr_vec_nodes[] "
               "__maybe_unused = {")
    for t, n, key in nodes:
        out.append(f"\t{{ .tree = {t}, .n = {n}, .key = {carray(key)} }},")
    out.append("};\n")

    out.append("static const struct kr_vec_leaf kr_vec_leaves[] "
               "__maybe_unused = {")
    for t, d, s, key in leaves:
        out.append(f"\t{{ .tree = {t}, .d = {d}, .s = {s}ULL, "
                   f".key = {carray(key)} }},")
    out.append("};\n")

    out.append("static const struct kr_vec_packet kr_vec_packets[] "
               "__maybe_unused = {")
    for i, (t, cipher, d, epoch, flow_id, s, pt, wire) in enumerate(packets):
        out.append(f"\t{{ .tree = {t}, .cipher = {cipher}, .d = {d}, "
                   f".epoch = {epoch}, .flow_id = {flow_id}U, .s = {s}ULL,\n"
                   f"\t  .plaintext = kr_vec_pt{i}, .plaintext_len = "
                   f"{len(pt)},\n\t  .packet = kr_vec_wire{i}, "
                   f".packet_len = {len(wire)} }},")
    out.append("};\n")
    out.append("#endif /* _KR_VECTORS_H */")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 2:
        print("usage: gen_vectors.py VECTORS.json", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            doc = json.load(f)
        tables = parse(doc)
    except (OSError, ValueError, BadVectors) as e:
        print(f"gen_vectors.py: {argv[1]}: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(emit(argv[1].rsplit("/", 1)[-1], *tables))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
