#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ynl-check.py DIR: judge what ynl-vm.sh's cli.py runs left in DIR.

Appends one "ok NAME" or "not ok NAME: why" line per check to DIR/../results
(the file vm-check.sh writes in the VM), so the host side reports both the
same way.
"""

import json
import os
import sys

# What ynl-vm.sh's flow-set sent, as flow-get must give it back.
SET = {
    'peer-addr': '0a630002', 'peer-port': 51819, 'peer-id': 4242,
    'role': 'initiator', 'cipher': 'chacha20-poly1305', 'cookie': 77,
    'max-payload': 1200, 'watermark': 1000, 'rekey-interval-ms': 60000,
    'event-ms': 200,
}


class Dir:
    def __init__(self, d):
        self.d = d

    def text(self, name, ext):
        try:
            with open(os.path.join(self.d, name + ext)) as f:
                return f.read()
        except OSError:
            return ''

    def rc(self, name):
        t = self.text(name, '.rc').strip()
        return int(t) if t else None

    def json(self, name, ext='.out'):
        return json.loads(self.text(name, ext))


def checks(d):
    """Yield (name, ok, why)."""
    flow_id = int(d.text('flow-id', '').strip() or 0)
    key_id = d.text('key-id', '').strip()

    def ran(name):
        return d.rc(name) == 0, 'exit %s: %s' % (
            d.rc(name), d.text(name, '.err').strip()[-200:])

    def same(got, want):
        bad = {k: (got.get(k), v) for k, v in want.items()
               if got.get(k) != v}
        return not bad, 'differs (got, set): %r' % bad

    ok, why = ran('flow-set')
    yield 'flow-set-do', ok and d.text('flow-set', '.out').strip() == 'None', why

    # krctl, written apart from YNL, sees what cli.py set.
    try:
        k = d.json('krctl-show', '.json')
        want = dict(SET, **{'peer-addr': '10.99.0.2'})
        yield ('flow-set-seen-by-krctl',) + same(k, want)
    except ValueError as e:
        yield 'flow-set-seen-by-krctl', False, str(e)

    ok, why = ran('flow-get-do')
    if ok:
        r = d.json('flow-get-do')
        ok, why = same(r, dict(SET, id=flow_id))
        if ok and sorted(r.get('flags', [])) != ['rd', 'wr']:
            ok, why = False, 'flags %r' % r.get('flags')
        if ok and 'stats' not in r:
            ok, why = False, 'no stats'
    yield 'flow-get-do-has-settings', ok, why

    ok, why = ran('flow-get-dump')
    if ok:
        r = d.json('flow-get-dump')
        mine = [f for f in r if f.get('id') == flow_id]
        if len(r) != 1 or len(mine) != 1:
            ok, why = False, '%d flows, %d with id %d' % (
                len(r), len(mine), flow_id)
        else:
            ok, why = same(mine[0], SET)
    yield 'flow-get-dump-lists-flow', ok, why

    ok, why = ran('netns-get')
    if ok:
        r = d.json('netns-get')
        ok = (r.get('port') == 51819 and r.get('flows') == 1 and
              'tfms' not in r and 'tx-packets' in r.get('stats', {}))
        why = 'reply %r' % r
    yield 'netns-get', ok, why
    ok, why = ran('netns-get-init')
    if ok:
        r = d.json('netns-get-init')
        ok = r.get('flows') == 0 and isinstance(r.get('tfms'), int)
        why = 'reply %r' % r
    yield 'netns-get-init-tfms', ok, why

    out = d.text('seed-install-wrong-key', '.out')
    yield ('seed-install-wrong-key-refused',
           d.rc('seed-install-wrong-key') == 1 and 'Netlink error' in out,
           'exit %s: %s' % (d.rc('seed-install-wrong-key'), out[-200:]))
    yield ('seed-install-extack',
           "'msg': 'key id does not match the seed'" in out, out[-200:])

    ok, why = ran('seed-install')
    yield 'seed-install-accepted', ok, why
    ok, why = ran('flow-get-seeded')
    if ok:
        ep = d.json('flow-get-seeded').get('epoch', [])
        ok = (len(ep) == 1 and ep[0].get('number') == 1 and
              ep[0].get('key-id') == key_id and
              ep[0].get('state') == 'transmit' and
              ep[0].get('confirmed') is True)
        why = 'epochs %r' % ep
    yield 'seed-install-took-effect', ok, why

    ok, why = ran('rekey-request')
    yield 'rekey-request-do', ok, why

    ok, why = ran('subscribe')
    if ok:
        try:
            ev = d.json('subscribe')
        except ValueError as e:
            ev, ok, why = [], False, 'output: %s' % e
        mine = [e for e in ev if e.get('name') == 'rekey-needed-ntf' and
                e['msg'].get('flow-id') == flow_id]
        ok = ok and bool(mine) and all(
            'request' in e['msg'].get('reason', []) and
            e['msg'].get('cookie') == 77 and
            e['msg'].get('epoch') == 1 and
            e['msg'].get('key-id') == key_id for e in mine)
        why = why if not ev else '%d events, %d rekey-needed of the flow: %r' % (
            len(ev), len(mine), ev[:2])
    yield 'subscribe-events-rekey-needed', ok, why


def main():
    d = Dir(sys.argv[1])
    with open(os.path.join(sys.argv[1], '..', 'results'), 'a') as r:
        for name, ok, why in checks(d):
            r.write('ok %s\n' % name if ok else
                    'not ok %s: %s\n' % (name, ' '.join(str(why).split())))
    return 0


if __name__ == '__main__':
    sys.exit(main())
