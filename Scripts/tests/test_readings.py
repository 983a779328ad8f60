"""Readings reused across one-liners (`cache_file = on`), and the `cache` command: a second run
reads nothing the first one read, a write drops the shared readings, and the file holds no
secret and is 0600."""
import json
import os
import stat
import subprocess
import urllib.request

from conftest import ADM, Sandbox


def served(s):
    return json.load(urllib.request.urlopen(s.control + '/info'))['requests']['served']


def setup(s, cache_file='on'):
    config = os.path.join(s.dir, 'adm')
    os.makedirs(config, exist_ok=True)
    with open(os.path.join(config, 'config'), 'w') as f:
        f.write(f'[default]\nbase_url = {s.url}\ncache = 10m\ncache_file = {cache_file}\n')
    e = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=s.dir, XDG_CONFIG_HOME=s.dir, XDG_CACHE_HOME=s.dir + '/cache')
    e.pop('OPENAI_ADMIN_KEY', None)
    return e


def run(s, e, statements):
    r = subprocess.run([ADM, '--keys-file', s.keys_file, '-e', statements], capture_output=True, text=True, env=e, timeout=120)
    assert r.returncode == 0, r.stderr
    return r


def test_a_later_run_answers_from_the_shared_readings_and_a_write_drops_them():
    s = Sandbox()
    try:
        e = setup(s)
        run(s, e, 'inventory keys --quiet')
        before = served(s)
        again = run(s, e, 'inventory keys')
        assert served(s) == before, 'the second run read the organization again'
        assert 'from a reading' in again.stdout + again.stderr
        folder = os.path.join(s.dir, 'cache', 'adm', 'readings')
        files = os.listdir(folder)
        assert len(files) == 1 and files[0].startswith('default-'), files
        path = os.path.join(folder, files[0])
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        text = open(path).read()
        for value in s.keys.values():
            assert value not in text
        # A write from any run drops what was shared: the next run reads again.
        run(s, e, 'project create "cache test" --quiet')
        assert os.listdir(folder) == []
        before = served(s)
        run(s, e, 'inventory keys --quiet')
        assert served(s) > before
    finally:
        s.stop()


def test_without_cache_file_each_run_reads_for_itself():
    s = Sandbox()
    try:
        e = setup(s, cache_file='off')
        run(s, e, 'inventory keys --quiet')
        before = served(s)
        run(s, e, 'inventory keys --quiet')
        assert served(s) > before
        assert not os.path.exists(os.path.join(s.dir, 'cache', 'adm', 'readings'))
    finally:
        s.stop()


def test_the_cache_command_turns_readings_off_and_on_and_says_so():
    s = Sandbox()
    try:
        e = setup(s, cache_file='off')
        r = run(s, e, 'inventory keys --quiet; cache; cache off; inventory keys --quiet; cache 30m; cache')
        lines = [l for l in r.stdout.splitlines() if 'readings' in l]
        assert lines[0].startswith('readings answer again for 10m0s; ') and 'kept' in lines[0], lines
        assert lines[1] == 'readings are off: every job reads the organization afresh', lines
        assert lines[2].startswith('readings answer again for 30m0s; none kept'), lines
        bad = subprocess.run([ADM, '--keys-file', s.keys_file, '-e', 'cache 2y'], capture_output=True, text=True, env=e)
        assert bad.returncode == 2 and "cache: '2y'" in bad.stderr, bad.stderr
    finally:
        s.stop()


def test_a_bad_cache_setting_in_the_config_names_the_file_and_the_setting():
    s = Sandbox()
    try:
        e = setup(s)
        with open(os.path.join(s.dir, 'adm', 'config'), 'a') as f:
            f.write('cache_file = maybe\n')
        r = subprocess.run([ADM, '-e', 'print 1'], capture_output=True, text=True, env=e)
        assert r.returncode == 3 and "config: cache_file: 'maybe' is not on or off" in r.stderr, r.stderr
    finally:
        s.stop()


def test_verbose_shows_every_request_an_organization_wide_read_makes_and_no_key():
    s = Sandbox()
    try:
        e = setup(s, cache_file='off')
        before = served(s)
        r = subprocess.run([ADM, '--keys-file', s.keys_file, '-v', '-e', 'inventory keys --quiet'],
                           capture_output=True, text=True, env=e, timeout=120)
        assert r.returncode == 0, r.stderr
        made = served(s) - before
        requests = [l for l in r.stderr.splitlines() if l.startswith('→ GET ')]
        answers = [l for l in r.stderr.splitlines() if l.startswith('← 200 in ')]
        assert len(requests) == made and len(answers) == made, (made, r.stderr)
        assert any('/api_keys' in l for l in requests)
        for value in s.keys.values():
            assert value not in r.stderr
    finally:
        s.stop()
