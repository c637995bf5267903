#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse the KTAP (v1) that KUnit prints, out of a kernel console log or dmesg.

Usage: ktap.py [--prefix NAME] [--results FILE] LOG

The log may hold any other kernel output around and between the test
lines, printk timestamps ("[    1.234567] ") or not, and "<6>" level
prefixes.  Every leaf test case (each parameter of a parameterised case
is a leaf) is appended to FILE as "PASS|FAIL|SKIP<TAB>prefix/suite/case[/param]",
the failed ones are printed with their diagnostic lines, then one line
"N passed, N failed, N skipped".  Exit status 1 on any failure, when no
test ran, or when the log is incomplete: a plan promising more results
than were printed, results out of sequence, a suite without its own
result line, a log that ends inside a suite.  Incomplete suites are
recorded as FAIL "prefix/suite/(incomplete)".
"""

import argparse
import os
import re
import sys

# A console line may carry a syslog level ("dmesg -r"), then a printk
# timestamp with maybe a caller id, and the one space after them.
LINE_PREFIX = re.compile(r'^(?:<\d+>)?(?:\[\s*\d+\.\d+\](?:\[\s*[CT]\d+\])? ?)?')
ANSI_ESCAPE = re.compile(r'\x1b(?:\[[0-9;?]*[A-Za-z]|[@-Z\\-_c])')

VERSION = re.compile(r'^(?P<indent> *)K?TAP version \d+$')
PLAN = re.compile(r'^(?P<indent> *)1\.\.(?P<count>\d+)$')
RESULT = re.compile(r'^(?P<indent> *)(?P<status>ok|not ok) (?P<num>\d+)'
                    r'(?: (?:- )?(?P<name>.*?))?'
                    r'(?:\s+#\s*(?P<directive>.*))?\s*$')
SUBTEST = re.compile(r'^(?P<indent> *)# Subtest: (?P<name>.+?)\s*$')
COMMENT = re.compile(r'^(?P<indent> *)#(?: (?P<text>.*))?$')
STATS = re.compile(r'^(?:\S+: |Totals: )?pass:\d+ fail:\d+ skip:\d+ total:\d+$')

MAX_DIAG_LINES = 60
PRELUDE_LINES = 10
INCOMPLETE = '(incomplete)'


class Group:
    """A test with subtests: a suite, a parameterised case, or the log's top level."""

    def __init__(self, indent, lineno, name=None, plan=None):
        self.indent = indent
        self.lineno = lineno
        self.name = name
        self.plan = plan
        self.results = []
        self.unclosed = False   # never got its own result line
        self.explicit = False   # a top level with its own "KTAP version" line
        self.trailing = []      # output after its last result, if unclosed


class Result:
    """One "ok"/"not ok" line, with the diagnostics printed before it."""

    def __init__(self, status, num, name, directive, lineno):
        self.status = status    # 'ok', 'not ok', or None for a lost result
        self.num = num
        self.name = name
        self.directive = directive or ''
        self.lineno = lineno
        self.diag = []
        self.group = None

    @property
    def skipped(self):
        return self.directive.upper().startswith('SKIP')


def clean_line(raw):
    """Strip what the console or dmesg adds around a printk message."""
    line = ANSI_ESCAPE.sub('', raw.rstrip('\r\n')).replace('\r', '')
    return LINE_PREFIX.sub('', line, count=1).rstrip()


class Parser:
    """Builds the tree of groups and results from the lines of a log."""

    def __init__(self):
        self.runs = []
        self.root = None
        self.stack = []
        self.pending = []
        self.new_run(0)

    def new_run(self, lineno):
        self.finish_run()
        self.root = Group(0, lineno)
        self.stack = [self.root]
        self.pending = []

    def in_run(self):
        return len(self.stack) > 1 or self.root.explicit or bool(self.root.results)

    def finish_run(self):
        if self.root is None:
            return
        while len(self.stack) > 1:
            self.drop_unclosed()
        if self.root.results or self.root.explicit:
            self.runs.append(self.root)

    def drop_unclosed(self):
        """Pop the innermost group, which never got a result line."""
        group = self.stack.pop()
        group.unclosed = True
        group.trailing, self.pending = self.pending, []
        lost = Result(None, None, group.name or '(unnamed)', '', group.lineno)
        lost.group = group
        self.stack[-1].results.append(lost)

    def pop_to(self, indent):
        """Close every group indented deeper than indent, as unclosed."""
        while len(self.stack) > 1 and self.stack[-1].indent > indent:
            self.drop_unclosed()

    def add_diag(self, line):
        """Keep a line for the next result; before any test, only the last few."""
        self.pending.append(line)
        if not self.in_run():
            del self.pending[:-PRELUDE_LINES]

    def open_group(self, group):
        self.stack.append(group)
        self.pending = []

    def feed(self, lineno, line):
        for pattern, handler in ((VERSION, self.on_version), (PLAN, self.on_plan),
                                 (RESULT, self.on_result), (SUBTEST, self.on_subtest),
                                 (COMMENT, self.on_comment)):
            m = pattern.match(line)
            if m:
                handler(lineno, len(m.group('indent')), m, line)
                return
        self.add_diag(line)

    def on_version(self, lineno, indent, m, line):
        if indent == 0:
            if self.in_run():
                self.new_run(lineno)
            self.root.explicit = True
            self.root.lineno = lineno
            return
        self.pop_to(indent - 1)
        self.open_group(Group(indent, lineno))

    def on_subtest(self, lineno, indent, m, line):
        top = self.stack[-1]
        if (len(self.stack) > 1 and top.indent == indent and top.name is None
                and not top.results):
            top.name = m.group('name')
            return
        self.pop_to(indent - 1)
        self.open_group(Group(indent, lineno, name=m.group('name')))

    def on_plan(self, lineno, indent, m, line):
        count = int(m.group('count'))
        top = self.stack[-1]
        if indent > top.indent:
            self.open_group(Group(indent, lineno, plan=count))
            return
        self.pop_to(indent)
        top = self.stack[-1]
        if top.indent == indent and top.plan is None and not top.results:
            top.plan = count
        else:
            self.add_diag(line)

    def on_result(self, lineno, indent, m, line):
        result = Result(m.group('status'), int(m.group('num')),
                        (m.group('name') or '').strip(), m.group('directive'), lineno)
        result.diag, self.pending = self.pending, []
        # The nearest deeper group is this result's subtest; any group
        # deeper still lost its own result line.
        while len(self.stack) > 2 and self.stack[-2].indent > indent:
            self.drop_unclosed()
        if len(self.stack) > 1 and self.stack[-1].indent > indent:
            result.group = self.stack.pop()
            if result.group.name and not result.name:
                result.name = result.group.name
        if self.stack[-1].indent < indent:
            self.open_group(Group(indent, lineno))
        self.stack[-1].results.append(result)

    def on_comment(self, lineno, indent, m, line):
        text = m.group('text') or ''
        if STATS.match(text):
            return
        top = self.stack[-1]
        # Attributes KUnit prints in a suite's header ("# module: x").
        if (len(self.stack) > 1 and top.indent == indent and top.plan is None
                and not top.results and re.match(r'^[\w.-]+: \S', text)):
            return
        self.add_diag(line)

    def finish(self):
        self.finish_run()
        return self.runs


