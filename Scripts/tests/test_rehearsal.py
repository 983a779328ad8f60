"""Twins and rehearsals as an administrator meets them: one sandbox (`adm sandbox`, over HTTP)
plays the live organization (`sandbox seed org`), and adm, pointed at it, builds twins from its
snapshots and rehearses scripts on them. The live sandbox's counters prove what reached it: a
rehearsal applies no write (`writes_applied`) and logs no event (its audit log)."""
import json
import os
import subprocess
import tempfile
import urllib.request

from conftest import ADM, Sandbox

SECRET_SHAPES = ('sk-admin-', 'sk-proj-', 'sk-svcacct-')


def env(s):
    e = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=s.dir, XDG_CONFIG_HOME=s.dir)
    e.pop('OPENAI_ADMIN_KEY', None)
    return e


def adm(s, *args, key='owner', cwd=None):
    return subprocess.run([ADM, '--base-url', s.url, '--keys-file', s.keys_file, '--key', key, *args],
                          capture_output=True, text=True, env=env(s), timeout=300, cwd=cwd)


def info(s):
    return json.load(urllib.request.urlopen(s.control + '/info'))


def audit_count(s):
    r = adm(s, '-e', 'audit --all --json')
    assert r.returncode == 0, r.stderr
    return len(rows(r.stdout))


def live(seed=7, *args):
    s = Sandbox(*args)
    s.seed_org(seed)
    return s


def rows(text):
    """The items of a listing printed with --json: NDJSON with --all, else one document."""
    if '{' not in text:
        return []
    text = text[text.index('{'):]
    if text.startswith('{\n'):
        return json.loads(text)['data']
    return [json.loads(line) for line in text.splitlines() if line.startswith('{')]


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


def project_with_keys(s):
    """A project (name, id) that has a user key, and that key's name and redacted value."""
    for p in rows(adm(s, '-e', 'projects --all --json').stdout):
        keys = rows(adm(s, '-e', f'call GET /organization/projects/{p["id"]}/api_keys --json').stdout)
        users = [k for k in keys if k['owner']['type'] == 'user']
        if p['status'] == 'active' and p['name'] != 'Default project' and users:
            return p, users[0]
    raise AssertionError('no active project with a user key')


CLEANUP = '''use project {pid}
call DELETE /organization/projects/{pid}/api_keys/{kid}
create-sa name=nightly-report
project archive --yes
'''


def test_a_twin_built_from_a_snapshot_diffs_clean_against_it_and_lists_no_stand_in():
    s = live()
    try:
        work = tempfile.mkdtemp()
        assert adm(s, '-e', 'snapshot org.json', cwd=work).returncode == 0
        twin = subprocess.run([ADM, '--twin', 'org.json', '--rate-limit', 'off', '-e', 'diff org.json; keys --all --json'],
                              capture_output=True, text=True, env=env(s), cwd=work, timeout=120)
        assert twin.returncode == 0, twin.stderr
        assert 'no difference from org.json to the organization now' in twin.stdout
        live_keys = {k['id'] for k in rows(adm(s, '-e', 'keys --all --json').stdout)}
        twin_keys = {k['id'] for k in rows(twin.stdout[twin.stdout.index('{'):])}
        assert twin_keys == live_keys  # the same admin keys, no stand-in among them
    finally:
        s.stop()


