#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of ktap.py on KTAP captured from Debian 6.1 and 6.12 kernels in QEMU.

The samples in ktap-samples/ are real logs of tests/kunit/example
(kr_kunit_example.ko) run on the out-of-tree kunit.ko: dmesg of an
all-pass and a fail=1 run on each kernel (the 6.12 all-pass one with
printk timestamps), and on each kernel the console of a crash=1 run cut
short by a panic (oops=panic; 6.12's with the firmware's and the whole
boot's output, from an older crash=1 that used BUG_ON()).
Run: python3 tests/lib/test_ktap.py
"""

import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ktap  # noqa: E402

SAMPLES = os.path.join(HERE, 'ktap-samples')
KTAP = os.path.join(HERE, 'ktap.py')

# The leaves of the example module (6.12 adds kr_example_platform).
EXAMPLE_CASES = [
    'kr_example/kr_ex_basic',
    'kr_example/kr_ex_hook_is_noop',
    'kr_example/kr_ex_param_case/zero',
    'kr_example/kr_ex_param_case/one',
    'kr_example/kr_ex_param_case/big',
    'kr_example/kr_ex_toggled',
    'kr_example/kr_ex_assert_stops',
    'kr_example/kr_ex_skipped',
    'kr_example_suite/kr_ex_suite_init_ran',
]
FAILING = {'kr_example/kr_ex_param_case/one', 'kr_example/kr_ex_toggled',
           'kr_example/kr_ex_assert_stops'}


def sample(name):
    with open(os.path.join(SAMPLES, name), encoding='utf-8', errors='replace') as f:
        return f.read().split('\n')


def run(lines, prefix='vm'):
    """Run ktap.main() on lines; return (exit status, stdout, results lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, 'log')
        results = os.path.join(tmp, 'sub', 'results.tsv')
        with open(log, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = ktap.main(['--prefix', prefix, '--results', results, log])
        with open(results, encoding='utf-8') as f:
            recorded = f.read().splitlines()
    return rc, out.getvalue(), recorded


def expected(series, fail):
    cases = list(EXAMPLE_CASES)
    if series == '6.12':
        cases.append('kr_example_platform/kr_ex_platform_device')
    want = []
    for case in cases:
        if case.endswith('kr_ex_skipped'):
            status = 'SKIP'
        elif fail and case in FAILING:
            status = 'FAIL'
        else:
            status = 'PASS'
        want.append(f'{status}\tvm-{series}/{case}')
    return want


def summary(out):
    return out.strip().splitlines()[-1]


class RealCaptures(unittest.TestCase):
    def check(self, name, series, fail):
        rc, out, recorded = run(sample(name), prefix=f'vm-{series}')
        want = expected(series, fail)
        self.assertEqual(recorded, want)
        npass = sum(1 for w in want if w.startswith('PASS'))
        nfail = sum(1 for w in want if w.startswith('FAIL'))
        self.assertEqual(summary(out), f'{npass} passed, {nfail} failed, 1 skipped')
        self.assertEqual(rc, 1 if fail else 0)
        return out

    def test_61_pass(self):
        self.check('6.1-pass.dmesg.txt', '6.1', fail=False)

    def test_612_pass_with_timestamps(self):
        self.check('6.12-pass-timestamps.dmesg.txt', '6.12', fail=False)

    def test_61_fail(self):
        out = self.check('6.1-fail.dmesg.txt', '6.1', fail=True)
        self.assertIn('FAIL vm-6.1/kr_example/kr_ex_param_case/one\n', out)
        self.assertRegex(out, r'kr_ex_param_case: EXPECTATION FAILED at \S+:\d+\n'
                              r'.*Expected p->in == want, but')
        self.assertIn('deliberate failure (fail=1)', out)
        # The assertion stopped its case: the expectation after it never ran.
        self.assertNotIn('not reached', out)

    def test_612_fail(self):
        out = self.check('6.12-fail.dmesg.txt', '6.12', fail=True)
        self.assertIn('deliberate assertion failure (fail=1)', out)
        # Passing tests are not printed.
        self.assertNotIn('kr_ex_basic', out)

    def test_61_crash_is_incomplete(self):
        # tests/vm/run's console.log of a crash=1 run booted with oops=panic.
        rc, out, recorded = run(sample('6.1-crash.console.txt'), prefix='vm-6.1')
        self.assertEqual(rc, 1)
        self.assertEqual(recorded, ['FAIL\tvm-6.1/kr_example/(incomplete)'])
        self.assertIn('BUG: kernel NULL pointer dereference', out)
        self.assertEqual(summary(out), '0 passed, 1 failed, 0 skipped')

    def test_612_crash_is_incomplete(self):
        rc, out, recorded = run(sample('6.12-crash.console.txt'), prefix='vm-6.12')
        self.assertEqual(rc, 1)
        self.assertEqual(recorded, ['FAIL\tvm-6.12/kr_example/(incomplete)'])
        self.assertIn('after 0 of 6 results', out)
        self.assertIn('kernel BUG at', out)
        self.assertEqual(summary(out), '0 passed, 1 failed, 0 skipped')


class Truncation(unittest.TestCase):
    def test_every_cut_inside_a_suite_fails(self):
        lines = sample('6.1-pass.dmesg.txt')
        first = next(i for i, l in enumerate(lines) if 'KTAP version' in l)
        last = max(i for i, l in enumerate(lines) if re.match(r'^ok \d+ ', l))
        for cut in range(first, last):
            rc, out, recorded = run(lines[:cut + 1])
            at_suite_end = re.match(r'^ok \d+ ', lines[cut]) is not None
            with self.subTest(cut=cut, line=lines[cut]):
                self.assertEqual(rc, 0 if at_suite_end else 1)
                if not at_suite_end:
                    self.assertTrue(any(r.startswith('FAIL') for r in recorded))

    def test_missing_suite_result(self):
        lines = [l for l in sample('6.1-pass.dmesg.txt') if l != 'ok 1 kr_example']
        rc, out, recorded = run(lines)
        self.assertEqual(rc, 1)
        self.assertIn('FAIL\tvm/kr_example/(incomplete)', recorded)
        # What was reported is still counted, the next suite too.
        self.assertIn('PASS\tvm/kr_example/kr_ex_basic', recorded)
        self.assertIn('PASS\tvm/kr_example_suite/kr_ex_suite_init_ran', recorded)

    def test_lost_case_line(self):
        lines = [l for l in sample('6.12-pass-timestamps.dmesg.txt')
                 if not l.endswith('    ok 2 kr_ex_hook_is_noop')]
        rc, out, recorded = run(lines)
        self.assertEqual(rc, 1)
        self.assertIn('plan 1..6 but 5 results', out)

    def test_lost_start_of_log(self):
        # A log buffer that wrapped: the first suite's header and cases are gone.
        lines = sample('6.1-pass.dmesg.txt')
        start = lines.index('ok 1 kr_example') + 1
        rc, out, recorded = run(lines[start:])
        self.assertEqual(rc, 1)
        self.assertIn('result 2 where 1 was expected', out)


class Formats(unittest.TestCase):
    def same_as_plain(self, transform):
        lines = sample('6.1-fail.dmesg.txt')
        plain = run(lines)
        self.assertEqual(run([transform(i, l) for i, l in enumerate(lines)]), plain)

    def test_timestamps(self):
        self.same_as_plain(lambda i, l: f'[{i / 1000:12.6f}] {l}')

    def test_timestamps_with_caller_id(self):
        self.same_as_plain(lambda i, l: f'[{i / 1000:12.6f}][  T{i % 300}] {l}')

    def test_raw_dmesg_levels(self):
        self.same_as_plain(lambda i, l: f'<6>[{i:5d}.000000] {l}')

    def test_crlf(self):
        self.same_as_plain(lambda i, l: l + '\r')

    def test_interleaved_kernel_messages(self):
        noise = ['random: crng init done', 'virtio_net virtio0: ok',
                 '    ok', 'IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready']
        lines = sample('6.12-fail.dmesg.txt')
        mixed = []
        for i, line in enumerate(lines):
            mixed.append(line)
            mixed.append(noise[i % len(noise)])
        rc, out, recorded = run(mixed, prefix='vm-6.12')
        self.assertEqual(rc, 1)
        self.assertEqual(recorded, expected('6.12', fail=True))

    def test_two_modules_in_one_log(self):
        # On 6.12 each __kunit_test_suites_init() numbers its suites from 1.
        lines = sample('6.12-pass-timestamps.dmesg.txt')
        rc, out, recorded = run(lines + ['kr_kunit_example: unloaded'] + lines,
                                prefix='vm-6.12')
        self.assertEqual(rc, 0, out)
        self.assertEqual(recorded, expected('6.12', fail=False) * 2)

    def test_zero_tests(self):
        lines = [l for l in sample('6.1-pass.dmesg.txt') if l.startswith('Linux')]
        rc, out, recorded = run(lines + ['kunit: disabled'])
        self.assertEqual(rc, 1)
        self.assertEqual(recorded, [])
        self.assertIn('no test ran', out)
        self.assertEqual(summary(out), '0 passed, 0 failed, 0 skipped')

    def test_all_skipped_is_not_a_pass(self):
        lines = ['    KTAP version 1', '    # Subtest: s', '    1..1',
                 '    ok 1 c # SKIP no hardware', 'ok 1 s # SKIP no hardware']
        rc, out, recorded = run(lines)
        self.assertEqual((rc, recorded), (1, ['SKIP\tvm/s/c']))

    def test_top_level_plan(self):
        # As KUnit prints built-in suites: a top-level header and plan.
        suite = ['    KTAP version 1', '    # Subtest: a', '    1..1', '    ok 1 x']
        lines = ['KTAP version 1', '1..2'] + suite + ['ok 1 a'] + \
            [l.replace('# Subtest: a', '# Subtest: b') for l in suite] + ['ok 2 b']
        rc, out, recorded = run(lines)
        self.assertEqual((rc, recorded), (0, ['PASS\tvm/a/x', 'PASS\tvm/b/x']))
        lines[1] = '1..3'
        rc, out, recorded = run(lines)
        self.assertEqual(rc, 1)
        self.assertIn('FAIL\tvm/(incomplete)', recorded)

    def test_tap14_style_subtests(self):
        lines = ['TAP version 14', '1..1', '    # Subtest: old', '    1..2',
                 '    ok 1 - first', '    not ok 2 - second', 'not ok 1 - old']
        rc, out, recorded = run(lines)
        self.assertEqual((rc, recorded), (1, ['PASS\tvm/old/first', 'FAIL\tvm/old/second']))

    def test_not_ok_skip_is_a_skip(self):
        lines = ['    KTAP version 1', '    # Subtest: s', '    1..2', '    ok 1 a',
                 '    not ok 2 b # SKIP not here', 'ok 1 s']
        rc, out, recorded = run(lines)
        self.assertEqual((rc, recorded), (0, ['PASS\tvm/s/a', 'SKIP\tvm/s/b']))

    def test_failed_group_without_failed_leaf(self):
        # A case whose params all passed but which failed in its cleanup.
        lines = ['    KTAP version 1', '    # Subtest: s', '    1..1',
                 '        KTAP version 1', '        # Subtest: p', '        ok 1 x',
                 '    # p: cleanup failed', '    not ok 1 p', 'not ok 1 s']
        rc, out, recorded = run(lines)
        self.assertEqual((rc, recorded), (1, ['PASS\tvm/s/p/x', 'FAIL\tvm/s/p']))
        self.assertIn('cleanup failed', out)

    def test_no_prefix(self):
        lines = ['    KTAP version 1', '    # Subtest: s', '    1..1', '    ok 1 a', 'ok 1 s']
        with tempfile.TemporaryDirectory() as tmp:
            log, res = os.path.join(tmp, 'log'), os.path.join(tmp, 'r')
            with open(log, 'w') as f:
                f.write('\n'.join(lines))
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(ktap.main(['--results', res, log]), 0)
                self.assertEqual(ktap.main(['--results', res, log]), 0)
            with open(res) as f:
                self.assertEqual(f.read(), 'PASS\ts/a\nPASS\ts/a\n')   # appended


class CommandLine(unittest.TestCase):
    def interpreters(self):
        found = [sys.executable]
        for candidate in ('/usr/bin/python3',):
            if os.path.exists(candidate) and os.path.realpath(candidate) not in \
                    map(os.path.realpath, found):
                found.append(candidate)
        return found

    def test_exit_status_and_summary(self):
        for python in self.interpreters():
            for name, rc in (('6.1-pass.dmesg.txt', 0), ('6.12-fail.dmesg.txt', 1),
                             ('6.12-crash.console.txt', 1)):
                with self.subTest(python=python, sample=name):
                    p = subprocess.run([python, KTAP, '--prefix', 'x',
                                        os.path.join(SAMPLES, name)],
                                       capture_output=True, text=True, check=False)
                    self.assertEqual(p.returncode, rc, p.stdout + p.stderr)
                    self.assertRegex(p.stdout.splitlines()[-1],
                                     r'^\d+ passed, \d+ failed, \d+ skipped$')

    def test_missing_log(self):
        p = subprocess.run([sys.executable, KTAP, '/nonexistent/log'],
                           capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn('nonexistent', p.stderr)


if __name__ == '__main__':
    unittest.main()
