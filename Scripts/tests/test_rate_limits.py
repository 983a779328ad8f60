"""Bulk work under the sandbox's rate limit, as a person sees it: the progress line on a
terminal (and nothing of it in a pipe), Ctrl-C keeping what finished in $_ with $_.remaining,
and a second process starting at the pace the first one learned."""
import os
import subprocess
import tempfile
import time

import httpx2
import pexpect

from conftest import ADM, Sandbox
from test_repl import PROMPT, settle, spawn, wait_for


def seeded(rule, projects):
    sandbox = Sandbox('--rate-limit', rule)
    httpx2.post(sandbox.control + '/seed', json={'kind': 'projects', 'count': projects}).raise_for_status()
    return sandbox


def info(sandbox):
    return httpx2.get(sandbox.control + '/info').json()


def test_a_fan_out_shows_its_progress_on_a_terminal_and_ctrl_c_keeps_what_finished():
    # 13 listings at one a second after a burst of 2: long enough to watch and to interrupt.
    sandbox = seeded('60/min,burst=2', 12)
    try:
        child = spawn('--base-url', sandbox.url, '--keys-file', sandbox.keys_file)
        child.expect(PROMPT)
        child.sendline('let ids = projects --all | .data[].id')
        child.expect(PROMPT)
        child.sendline('keys --project $ids --quiet')
        # The progress line, redrawn in place on standard error: done/total.
        child.expect(r'\r\x1b\[KGET /organization/projects/\{project_id\}/api_keys  ([3-9]|1[0-2])/13', timeout=60)
        child.sendintr()
        child.expect('cancelled', timeout=30)
        child.expect(PROMPT)
        child.sendline('let done = $_.results; let left = $_.remaining; print $left')
        child.expect(r'proj_\w{24}')
        child.expect(PROMPT)
        # What finished plus what remains is the whole input, each once.
        child.sendline('keys --project $left --quiet; expect .results[0].status == 200')
        child.expect(r'✓ expect \.results\[0\]\.status == 200', timeout=90)
        child.expect(PROMPT)
        settle(child)
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        sandbox.stop()


def test_in_a_pipe_long_work_prints_its_estimate_and_no_progress_line():
    sandbox = seeded('60/min,burst=2', 12)
    try:
        state = tempfile.mkdtemp(prefix='adm-state-')
        env = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=state)
        env.pop('OPENAI_ADMIN_KEY', None)
        r = subprocess.run([ADM, '--base-url', sandbox.url, '--keys-file', sandbox.keys_file, '-e',
                            'let ids = projects --all | .data[].id; keys --project $ids --quiet; expect .results[12].status == 200'],
                           capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        assert '\r' not in r.stderr and '\x1b' not in r.stderr, repr(r.stderr)
        assert '/13' not in r.stderr
        # Learned mid-job (first contact): the estimate comes once the pace is known.
        assert 'more calls to GET /organization/projects/{project_id}/api_keys at ~' in r.stderr, r.stderr
        assert info(sandbox)['requests']['rate_limited'] >= 1
    finally:
        sandbox.stop()


def test_a_second_process_starts_at_the_pace_the_first_one_learned():
    # One token every 10 s after a burst of 2. The first process drains the bucket and learns
    # the pace; the second, started at once, must wait for the next token rather than be refused.
    sandbox = Sandbox('--rate-limit', '6/min,burst=2')
    try:
        state = tempfile.mkdtemp(prefix='adm-state-')
        env = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=state)
        env.pop('OPENAI_ADMIN_KEY', None)
        base = [ADM, '--base-url', sandbox.url, '--keys-file', sandbox.keys_file, '-e']
        first = subprocess.run(base + ['users --quiet; users --quiet; users --quiet'], capture_output=True, text=True, env=env, timeout=120)
        assert first.returncode == 0, first.stderr
        refused_by_first = info(sandbox)['requests']['rate_limited']
        assert refused_by_first >= 1
        saved = os.listdir(os.path.join(state, 'adm', 'rate-limits'))
        assert len(saved) == 1 and oct(os.stat(os.path.join(state, 'adm', 'rate-limits', saved[0])).st_mode & 0o777) == '0o600'
        assert sandbox.keys['owner'][-20:] not in open(os.path.join(state, 'adm', 'rate-limits', saved[0])).read()
        second = subprocess.run(base + ['users --quiet'], capture_output=True, text=True, env=env, timeout=120)
        assert second.returncode == 0, second.stderr
        assert info(sandbox)['requests']['rate_limited'] == refused_by_first, 'the second process was refused: it did not start paced'
    finally:
        sandbox.stop()