def test_a_rehearsal_names_every_write_and_its_outcome_and_the_live_organization_is_unchanged():
    s = live()
    try:
        work = tempfile.mkdtemp()
        project, key = project_with_keys(s)
        write(work, 'cleanup.adm', CLEANUP.format(pid=project['id'], kid=key['id']))
        before, events = info(s)['requests']['writes_applied'], audit_count(s)
        assert adm(s, '-e', 'snapshot before.json', cwd=work).returncode == 0
        r = adm(s, 'rehearse', 'cleanup.adm', cwd=work)
        assert r.returncode == 0, r.stdout + r.stderr
        name = project['name']
        assert f"done     Delete project API key {key['name']} ({key['redacted_value']}) in {name}" in r.stdout, r.stdout
        assert f'done     Create project service account nightly-report in {name}' in r.stdout
        assert f'done     Archive project {name}' in r.stdout
        assert f'changed  projects[{name}].status' in r.stdout and 'active → archived' in r.stdout
        assert r.stdout.rstrip().endswith('rehearsed: 3 writes, 3 would succeed; no change was sent to the organization'), r.stdout
        assert info(s)['requests']['writes_applied'] == before
        assert audit_count(s) == events
        assert adm(s, '-e', 'diff before.json', cwd=work).returncode == 0
        assert not any(f.startswith('adm-rehearsal-') for f in os.listdir(tempfile.gettempdir()) if f.endswith(str(os.getpid())))
    finally:
        s.stop()


def test_apply_after_the_rehearsal_changes_the_organization_exactly_as_rehearsed():
    s = live()
    try:
        work = tempfile.mkdtemp()
        project, key = project_with_keys(s)
        write(work, 'cleanup.adm', CLEANUP.format(pid=project['id'], kid=key['id']))
        before = info(s)['requests']['writes_applied']
        r = adm(s, 'rehearse', 'cleanup.adm', '--apply', '--yes', '--json', cwd=work)
        assert r.returncode == 0, r.stdout + r.stderr
        plan = json.loads(r.stdout[r.stdout.index('{\n'):])
        assert plan['applied']['as_rehearsed'] is True and plan['applied']['differences'] == []
        assert {c['path'] for c in plan['applied']['changes']} == {c['path'] for c in plan['changes']}
        assert info(s)['requests']['writes_applied'] == before + 3
        p = json.loads(adm(s, '-e', f'project show {project["id"]} --json').stdout)
        assert p['status'] == 'archived'
    finally:
        s.stop()


def test_under_a_read_only_key_the_rehearsal_refuses_the_writes_and_says_why():
    s = live()
    try:
        work = tempfile.mkdtemp()
        project, key = project_with_keys(s)
        write(work, 'cleanup.adm', CLEANUP.format(pid=project['id'], kid=key['id']))
        before = info(s)['requests']['writes_applied']
        r = adm(s, 'rehearse', 'cleanup.adm', key='reader', cwd=work)
        assert r.returncode == 1, r.stdout + r.stderr
        assert 'key reader stands in with the permissions it showed: restricted:management=read' in r.stdout
        assert f"refused  Delete project API key {key['name']} ({key['redacted_value']}) in {project['name']} — missing api.management.write" in r.stdout
        assert '1 refused (missing api.management.write)' in r.stdout
        assert info(s)['requests']['writes_applied'] == before
    finally:
        s.stop()


def test_a_script_whose_expectation_fails_in_the_twin_exits_1_before_anything_is_applied():
    s = live()
    try:
        work = tempfile.mkdtemp()
        write(work, 'check.adm', 'projects --limit 1\nexpect .data[0].name == "No such project"\ncreate-sa name=never\n')
        before, events = info(s)['requests']['writes_applied'], audit_count(s)
        r = adm(s, 'rehearse', 'check.adm', '--apply', '--yes', cwd=work)
        assert r.returncode == 1, r.stdout + r.stderr
        assert 'would fail: check.adm:2' in r.stdout
        assert 'nothing was applied' in r.stderr
        assert info(s)['requests']['writes_applied'] == before and audit_count(s) == events
    finally:
        s.stop()


def test_offboard_rehearse_reports_the_outcome_of_each_step_and_changes_nothing():
    s = live()
    try:
        departed = json.loads(adm(s, '-e', 'inventory people --departed --json').stdout)['data'][0]
        before = info(s)['requests']['writes_applied']
        r = adm(s, '-e', f'offboard {departed["email"]} --rehearse')
        assert r.returncode == 0, r.stdout + r.stderr
        for k in departed['keys']:
            assert f"done     Delete project API key {k['name']} ({k['redacted_value']}) in {k['project']}" in r.stdout, r.stdout
        assert f"rehearsed: {len(departed['keys'])} writes, {len(departed['keys'])} would succeed" in r.stdout
        assert info(s)['requests']['writes_applied'] == before
        # The journal of the rehearsed job is nowhere: the real offboard still has everything to do.
        jobs = os.path.join(s.dir, 'adm', 'jobs')
        assert not os.path.isdir(jobs) or not any('offboard' in f for f in os.listdir(jobs))
    finally:
        s.stop()


