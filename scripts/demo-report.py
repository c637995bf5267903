#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""demo-report.py DIR N: what `make demo` saw, for a person to read.

DIR is what scripts/demo-vm.sh wrote in the VM (demo.log, irmd-{a,b}.log,
events-{a,b}.log, snaps-{a,b}.log, {a,b}.json, {a,b}.rc); N the DATA
packets each way.  Prints a timeline (the applications, what each irmd did,
the kernels' re-key needs and epoch switches), the epochs with their key
ids, the packets each carried and why each ended, and a final table per
end, then RESULT: PASS or FAIL with why.  Exit status 0 only if the traffic
arrived intact both ways, no packet was dropped, the flow re-keyed by
itself by all three reasons (watermark, interval, request) and both ends
ended on the same, last, epoch.
"""

import json
import os
import re
import sys

ENDS = ('a', 'b')
REASONS = ('watermark', 'interval', 'request')


def lines(path):
    try:
        with open(path) as f:
            return [ln.rstrip('\n') for ln in f if ln.strip()]
    except OSError:
        return []


def stamped(path):
    """[(t, text)] from "T text" lines."""
    out = []
    for ln in lines(path):
        t, _, rest = ln.partition(' ')
        try:
            out.append((float(t), rest))
        except ValueError:
            pass
    return out


def stamped_json(path):
    """[(t, obj)] from "T {json}" lines; a torn last line is skipped."""
    out = []
    for t, rest in stamped(path):
        try:
            out.append((t, json.loads(rest)))
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


# What an irmd log line says, for the timeline: (regex, text).  The log's
# own words are docs/irmd.md section 10's stable phrases.
IRMD = (
    (r'accepts flows to (\S+)',
     "{end}'s application waits for flows to {0} (flow_accept)"),
    (r'asks for a flow to (\S+) at (\S+)',
     "{end}'s application asks irmd for a flow to {0} at {1} (flow_alloc)"),
    (r'allocation to \S+ at \S+: alloc-req sent \(first epoch (\d+)',
     '{end}: irmd sends alloc-req (OAP): first epoch {0}, a fresh X25519 key'),
    (r'accepted: service (\S+) from (\S+) \(role responder, peer flow (\d+), '
     r'epoch (\d+)',
     '{end}: irmd answers: flow configured, epoch {3} installed, pending '
     "until {1}'s first packet; flow handed to the application"),
    (r'allocated: service (\S+) at (\S+) \(role initiator, peer flow (\d+), '
     r'epoch (\d+)',
     '{end}: irmd completes: flow configured, epoch {3} installed, the peer '
     'holds it; flow handed to the application'),
    (r're-key started: epoch (\d+) -> (\d+) \(need ([a-z,]+)\)',
     '{end}: irmd starts a re-key, epoch {0} -> {1} (need {2}): rekey-req'),
    (r're-key answered: epoch (\d+) installed',
     "{end}: irmd answers: epoch {0} installed, pending until the peer's "
     'first packet on it'),
    (r're-key done: epoch (\d+) installed',
     '{end}: irmd completes: epoch {0} installed, the peer holds it'),
    (r'(collision: .*)', '{end}: irmd: {0}'),
    (r'(re-key of epoch .*)', '{end}: irmd: {0}'),
    (r'(holds\? .*)', '{end}: irmd: {0}'),
    (r'(peer gone: .*)', '{end}: irmd: {0}'),
)


class Demo:
    def __init__(self, d, n):
        self.d, self.n = d, n
        self.log = []
        for t, rest in stamped(os.path.join(d, 'demo.log')):
            w = rest.split()
            if w:
                self.log.append((t, w[0], w[1:]))
        self.irmd = {e: stamped(os.path.join(d, 'irmd-%s.log' % e))
                     for e in ENDS}
        self.events = {e: stamped_json(os.path.join(d, 'events-%s.log' % e))
                       for e in ENDS}
        self.snaps = {e: stamped_json(os.path.join(d, 'snaps-%s.log' % e))
                      for e in ENDS}
        self.perf = {e: load_json(os.path.join(d, '%s.json' % e))
                     for e in ENDS}
        self.rc = {e: ''.join(lines(os.path.join(d, '%s.rc' % e))).strip()
                   for e in ENDS}
        self.t0 = next((t for t, k, _ in self.log if k == 'alloc'), 0.0)
        self.info = {k: w for _, k, w in self.log if k in
                     ('kernel', 'cipher', 'flows', 'config')}
        cfg = self.info.get('config', [])
        self.cfg = dict(zip(cfg[::2], cfg[1::2]))
        self.start_d0 = int(self.cfg.get('start-d0', 0))

    def t(self, t):
        return '%6.2f' % (t - self.t0)

    def final(self, end):
        return self.snaps[end][-1][1] if self.snaps[end] else None

    def switches(self):
        """{epoch: (time, key id)}: when an end first transmitted on it."""
        out = {}
        for end in ENDS:
            for t, e in self.events[end]:
                if e.get('event') == 'epoch-switched' and 'epoch' in e:
                    num = e['epoch']
                    if num not in out or t < out[num][0]:
                        out[num] = (t, e.get('key-id', '?'))
        return out

    def ended_by(self):
        out = {}
        for end in ENDS:
            for _, e in self.events[end]:
                if e.get('event') == 'rekey-needed':
                    out.setdefault(e.get('epoch'), set()).update(
                        e.get('reason', []))
        return out

    # ------------------------------------------------------------ sections
    def header(self):
        fl = self.info.get('flows', ['?'] * 4)
        print('keyrot demo: kernel %s, %s, one flow between two hosts, '
              'made and re-keyed by irmd' % (
                  ' '.join(self.info.get('kernel', ['?'])),
                  ' '.join(self.info.get('cipher', ['?']))))
        print('  a %-9s initiator, flow %s' % (fl[1], fl[0]))
        print('  b %-9s responder, flow %s' % (fl[3], fl[2]))
        print('  control plane: one irmd per host, pinning the other\'s '
              'key; the key exchange (OAP) on UDP 51818')
        print('  traffic: krperf at each end through libkeyrot, %d DATA '
              'packets each way, every byte checked' % self.n)
        s = self.start_d0
        print('  re-keys, by themselves: watermark (epoch 1 starts %d '
              'packets before node %d), interval (%s ms at a), request '
              '(a\'s application, before its packet %s)' % (
                  ((s >> 26) + 1 << 26) - s if s else 0,
                  (s >> 26) + 1 if s else 0,
                  self.cfg.get('interval', '?'),
                  self.cfg.get('rekey-at', '?')))
        print()

    def timeline(self):
        print('Timeline (seconds from the allocation request)')
        rows = []
        for t, kind, w in self.log:
            if kind == 'done':
                rows.append((t, 0, 'traffic done at both ends'))
            elif kind == 'fail':
                rows.append((t, 0, 'DEMO STOPPED: %s' % ' '.join(w)))
        fl = self.info.get('flows')
        if fl:
            rows.append((next(t for t, k, _ in self.log if k == 'flows'), 0,
                         'flow allocated by irmd: a %s <-> b %s, service '
                         'echo, data on UDP 51819' % (fl[0], fl[2])))
        for end in ENDS:
            for t, text in self.irmd[end]:
                for rx, fmt in IRMD:
                    m = re.search(rx, text)
                    if m:
                        rows.append((t, 1, fmt.format(*m.groups(), end=end)))
                        break
        seen = set()
        for end in ENDS:
            for t, e in self.events[end]:
                ev = e.get('event')
                if ev == 'rekey-needed':
                    key = (end, e.get('epoch'), tuple(e.get('reason', [])))
                    if key in seen:
                        continue	# the event repeats while the need lasts
                    seen.add(key)
                    rows.append((t, 1, '%s: re-key needed on epoch %s: %s' % (
                        end, e.get('epoch'), ','.join(e.get('reason', [])))))
                elif ev == 'epoch-switched':
                    old = e.get('old-epoch')
                    rows.append((t, 1, '%s: transmits on epoch %s key %s%s' % (
                        end, e.get('epoch'), e.get('key-id', '?'),
                        '' if old is None else ' (was %s)' % old)))
                elif ev == 'flow-down':
                    rows.append((t, 1, '%s: flow closed' % end))
                elif ev == 'peer-gone':
                    rows.append((t, 1, '%s: PEER GONE' % end))
        for t, indent, text in sorted(rows, key=lambda r: r[0]):
            if t < self.t0 - 1:
                continue
            print('  %s  %s%s' % (self.t(t), '  ' * indent, text))
        print()

    def epochs(self):
        sw = self.switches()
        ended = self.ended_by()
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
        first = min(sw, key=lambda k: sw[k][0]) if sw else None
        for num in sorted(sw, key=lambda k: sw[k][0]):
            t, key = sw[num]
            # Direction 0 (a's) of the first epoch starts at start-d0.
            d0 = self.start_d0 if num == first else 0

            def n(end, k, start):
                return max(seq.get((end, num, k), start) - start, 0)
            print('  %5d  %s  %6s  %9d  %8d  %9d  %8d  %s' % (
                num, key, self.t(t).strip(), n('a', 'tx-seq', d0),
                n('b', 'rx-seq', d0), n('b', 'tx-seq', 0),
                n('a', 'rx-seq', 0),
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
        for r in self.ended_by().values():
            got.update(r)
        for r in REASONS:
            if r not in got:
                why.append('no re-key by %s' % r)
        sw = self.switches()
        last = max(sw, key=lambda k: sw[k][0]) if sw else None
        for end in ENDS:
            f = self.final(end) or {}
            tx = [ep['number'] for ep in f.get('epoch', [])
                  if ep.get('state') == 'transmit']
            if tx != [last]:
                why.append('%s ends on epoch %s, not the last one (%s)' % (
                    end, tx, last))
        return why

    def rekeys(self):
        return sum(1 for _, e in self.events['a']
                   if e.get('event') == 'epoch-switched' and
                   e.get('old-epoch') is not None)


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
    print('RESULT: PASS (%d re-keys by irmd, by watermark, interval and '
          'request; traffic intact both ways; no drops)' % demo.rekeys())
    return 0


if __name__ == '__main__':
    sys.exit(main())
