"""Round trips as properties: everything adm hands a user to run later runs as printed.

Over generated sessions (random choices of statements from the scenarios' pool, a fixed seed
printed with every failure) against one `adm sandbox`:

- repro -> run: every failing call's reproduction, run in a fresh process, gives the same
  status, error code and message;
- export curl / HTTPie -> run: the same status and error body;
- save -> run: the saved script runs with the same exit status and the same statuses;
- record -> replay: the same output; a changed key, body or parameter fails clearly;
- snapshot -> change -> diff: the diff names exactly the change;
- a job stopped by SIGINT, SIGTERM or SIGKILL at a random step -> rerun: the organization as if
  it had never been stopped, nothing done twice, no secret lost (rotate --save).

The counts of sessions and checks are printed by each test (pytest -s shows them)."""
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import ADM, Sandbox

SEED = int(os.environ.get('ADM_ROUND_TRIP_SEED', '20261205'))
SESSIONS = int(os.environ.get('ADM_ROUND_TRIP_SESSIONS', '6'))
COUNTS = {'sessions': 0, 'repro': 0, 'curl': 0, 'httpie': 0, 'save': 0, 'replay': 0, 'replay refused': 0, 'diff': 0, 'jobs': 0}

# Statements that succeed, and groups that fail in a known way (key, statements, status). A
# failing group is followed by `expect`, `repro` and `export curl 1`.
SUCCEEDING = [
    'projects --quiet', 'users --limit 2 --quiet', 'keys --quiet', 'sa --quiet', 'rate-limits --quiet',
    'project create rt-{n} --quiet', 'create-sa name=rt-{n} --quiet',
]
FAILING = [
    ('mgmt-read', 'create-sa name=rt-{n}', 401),
    ('usage', 'projects', 401),
    ('project-key', 'users', 401),
    ('reader', 'project create rt-{n}', 401),
    ('owner', 'call GET /organization/projects/proj_doesnotexist0000000000000', 404),
    ('owner', 'call GET /organization/users limit=1000', 400),
]


def env(sandbox, **extra):
    e = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=sandbox.dir, XDG_CONFIG_HOME=sandbox.dir, PATH=os.path.dirname(ADM) + ':' + os.environ['PATH'])
    e.pop('OPENAI_ADMIN_KEY', None)
    e.update(extra)
    return e


def adm(sandbox, *args, **kw):
    return subprocess.run([ADM, '--base-url', sandbox.url, '--keys-file', sandbox.keys_file, *args],
                          capture_output=True, text=True, env=env(sandbox), timeout=120, **kw)


def document(text):
    """The JSON document a statement printed after others' lines (`using project …`)."""
    return json.loads(text[text.index('{'):])


def session(rng, n0):
    """A generated session: its script and, for each failing group, (key, status)."""
    lines, failures = ['use key owner', 'let p = projects | .data[0].id', 'use project $p'], []
    for i in range(rng.randint(4, 8)):
        n = n0 * 100 + i
        if rng.random() < 0.5:
            lines.append(rng.choice(SUCCEEDING).format(n=n))
        else:
            key, statement, status = rng.choice(FAILING)
            lines += [f'use key {key}', statement.format(n=n), f'expect status {status}', 'repro', 'export curl 1', 'use key owner']
            failures.append((key, status))
    # A last request the replay checks are made against (same request, another key; another
    # parameter; another body).
    lines += ['use key owner', 'projects --limit 2 --quiet']
    return lines, failures


def errors(text):
    """The error lines adm printed for refused calls: `→ 401 invalid_request_error` and the message."""
    out = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r'.*error: (GET|POST|DELETE) \S+ → (\d{3}.*)$', line)
        if m:
            out.append((m.group(2), lines[i + 1].strip() if i + 1 < len(lines) else ''))
    return out


@pytest.fixture(scope='module')
def sandbox():
    s = Sandbox()
    yield s
    s.stop()


