#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""demo-report.py DIR N: what `make demo` saw, for a person to read.

DIR is what scripts/demo-vm.sh wrote in the VM (demo.log, events-{a,b}.log,
snaps-{a,b}.log, {a,b}.json, {a,b}.rc); N the DATA packets each way.
Prints a timeline, the epochs with the packets each carried, and a final
table per end, then RESULT: PASS or FAIL with why.  Exit status 0 only if the traffic
arrived intact both ways, the three re-keys (watermark, interval, request)
happened, and no packet was dropped.
"""

import json
import os
import sys

ENDS = ('a', 'b')
REASONS = ('watermark', 'interval', 'request')
PHASES = {
    'watermark': 'phase 1: epoch 1 starts just below a node edge; past it '
                 'fewer leaves than the watermark remain',
    'interval': 'phase 2: epoch 2 starts under a 2.5 s re-key interval',
    'request': 'phase 3: epoch 3, until the operator asks for a re-key',
    'tail': 'phase 4: the traffic runs out on epoch 4',
}


def lines(path):
    try:
        with open(path) as f:
            return [ln.rstrip('\n') for ln in f if ln.strip()]
    except OSError:
        return []


def stamped_json(path):
    """[(t, obj)] from "T {json}" lines; a torn last line is skipped."""
    out = []
    for ln in lines(path):
        t, _, rest = ln.partition(' ')
        try:
            out.append((float(t), json.loads(rest)))
        except ValueError:
            pass
    return out


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def drops(flow):
    return {k: v for k, v in flow.get('stats', {}).items()
            if k.startswith('drop-') and v}


class Demo:
    def __init__(self, d, n):
        self.d, self.n = d, n
        self.log = []
        for ln in lines(os.path.join(d, 'demo.log')):
            w = ln.split()
            self.log.append((float(w[0]), w[1], w[2:]))
        self.events = {e: stamped_json(os.path.join(d, 'events-%s.log' % e))
                       for e in ENDS}
        self.snaps = {e: stamped_json(os.path.join(d, 'snaps-%s.log' % e))
                      for e in ENDS}
        self.perf = {e: load_json(os.path.join(d, '%s.json' % e))
                     for e in ENDS}
        self.rc = {e: ''.join(lines(os.path.join(d, '%s.rc' % e))).strip()
                   for e in ENDS}
        self.t0 = next((t for t, k, _ in self.log if k == 'flows'), 0.0)
        self.info = {k: w for _, k, w in self.log if k in
                     ('kernel', 'cipher', 'flows')}

    def t(self, t):
        return '%6.2f' % (t - self.t0)

    def snap_at(self, end, t):
        """The last flow-get sample of END taken at or before T."""
        best = None
        for ts, s in self.snaps[end]:
            if ts <= t:
                best = s
        return best or (self.snaps[end][0][1] if self.snaps[end] else None)

    def final(self, end):
        return self.snaps[end][-1][1] if self.snaps[end] else None

    # ------------------------------------------------------------ sections
    def header(self):
        fl = self.info.get('flows', ['?'] * 4)
        print('keyrot demo: kernel %s, %s, one flow between two hosts' % (
            ' '.join(self.info.get('kernel', ['?'])),
            ' '.join(self.info.get('cipher', ['?']))))
        print('  a %-9s initiator, flow %s' % (fl[1], fl[0]))
        print('  b %-9s responder, flow %s' % (fl[3], fl[2]))
        print('  traffic: krperf at each end, %d DATA packets each way, '
              'every byte checked; control plane: krctl' % self.n)
        print()

    def timeline(self):
        print('Timeline (seconds from the flow set-up)')
        rows = []
        for t, kind, w in self.log:
            if kind == 'flows':
                rows.append((t, 0, 'flow configured: a %s <-> b %s, '
                             'UDP port 51819' % (w[0], w[2])))
            elif kind == 'phase':
                rows.append((t, 0, '--- %s ---' % PHASES.get(w[0], w[0])))
            elif kind == 'install':
                note = ''
                if '--start-d0' in w and w[0] == 'b':
                    s = int(w[w.index('--start-d0') + 1])
                    note = ', s starts at %d (%d packets before node %d)' % (
                        s, ((s >> 26) + 1 << 26) - s, (s >> 26) + 1)
                who = ('answers the exchange' if w[0] == 'b' else
                       'completes it: --peer-holds')
                rows.append((t, 1, '%s: epoch %s installed, key %s (%s)%s' % (
                    w[0], w[1], w[2], who, note)))
            elif kind == 'set':
                rows.append((t, 1, 'a, b: flow-set %s' % ' '.join(w)))
            elif kind == 'request':
                rows.append((t, 1, '%s: operator asks for a re-key '
                             '(krctl rekey)' % w[0]))
            elif kind == 'done':
                rows.append((t, 1, 'traffic done at both ends'))
            elif kind == 'fail':
                rows.append((t, 1, 'DEMO STOPPED: %s' % ' '.join(w)))
        seen = set()
        confirmed = {}
        for end in ENDS:
            for t, e in self.events[end]:
                ev = e.get('event')
                if ev == 'epoch-confirmed':
                    confirmed[(end, e.get('epoch'))] = t
                if ev == 'rekey-needed':
                    key = (end, e.get('epoch'), tuple(e.get('reason', [])))
                    if key in seen:
                        continue	# the event repeats while the need lasts
                    seen.add(key)
                    rows.append((t, 1, '%s: re-key needed on epoch %s: %s' % (
                        end, e.get('epoch'), ','.join(e.get('reason', [])))))
                elif ev == 'epoch-confirmed':
                    continue	# told with the switch it leads to
                elif ev == 'epoch-switched':
                    old = e.get('old-epoch')
                    conf = confirmed.get((end, e.get('epoch')))
                    rows.append((t, 1, '%s: %stransmits on epoch %s%s' % (
                        end, 'confirms and ' if conf is not None and
                        abs(conf - t) < 0.1 else '', e.get('epoch'),
                        '' if old is None else ' (was %s)' % old)))
                elif ev == 'flow-down':
                    rows.append((t, 1, '%s: flow closed' % end))
                elif ev == 'peer-gone':
                    rows.append((t, 1, '%s: PEER GONE' % end))
        for t, indent, text in sorted(rows, key=lambda r: r[0]):
            print('  %s  %s%s' % (self.t(t), '  ' * indent, text))
        print()

    def epochs(self):
        installs = {}
        for t, kind, w in self.log:
            if kind == 'install' and w[0] == 'a':
                start = int(w[w.index('--start-d0') + 1]) if '--start-d0' in w else 0
                installs[int(w[1])] = (t, w[2], start)
        ended = {}
        for end in ENDS:
            for t, e in self.events[end]:
                if e.get('event') == 'rekey-needed':
                    ended.setdefault(e.get('epoch'), set()).update(
                        e.get('reason', []))
        # Per end and epoch, the highest sequence numbers any sample saw:
        # tx-seq is the next one to send, rx-seq one above the highest
        # received, so each less the start is a count of packets.
        seq = {}
        for end in ENDS:
            for _, s in self.snaps[end]:
                for ep in s.get('epoch', []):
                    for k in ('tx-seq', 'rx-seq'):
                        key = (end, ep['number'], k)
                        seq[key] = max(seq.get(key, 0), ep.get(k, 0))
        print('Epochs: packets each carried (sequence numbers used; the '
              'empty key confirmations included)')
        print('  epoch  key               from    a->b sent  received  '
              'b->a sent  received  ended by')
        for num in sorted(installs):
            t, key, start = installs[num]

            def n(end, k):
                return max(seq.get((end, num, k), start) - start, 0)
            print('  %5d  %s  %6s  %9d  %8d  %9d  %8d  %s' % (
                num, key, self.t(t).strip(), n('a', 'tx-seq'),
                n('b', 'rx-seq'), n('b', 'tx-seq'), n('a', 'rx-seq'),
                '/'.join(sorted(ended.get(num, []))) or '(last)'))
        print()

    def final_table(self):
        print('Final state of each end (last flow-get before the flows closed)')
        print('  end  flow        epoch  tx-packets  tx-bytes  rx-packets  '
              'rx-bytes  confirmations  keepalives  installed  retired  drops')
        for end in ENDS:
            f = self.final(end)
            if not f:
                print('  %-3s  (no sample)' % end)
                continue
            st = f.get('stats', {})
            tx = [ep['number'] for ep in f.get('epoch', [])
                  if ep.get('state') == 'transmit']
            dr = drops(f)
            print('  %-3s  %-10s  %5s  %10d  %8d  %10d  %8d  %13d  %10d  '
                  '%9d  %7d  %s' % (
                      end, f.get('id'), tx[0] if tx else '-',
                      st.get('tx-packets', 0), st.get('tx-bytes', 0),
                      st.get('rx-packets', 0), st.get('rx-bytes', 0),
                      st.get('tx-confirmations', 0),
                      st.get('tx-keepalives', 0),
                      st.get('epochs-installed', 0),
                      st.get('epochs-retired', 0),
                      ', '.join('%s %d' % kv for kv in dr.items()) or '0'))
        print()

    def traffic(self):
        print('Traffic checked by krperf')
        for end, other in (('a', 'b'), ('b', 'a')):
            p = self.perf[end]
            if not p:
                print('  %s: no result' % end)
                continue
            print('  %s received from %s: %d/%d DATA packets, %d in order, '
                  '%d corrupt, %d missing, %d duplicated  (%s, %.1f s)' % (
                      end, other, p.get('received', 0), self.n,
                      p.get('in_order', 0), p.get('corrupt', 0),
                      p.get('missing', 0), p.get('duplicates', 0),
                      'ok' if p.get('ok') else
                      'FAILED: %s' % p.get('first_error', ''),
                      p.get('elapsed', 0)))
        print()

    # ------------------------------------------------------------ verdict
    def problems(self):
        why = []
        if not os.path.exists(os.path.join(self.d, 'complete')):
            why.append('the demo did not run to its end')
        for t, kind, w in self.log:
            if kind == 'fail':
                why.append('stopped: %s' % ' '.join(w))
        for end in ENDS:
            p = self.perf[end]
            if self.rc[end] != '0' or not p or not p.get('ok') or \
                    p.get('received') != self.n or p.get('sent') != self.n:
                why.append('traffic to %s not intact' % end)
            f = self.final(end)
            if not f:
                why.append('no flow-get sample of %s' % end)
                continue
            if drops(f):
                why.append('%s dropped packets: %s' % (end, drops(f)))
        got = set()
        for end in ENDS:
            for _, e in self.events[end]:
                if e.get('event') == 'rekey-needed':
                    got.update(e.get('reason', []))
        for r in REASONS:
            if r not in got:
                why.append('no re-key by %s' % r)
        for end in ENDS:
            f = self.final(end) or {}
            tx = [ep['number'] for ep in f.get('epoch', [])
                  if ep.get('state') == 'transmit']
            if tx != [4]:
                why.append('%s ends on epoch %s, not 4' % (end, tx))
        return why


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    demo = Demo(sys.argv[1], int(sys.argv[2]))
    demo.header()
    demo.timeline()
    demo.epochs()
    demo.final_table()
    demo.traffic()
    why = demo.problems()
    if why:
        print('RESULT: FAIL (%s)' % '; '.join(why))
        return 1
    print('RESULT: PASS (3 re-keys: watermark, interval, request; traffic '
          'intact both ways; no drops)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