def test_rotate_rehearse_writes_no_secrets_file():
    s = live()
    try:
        work = tempfile.mkdtemp()
        pid = json.loads(adm(s, '-e', 'projects --json').stdout)['data'][0]['id']
        assert adm(s, '-e', f'use project {pid}; create-sa name=etl --quiet').returncode == 0
        r = adm(s, '-e', f'use project {pid}; rotate etl --retire-old --save new.keys --rehearse', cwd=work)
        assert r.returncode == 0, r.stdout + r.stderr
        assert f'would write {work}/new.keys (kept aside, then removed)' in r.stdout.replace(os.path.realpath(work), work)
        assert not os.path.exists(os.path.join(work, 'new.keys'))
    finally:
        s.stop()


def test_repro_twin_carries_the_first_report_to_a_colleague_who_meets_the_same_answer():
    s = live(7, '--known-issue', 'stale-permissions')
    try:
        work = tempfile.mkdtemp()
        made = json.load(urllib.request.urlopen(urllib.request.Request(
            s.control + '/keys', data=json.dumps({'name': 'admin', 'profile': 'restricted:management=read'}).encode(),
            headers={'Content-Type': 'application/json'})))
        urllib.request.urlopen(urllib.request.Request(
            s.control + '/keys/admin', data=json.dumps({'profile': 'all'}).encode(), headers={'Content-Type': 'application/json'}))
        with open(s.keys_file, 'a') as f:
            f.write(f'admin={made["value"]}\n')
        r = adm(s, '-e', 'let p = projects | .data[0].id; use project $p; use key admin; create-sa name=report-bot; expect status 401; '
                         'repro --twin report1.json --key owner', cwd=work)
        assert r.returncode == 0, r.stdout + r.stderr
        text = open(os.path.join(work, 'report1.json')).read()
        assert not any(shape in text for shape in SECRET_SHAPES) and made['value'] not in text
        doc = json.loads(text)
        assert doc['key'] == {'name': 'admin', 'profile': 'restricted:management=read'}
        colleague = subprocess.run([ADM, '--twin', 'report1.json', '-e', '; '.join(doc['statements'])],
                                   capture_output=True, text=True, cwd=work, env=dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=work))
        assert colleague.returncode == 1
        assert '→ 401' in colleague.stderr and 'Missing scopes: api.management.write' in colleague.stderr, colleague.stderr
    finally:
        s.stop()


def test_repro_twin_anonymized_carries_the_second_report():
    s = live()
    try:
        work = tempfile.mkdtemp()
        r = adm(s, '-e', 'let p = projects | .data[0].id; use project $p; let sa = create-sa name=reporting; '
                         'sa-key $sa.id name=read-only scopes=api.all.read; expect status 400; repro --twin report2.json --anonymize', cwd=work)
        assert r.returncode == 0, r.stdout + r.stderr
        text = open(os.path.join(work, 'report2.json')).read()
        assert not any(shape in text for shape in SECRET_SHAPES)
        emails = [u['email'] for u in rows(adm(s, '-e', 'users --all --json').stdout)]
        assert emails and not any(e in text for e in emails)
        doc = json.loads(text)
        assert doc['anonymized'] is True
        colleague = subprocess.run([ADM, '--twin', 'report2.json', '-e', '; '.join(doc['statements'])],
                                   capture_output=True, text=True, cwd=work, env=dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=work))
        assert colleague.returncode == 1
        assert 'Request includes unauthorized scopes: api.all.read' in colleague.stderr, colleague.stderr
    finally:
        s.stop()