def test_generated_sessions_round_trip(sandbox):
    rng = random.Random(SEED)
    where = f'(seed {SEED}; ADM_ROUND_TRIP_SEED={SEED} reproduces it)'
    for n in range(SESSIONS):
        lines, failures = session(rng, n)
        work = tempfile.mkdtemp(prefix='adm-rt-')
        script = os.path.join(work, 'session.adm')
        saved = os.path.join(work, 'saved.adm')
        cassette = os.path.join(work, 'c.jsonl')
        open(script, 'w').write('\n'.join(lines + [f'save {saved}']) + '\n')
        first = adm(sandbox, '--record', cassette, 'run', script)
        assert first.returncode == 0, f'{where} session {n}:\n{open(script).read()}\n{first.stderr}'
        COUNTS['sessions'] += 1
        originals = errors(first.stderr)
        assert len(originals) == len(failures), f'{where} {first.stderr}'

        # repro -> run: the `adm …` line of each reproduction, in a fresh process.
        repro_lines = [l for l in first.stdout.splitlines() if l.startswith('adm ')]
        assert len(repro_lines) == len(failures), f'{where} {first.stdout}'
        for line, original in zip(repro_lines, originals):
            again = subprocess.run(line, shell=True, capture_output=True, text=True, env=env(sandbox), timeout=60, cwd=work)
            assert errors(again.stderr) == [original], f'{where} repro {line!r}:\n{again.stderr}'
            COUNTS['repro'] += 1

        # export curl -> run: the same status and error message.
        curls = [l for l in first.stdout.splitlines() if l.startswith('curl ')]
        assert len(curls) == len(failures)
        for line, (key, status), original in zip(curls, failures, originals):
            run = subprocess.run(line + " -o body.json -w '%{http_code}'", shell=True, capture_output=True, text=True, cwd=work,
                                 env=env(sandbox, OPENAI_ADMIN_KEY=sandbox.keys[key]), timeout=60)
            assert run.stdout == str(status), f'{where} {line}: {run.stdout} {run.stderr}'
            body = json.load(open(os.path.join(work, 'body.json')))
            assert original[1].startswith(body['error']['message'][:60]), f'{where} {body} vs {original}'
            COUNTS['curl'] += 1
            if shutil.which('http') or os.path.exists(os.path.join(os.path.dirname(os.sys.executable), 'http')):
                http = shutil.which('http') or os.path.join(os.path.dirname(os.sys.executable), 'http')
                call = line.replace('curl -sS -X ', '').split(' -H ')[0].split(' ', 1)
                h = subprocess.run([http, '--check-status', '--ignore-stdin', '--print=b', call[0], call[1].strip("'"),
                                    f'Authorization:Bearer {sandbox.keys[key]}'], capture_output=True, text=True, timeout=60)
                assert h.returncode == {4: 4, 5: 5}.get(status // 100, 0), f'{where} httpie {h.returncode}'
                assert json.loads(h.stdout)['error']['message'] == body['error']['message']
                COUNTS['httpie'] += 1

        # save -> run: the saved script, run as its header says, gives the same exit and statuses.
        header = open(saved).readline()
        assert 'run it with: adm ' in header and '--keys-file' in header, header
        rerun = adm(sandbox, 'run', saved)
        assert rerun.returncode == 0, f'{where} saved script:\n{open(saved).read()}\n{rerun.stderr}'
        assert [e[0].split()[0] for e in errors(rerun.stderr)] == [e[0].split()[0] for e in originals]
        COUNTS['save'] += 1

        # record -> replay: the same output, with no network.
        replay = subprocess.run([ADM, '--replay', cassette, '--keys-file', sandbox.keys_file, 'run', script],
                                capture_output=True, text=True, env=env(sandbox), timeout=60)
        assert replay.returncode == 0, f'{where} replay:\n{replay.stderr}'
        assert errors(replay.stderr) == originals
        COUNTS['replay'] += 1
        # ... and a changed key, body or parameter is not answered from it.
        last = 'use key owner\nprojects --limit 2 --quiet\n'
        for replacement in ('use key mgmt-write\nprojects --limit 2 --quiet\n', 'use key owner\nprojects --limit 3 --quiet\n',
                            'use key owner\nproject create never-recorded --quiet\n'):
            text = open(script).read()
            assert last in text
            changed = text.replace(last, replacement)
            path = os.path.join(work, 'changed.adm')
            open(path, 'w').write(changed)
            r = subprocess.run([ADM, '--replay', cassette, '--keys-file', sandbox.keys_file, 'run', path],
                               capture_output=True, text=True, env=env(sandbox), timeout=60)
            assert r.returncode == 3 and 'the cassette holds no response for' in r.stderr, f'{where} {r.stderr}'
            COUNTS['replay refused'] += 1
    print(f"\nround trips, seed {SEED}: " + ', '.join(f'{v} {k}' for k, v in COUNTS.items() if v))
    assert COUNTS['sessions'] == SESSIONS and COUNTS['repro'] > 0 and COUNTS['replay'] == SESSIONS


def test_snapshot_change_diff_names_exactly_the_change(sandbox):
    rng = random.Random(SEED + 1)
    work = tempfile.mkdtemp(prefix='adm-rt-')
    for n in range(3):
        before = os.path.join(work, f'before-{n}.json')
        assert adm(sandbox, '-e', f'snapshot {before} --quiet').returncode == 0
        name = f'renamed-{n}-{rng.randint(0, 999)}'
        change, path = rng.choice([
            (f'project rename {name}', f'projects[{name}].name'),
            (f'project create {name} --quiet', f'projects[{name}]'),
            (f'create-sa name={name} --quiet', f'service_accounts[{name}]'),
        ])
        r = adm(sandbox, '-e', f'let p = projects | .data[0].id; use project $p; {change}')
        assert r.returncode == 0, r.stderr
        d = adm(sandbox, '-e', f'diff {before} --json')
        assert d.returncode == 1, d.stderr
        changes = json.loads(d.stdout)['changes']
        assert len(changes) == 1 and path.split('[')[0] in changes[0]['path'] and name in json.dumps(changes[0]), f'{change}: {changes}'
        COUNTS['diff'] += 1


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_rotation_stopped_at_a_random_step_finishes_on_its_rerun_with_its_secret_saved(sig):
    rng = random.Random(SEED + sig)
    # Each request takes a while: a stop lands between steps or in one, at a random moment.
    s = Sandbox('--faults', 'latency=150')
    try:
        work = tempfile.mkdtemp(prefix='adm-rt-')
        made = adm(s, '-e', 'let p = projects | .data[0].id; use project $p; create-sa name=etl --quiet; sa role $_.id owner --quiet')
        assert made.returncode == 0, made.stderr
        save = os.path.join(work, 'new.keys')
        argv = [ADM, '--base-url', s.url, '--keys-file', s.keys_file, '-e',
                f'let p = projects | .data[0].id; use project $p; rotate etl --retire-old --save {save} --yes']
        job = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(s), text=True)
        time.sleep(rng.uniform(0.2, 1.2))
        job.send_signal(sig)
        job.communicate(timeout=60)
        again = subprocess.run(argv, capture_output=True, text=True, env=env(s), timeout=120)
        assert again.returncode == 0, f'seed {SEED}, {sig!r}:\n{again.stdout}\n{again.stderr}'
        accounts = document(adm(s, '-e', 'let p = projects | .data[0].id; use project $p; sa --limit 100 --json').stdout)['data']
        names = [a['name'] for a in accounts]
        assert 'etl' not in names, names
        rotated = [a for a in accounts if a['name'].startswith('etl-')]
        assert len(rotated) == 1, f'one new account, nothing done twice: {names}'
        assert rotated[0]['role'] == 'owner'
        # The new account's key is in the file: no secret lost.
        keys = dict(l.split('=', 1) for l in open(save).read().splitlines() if '=' in l and not l.startswith('#'))
        assert oct(os.stat(save).st_mode & 0o777) == '0o600'
        listed = document(adm(s, '-e', 'let p = projects | .data[0].id; keys --project $p --limit 100 --json').stdout)['data']
        live = [k['redacted_value'] for k in listed if (k.get('owner') or {}).get('service_account', {}).get('id') == rotated[0]['id']]
        assert len(live) == 1 and any(v.endswith(live[0][-4:]) for v in keys.values()), f'{live} not among the saved {list(keys)}'
        COUNTS['jobs'] += 1
    finally:
        s.stop()
