"""Reports of `adm run` read by their consumers: JUnit XML by junitparser (what CI systems use),
TAP and JSON by their shapes. A failing script shows up as a failing test case."""
import json
import os
import subprocess
import tempfile

from junitparser import Failure, JUnitXml

from conftest import ADM, ROOT


def test_junit_tap_and_json_reports():
    d = tempfile.mkdtemp()
    bad = os.path.join(d, 'bad.adm')
    open(bad, 'w').write('use key mgmt-read\ncreate-sa name=x\nexpect status 200\nprojects\nexpect count 1\n')
    env = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=d)
    r = subprocess.run([ADM, '--sandbox', 'run', '--keep-going', '--report', f'junit={d}/r.xml', '--report', f'json={d}/r.json',
                        '--report', 'tap', os.path.join(ROOT, 'Scripts/examples/missing-scope.adm'), bad],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 1
    xml = JUnitXml.fromfile(f'{d}/r.xml')
    suites = list(xml)
    assert [s.name for s in suites] == [os.path.join(ROOT, 'Scripts/examples/missing-scope.adm'), bad]
    assert suites[0].tests == 7 and suites[0].failures == 0
    cases = list(suites[1])
    failed = [c for c in cases if c.result and isinstance(c.result[0], Failure)]
    assert len(failed) == 1
    assert 'expect status 200: got 401' in failed[0].result[0].message
    assert [c.name for c in cases] == ['line 3: expect status 200', 'line 5: expect count 1']
    report = json.load(open(f'{d}/r.json'))
    assert [run['exit_status'] for run in report['runs']] == [0, 1]
    assert r.stdout.count('\nok ') + r.stdout.count('\nnot ok ') == 9
    assert '\nnot ok 8 - ' in r.stdout
    assert oct(os.stat(f'{d}/r.xml').st_mode & 0o777) == '0o600'
