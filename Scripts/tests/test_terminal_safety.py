"""A project whose name carries escape sequences (colour, clear screen, an OSC 52 clipboard
write, a one-byte CSI, a carriage return, a right-to-left override), seen through the shell on
a real pseudo-terminal: nothing of it drives the terminal; it shows escaped."""
import json
import os
import re
import subprocess

import httpx2
import pexpect

from conftest import ADM, Sandbox
from test_repl import PROMPT, settle, spawn

EVIL = 'evil\x1b[31mRED\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\x9b1m\u202edcba\rX'
# What must not reach the screen from adm's output: C0 but newline (and the \r of the pty's
# \r\n), DEL, C1, bidirectional overrides and isolates.
DRIVES = re.compile('[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)')


def test_an_evil_project_name_never_drives_the_terminal():
    sandbox = Sandbox()
    try:
        r = httpx2.post(sandbox.url + '/organization/projects', json={'name': EVIL},
                        headers={'Authorization': 'Bearer ' + sandbox.keys['owner']})
        r.raise_for_status()
        pid = r.json()['id']
        child = spawn('--base-url', sandbox.url, '--keys-file', sandbox.keys_file, '--key', 'owner')
        child.expect(PROMPT)
        for line in ('projects', f'project show {pid}', f'let p = project show {pid} --quiet', 'print $p.name',
                     'audit --limit 3', 'call GET /organization/projects/${p.name}', 'repro',
                     f'call GET /organization/projects/{pid} --raw'):
            settle(child)
            child.sendline(line)
            child.expect(PROMPT)
            screen = child.before
            _, _, output = screen.partition('\n')
            assert not DRIVES.search(output), f'{line}: {output!r}'
            if line.endswith('--raw'):
                # On a terminal even --raw is cleaned: the body's U+202E shows as \u202e.
                assert r'\u009b1m\u202edcba' in output, output
            elif not line.startswith('let '):
                # Shown, escaped: the table, the fields, print, the audit row, the failing
                # call's explanation (it quotes the id it was given), the reproduction.
                assert r'evil\e[31mRED\e]52;c;' in output, f'{line}: {output!r}'
        settle(child)
        child.sendeof()
        child.expect(pexpect.EOF)
        # --raw is byte for byte only where no terminal reads it: into a pipe, the body as the
        # API sent it (JSON escapes ESC and BEL; U+202E and U+009B travel as they are).
        env = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=sandbox.dir)
        env.pop('OPENAI_ADMIN_KEY', None)
        piped = subprocess.run([ADM, '--base-url', sandbox.url, '--keys-file', sandbox.keys_file, '--key', 'owner',
                                '-e', f'call GET /organization/projects/{pid} --raw'], capture_output=True, env=env, timeout=60)
        assert piped.returncode == 0
        body = json.loads(piped.stdout)
        assert body['name'] == EVIL
        assert '\u202e'.encode() in piped.stdout and '\x9b'.encode() in piped.stdout
    finally:
        sandbox.stop()
