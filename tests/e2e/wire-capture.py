#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""wire-capture.py: the host half of tests/e2e/wire.sh.

  wire-capture.py info DIR SEEDS KERNEL   write DIR/capture.json
  wire-capture.py corrupt-seed IN OUT N   a copy whose seed N is wrong
  wire-capture.py corrupt-plaintext IN OUT D I   a copy whose plaintext
                                          I of direction dD has a bit flipped
  wire-capture.py verdict REPORT CHECK    exit 0 if CHECK holds for the
                                          decoder's --json REPORT

`info` reads what the VM wrote in DIR (meta: the ends and the seeds'
install order; a-sent, b-sent: krperf's --sent-log of each end, every
payload written in order, ACKs included) and the root seeds in SEEDS/sN,
and writes capture.json in the format of tests/wire/README.md.  It uses
nothing of the module: only what the test itself chose and sent.
"""

import hashlib
import hmac
import json
import os
import sys


def key_id(root):
    """Spec 2: HKDF-Expand(PRK = R, info = "keyrot v1 id", L = 8)."""
    t1 = hmac.new(root, b'keyrot v1 id' + b'\x01', hashlib.sha256).digest()
    return t1[:8].hex()


def read_meta(path):
    ends, installs, cipher = [], [], None
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == 'cipher':
                cipher = w[1]
            elif w[0] in ('initiator', 'responder'):
                ends.append({'role': w[0], 'flow_id': int(w[1]),
                             'addr': w[2], 'port': int(w[3])})
            elif w[0] == 'install':
                installs.append((int(w[1]), int(w[2])))
    return cipher, ends, installs


def read_log(path):
    with open(path) as f:
        return [line.strip().lower() for line in f if line.strip()]


def info(d, seeds_dir, kernel):
    cipher, ends, installs = read_meta(os.path.join(d, 'meta'))
    seeds = []
    for idx, epoch in installs:
        with open(os.path.join(seeds_dir, 's%d' % idx)) as f:
            root = f.read().strip()
        seeds.append({'epoch': epoch, 'root': root,
                      'key_id': key_id(bytes.fromhex(root))})
    obj = {
        'format': 'keyrot-capture-1',
        'capture': {
            'note': 'tcpdump -i va -w wire.pcap -U udp port 51819, '
                    'inside namespace a (initiator), kernel %s' % kernel,
            'test': 'tests/e2e/wire.sh',
        },
        'cipher': cipher,
        'ends': ends,
        'seeds': seeds,
        'plaintexts': {
            # d0: initiator (a) to responder (b); d1 the other way.
            'd0': read_log(os.path.join(d, 'a-sent')),
            'd1': read_log(os.path.join(d, 'b-sent')),
        },
    }
    with open(os.path.join(d, 'capture.json'), 'w') as f:
        json.dump(obj, f, indent=1)
        f.write('\n')


def corrupt_seed(src, dst, n):
    with open(src) as f:
        obj = json.load(f)
    seed = obj['seeds'][n]
    root = bytearray.fromhex(seed['root'])
    root[0] ^= 1
    seed['root'] = root.hex()
    seed.pop('key_id', None)  # else the decoder refuses the file outright
    with open(dst, 'w') as f:
        json.dump(obj, f)


def corrupt_plaintext(src, dst, d, i):
    with open(src) as f:
        obj = json.load(f)
    pts = obj['plaintexts']['d%d' % d]
    p = bytearray.fromhex(pts[i])
    p[-1] ^= 0x80
    pts[i] = p.hex()
    with open(dst, 'w') as f:
        json.dump(obj, f)


def verdict(report, check):
    """CHECK: ok | not-ok | CHECKNAME | not-CHECKNAME | all-seeds-used |
    wrap | edge:SEED | data:D:N | auth-failures"""
    with open(report) as f:
        r = json.load(f)
    if check == 'ok':
        return r['ok'] is True
    if check == 'not-ok':
        return r['ok'] is False
    if check == 'all-seeds-used':
        return r['unused_seeds'] == []
    if check == 'wrap':
        order = [e['epoch'] for e in r['epochs']]
        return any(a == 255 and b == 0 for a, b in zip(order, order[1:]))
    if check.startswith('edge:'):
        # Both directions of seed N crossed from node 0 into node 1.
        n = int(check[5:])
        e = [x for x in r['epochs'] if x['seed'] == n]
        return bool(e) and all(
            e[0][d] and e[0][d]['s_first'] < 1 << 26 <= e[0][d]['s_max']
            for d in ('d0', 'd1'))
    if check.startswith('data:'):
        _, d, n = check.split(':')
        return r['directions'][d]['data'] >= int(n)
    if check == 'auth-failures':
        return any(x['kind'] == 'auth' for x in r['failures'])
    if check.startswith('not-'):
        return r['checks'][check[4:]] is False
    return r['checks'][check] is True


def main(argv):
    if len(argv) == 5 and argv[1] == 'info':
        info(argv[2], argv[3], argv[4])
        return 0
    if len(argv) == 5 and argv[1] == 'corrupt-seed':
        corrupt_seed(argv[2], argv[3], int(argv[4]))
        return 0
    if len(argv) == 6 and argv[1] == 'corrupt-plaintext':
        corrupt_plaintext(argv[2], argv[3], int(argv[4]), int(argv[5]))
        return 0
    if len(argv) == 4 and argv[1] == 'verdict':
        return 0 if verdict(argv[2], argv[3]) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