def parse_lines(lines):
    """Parse an iterable of raw log lines; return the list of top-level runs."""
    parser = Parser()
    for lineno, raw in enumerate(lines, 1):
        parser.feed(lineno, clean_line(raw))
    return parser.finish()


def group_problem(group, implicit_root):
    """Why a group's output is incomplete, or None."""
    if group.unclosed:
        got = len([r for r in group.results if r.status])
        want = f' of {group.plan}' if group.plan is not None else ''
        return f'no result line: the log ends or moves on after {got}{want} results'
    if group.plan is not None and len(group.results) != group.plan:
        return f'plan 1..{group.plan} but {len(group.results)} results'
    expect = 1
    for r in group.results:
        if r.num is None:
            continue
        if implicit_root and r.num == 1:
            expect = 1      # another __kunit_test_suites_init() call
        if r.num != expect:
            return f'result {r.num} where {expect} was expected (lines lost?)'
        expect += 1
    return None


def collect(group, path, out, implicit_root=False):
    """Append (status, path, diag) for each leaf under group to out."""
    for r in group.results:
        here = path + [r.name or f'#{r.num}']
        sub = r.group
        if sub is not None and (sub.results or sub.unclosed):
            before = sum(1 for o in out if o[0] == 'FAIL')
            collect(sub, here, out)
            after = sum(1 for o in out if o[0] == 'FAIL')
            if r.status == 'not ok' and not r.skipped and after == before:
                out.append(('FAIL', here, r.diag))
        elif r.skipped:
            out.append(('SKIP', here, r.diag))
        elif r.status == 'ok':
            out.append(('PASS', here, r.diag))
        else:
            out.append(('FAIL', here, r.diag))
    problem = group_problem(group, implicit_root)
    if problem:
        out.append(('FAIL', path + [INCOMPLETE], [problem] + group.trailing))


def leaves(runs):
    out = []
    for run in runs:
        collect(run, [], out, implicit_root=not run.explicit)
    return out


def trim(diag):
    lines = list(diag)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) > MAX_DIAG_LINES:
        # The start of an oops and KUnit's own last words matter most.
        half = MAX_DIAG_LINES // 2
        lines = lines[:half] + [f'... ({len(lines) - 2 * half} lines left out)'] + lines[-half:]
    return lines


def report(items, prefix, out):
    """Print failures and the summary; return (passed, failed, skipped)."""
    counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
    for status, path, diag in items:
        counts[status] += 1
        if status == 'FAIL':
            print(f'FAIL {"/".join([prefix] + path) if prefix else "/".join(path)}', file=out)
            for line in trim(diag):
                print(f'  {line}' if line else '', file=out)
    return counts['PASS'], counts['FAIL'], counts['SKIP']


def write_results(path, items, prefix):
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, 'a', encoding='utf-8') as f:
        for status, names, _ in items:
            f.write(f'{status}\t{"/".join(([prefix] if prefix else []) + names)}\n')


def read_log(path):
    if path == '-':
        data = sys.stdin.buffer.read()
    else:
        with open(path, 'rb') as f:
            data = f.read()
    return data.decode('utf-8', errors='replace').split('\n')


def main(argv=None):
    ap = argparse.ArgumentParser(description='Parse KUnit KTAP out of a kernel log.')
    ap.add_argument('--prefix', default='', help='first component of each test name')
    ap.add_argument('--results', help='append PASS/FAIL/SKIP<TAB>name lines to this file')
    ap.add_argument('log', help="console log or dmesg ('-': stdin)")
    args = ap.parse_args(argv)

    try:
        lines = read_log(args.log)
    except OSError as e:
        print(f'ktap.py: {e}', file=sys.stderr)
        return 2
    items = leaves(parse_lines(lines))
    prefix = args.prefix.strip('/')
    if args.results:
        write_results(args.results, items, prefix)
    passed, failed, skipped = report(items, prefix, sys.stdout)
    if passed + failed == 0:
        print(f'ktap.py: no test ran in {args.log}', file=sys.stdout)
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main())
