"""Shared fixtures: the built adm binary and a sandbox it serves (adm sandbox, real HTTP)."""
import os
import re
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
# The debug build, or the binary ADM_BINARY names (Scripts/test also runs the release build).
ADM = os.environ.get('ADM_BINARY') or os.path.join(ROOT, '.build', 'debug', 'adm')
SPEC = os.path.join(ROOT, 'reference', 'openai-admin-openapi.yaml')


class Sandbox:
    """`adm sandbox --port 0` in the background: its base URL and fixture keys. The sandbox is
    faithful by default (the live API's 8 requests a minute per endpoint); the checks here test
    other things, so they turn the limit off unless they pass --rate-limit themselves."""

    def __init__(self, *args):
        if '--rate-limit' not in args:
            args = ('--rate-limit', 'off', *args)
        self.dir = tempfile.mkdtemp(prefix='adm-py-')
        self.keys_file = os.path.join(self.dir, 'keys')
        env = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=self.dir)
        self.proc = subprocess.Popen([ADM, 'sandbox', '--port', '0', '--keys-file', self.keys_file, *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.time() + 30
        self.url = None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.match(r'adm sandbox listening on (\S+)', line)
            if m:
                self.url = m.group(1)
            if line.startswith('connect:'):
                break
        assert self.url, 'adm sandbox did not start'
        self.keys = dict(l.split('=', 1) for l in open(self.keys_file).read().splitlines() if l and not l.startswith('#'))
        self.control = self.url[:-3] + '/_sandbox'

    def seed_org(self, seed):
        """`sandbox seed org`: the organization and its fixture keys come from the seed, so the
        keys change; the keys file is rewritten and this object follows."""
        import httpx2
        r = httpx2.post(self.control + '/seed', json={'kind': 'org', 'seed': seed})
        r.raise_for_status()
        self.keys = dict(r.json()['fixture_keys'])
        assert self.keys == dict(l.split('=', 1) for l in open(self.keys_file).read().splitlines() if l and not l.startswith('#'))
        return r.json()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def sandbox():
    s = Sandbox()
    yield s
    s.stop()


@pytest.fixture(scope='session')
def adm():
    assert os.path.exists(ADM), 'build adm first (swift build)'
    return ADM
