#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# run_unittest.py --prefix NAME FILE.py...: run Python unittest files and
# record one line per test in $KEYROT_RESULTS (tests/lib/results.sh's
# format).  Exits non-zero if any test failed or errored, or none ran.

import argparse
import importlib.util
import os
import sys
import unittest


class Recorder(unittest.TextTestResult):
    prefix = "py"
    results = None

    def _record(self, status, test):
        name = f"{self.prefix}/{test.id().split('.', 1)[-1]}"
        if self.results:
            with open(self.results, "a", encoding="utf-8") as f:
                f.write(f"{status}\t{name}\n")

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record("PASS", test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record("FAIL", test)

    def addError(self, test, err):
        super().addError(test, err)
        self._record("FAIL", test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record("FAIL", subtest)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record("FAIL", test)


def load(path):
    name = os.path.splitext(os.path.basename(path))[0]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return unittest.defaultTestLoader.loadTestsFromModule(mod)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prefix", default="py")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    Recorder.prefix = args.prefix
    Recorder.results = os.environ.get("KEYROT_RESULTS")
    suite = unittest.TestSuite(load(f) for f in args.files)
    result = unittest.TextTestRunner(resultclass=Recorder,
                                     verbosity=1).run(suite)
    return 0 if result.wasSuccessful() and result.testsRun else 1


if __name__ == "__main__":
    sys.exit(main())
