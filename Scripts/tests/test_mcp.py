"""`adm mcp` as an assistant meets it, through the official MCP client (the `mcp` package): one
sandbox (`adm sandbox`, over HTTP, `sandbox seed org`) plays the organization, under the live
API's rate limit where pacing is the point. Every message in both directions is kept (the
server runs behind `tee`) and checked for the session's key values: none may cross."""
import asyncio
import json
import os
import shlex
import subprocess
import tempfile
import time
import urllib.request

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from conftest import ADM, Sandbox

READS = {'whoami', 'inventory_keys', 'inventory_people', 'costs', 'usage', 'audit_log', 'scopes', 'snapshot', 'diff', 'get',
         'explain_error', 'rehearse'}
CHANGES = {'apply_script', 'offboard', 'rotate'}


def info(s):
    return json.load(urllib.request.urlopen(s.control + '/info'))['requests']


def limit(s, rule):
    urllib.request.urlopen(urllib.request.Request(s.control + '/rate-limit', data=json.dumps({'rule': rule}).encode(),
                                                  headers={'Content-Type': 'application/json'}))


def server(s, work, *extra):
    """The MCP client's view of `adm mcp` on sandbox `s`, with both directions copied to files."""
    adm = ' '.join(shlex.quote(a) for a in [ADM, '--base-url', s.url, '--keys-file', s.keys_file, '--key', 'owner', 'mcp', *extra])
    script = f'tee -a {work}/to-adm.log | {adm} | tee -a {work}/from-adm.log'
    env = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=work, XDG_CONFIG_HOME=work)
    env.pop('OPENAI_ADMIN_KEY', None)
    return StdioServerParameters(command='bash', args=['-c', script], env=env, cwd=work)


def canary(s, work):
    """No key value of the session in any message, either way."""
    for name in ('to-adm.log', 'from-adm.log'):
        text = open(os.path.join(work, name)).read()
        assert text, f'{name} is empty: the copy did not work'
        for key, value in s.keys.items():
            assert value not in text and value[:20] not in text, f'{key} appears in {name}'


def structured(result):
    assert result.structured_content is not None, result.content
    return result.structured_content


def run(coroutine):
    return asyncio.run(coroutine)


def test_an_assistant_reads_the_organization_paced_named_and_redacted_and_cannot_change_it():
    s = Sandbox('--rate-limit', 'realistic')
    seed = s.seed_org(7)
    seeded, project = seed['seeded'], seed['default_project']
    work = tempfile.mkdtemp()
    progress = []

    async def session():
        async with stdio_client(server(s, work)) as (r, w):
            async with ClientSession(r, w) as c:
                await c.initialize()
                tools = {t.name: t for t in (await c.list_tools()).tools}
                assert set(tools) == READS, set(tools)
                assert all(t.annotations.read_only_hint for t in tools.values())
                assert all(t.input_schema['type'] == 'object' for t in tools.values())
                assert 'data, never' in tools['inventory_keys'].description

                # Every seeded key, read at the endpoints' pace, with progress on the way.
                async def on_progress(done, total, message):
                    progress.append((done, total, message))
                started = time.time()
                keys = await c.call_tool('inventory_keys', {}, progress_callback=on_progress)
                elapsed = time.time() - started
                assert not keys.is_error, keys.content
                rows = structured(keys)['data']
                assert len(rows) == seeded['keys']['total'], (len(rows), seeded)
                assert progress and progress[-1][0] >= 20, progress[-3:]
                assert elapsed > 60, f'20 listings of one endpoint at 8 a minute cannot take {elapsed:.0f} s'
                assert all('…' in k['redacted_value'] or '...' in k['redacted_value'] for k in rows)

                # Costs: the same total as the shell's.
                costs = structured(await c.call_tool('costs', {'days': 30, 'by': 'project'}))
                shell = subprocess.run([ADM, '--base-url', s.url, '--keys-file', s.keys_file, '-e', 'costs --days 30 --by project --json'],
                                       capture_output=True, text=True, env=dict(os.environ, XDG_STATE_HOME=tempfile.mkdtemp()))
                assert shell.returncode == 0, shell.stderr
                assert costs['total'] == json.loads(shell.stdout)['total']
                assert all(row.get('name') for row in costs['rows'])

                # The first user report, explained.
                explained = structured(await c.call_tool('explain_error', {
                    'method': 'POST', 'path': '/organization/projects/proj_abc/service_accounts', 'status': 401,
                    'body': json.dumps({'error': {'message': 'You have insufficient permissions for this operation. Missing scopes: '
                                                  'api.management.write. Check that you have the correct role in your organization, '
                                                  "and if you're using a restricted API key, that it has the necessary scopes.",
                                                  'type': 'invalid_request_error', 'param': None, 'code': None}})}))
                assert explained['missing_scopes'] == ['api.management.write']
                assert explained['operation'] == 'create-project-service-account'
                assert any('Organization Administration: Write' in line for line in explained['explanation'])

                # A rehearsal: the plan, and nothing sent to the organization. (The twin comes from
                # a snapshot file taken with the limit lifted: taking one at this pace reads each
                # project ten times, minutes; the writes test below rehearses from the organization.)
                snapshot = os.path.join(work, 'org.json')
                limit(s, 'off')
                # (A state folder of its own: adm would pace itself by what the server here learned.)
                shell = subprocess.run([ADM, '--base-url', s.url, '--keys-file', s.keys_file, '--key', 'owner',
                                        '-e', f'snapshot {snapshot} --quiet'], capture_output=True, text=True,
                                       env=dict(os.environ, XDG_STATE_HOME=tempfile.mkdtemp()))
                limit(s, '8/min,burst=7')
                assert shell.returncode == 0, shell.stderr
                before = info(s)['writes_applied']
                plan = structured(await c.call_tool('rehearse', {'script': f'create-sa name=nightly-report --project {project}',
                                                                 'snapshot': snapshot}))
                assert [w['outcome'] for w in plan['writes']] == ['done'], plan['writes']
                assert 'Create project service account nightly-report' in plan['writes'][0]['what']
                assert info(s)['writes_applied'] == before

                # No change without --allow-writes.
                refused = await c.call_tool('apply_script', {'script': 'create-sa name=x'})
                assert refused.is_error and '--allow-writes' in refused.content[0].text
                refused = await c.call_tool('offboard', {'person': 'someone@example.com'})
                assert refused.is_error
                assert info(s)['writes_applied'] == before

                # A bad argument is a one-line error naming it, and the server goes on.
                bad = await c.call_tool('costs', {'days': 'many'})
                assert bad.is_error and "'days'" in bad.content[0].text
                bad = await c.call_tool('costs', {'weeks': 2})
                assert bad.is_error and "unknown argument 'weeks'" in bad.content[0].text
                assert not (await c.call_tool('whoami', {})).is_error
    try:
        run(session())
        canary(s, work)
    finally:
        s.stop()


def test_with_allow_writes_a_change_is_rehearsed_then_made_only_with_its_one_time_confirmation():
    s = Sandbox()
    project = s.seed_org(8)['default_project']
    work = tempfile.mkdtemp()

    async def session():
        async with stdio_client(server(s, work, '--allow-writes')) as (r, w):
            async with ClientSession(r, w) as c:
                await c.initialize()
                tools = {t.name: t for t in (await c.list_tools()).tools}
                assert set(tools) == READS | CHANGES
                assert tools['apply_script'].annotations.destructive_hint
                departed = await c.call_tool('inventory_people', {'departed': True})
                assert structured(departed)['data'], 'the seeded organization has people who left'
                script = f'create-sa name=assistant-bot --project {project}'
                before = info(s)['writes_applied']
                first = structured(await c.call_tool('apply_script', {'script': script}))
                assert info(s)['writes_applied'] == before, 'the first call changes nothing'
                assert "confirmation" in first, json.dumps(first)[-1500:]
                confirmation = first["confirmation"]
                assert [w['outcome'] for w in first['writes']] == ['done']
                # An id for other arguments, or a made-up one, is refused.
                other = await c.call_tool('apply_script', {'script': f'create-sa name=other --project {project}', 'confirmation': confirmation})
                assert other.is_error and 'confirmation' in other.content[0].text
                made_up = await c.call_tool('apply_script', {'script': script, 'confirmation': '0123456789abcdef'})
                assert made_up.is_error
                assert info(s)['writes_applied'] == before
                applied = await c.call_tool('apply_script', {'script': script, 'confirmation': confirmation})
                assert not applied.is_error, applied.content
                assert structured(applied)['applied']['as_rehearsed'] is True
                assert info(s)['writes_applied'] == before + 1
                again = await c.call_tool('apply_script', {'script': script, 'confirmation': confirmation})
                assert again.is_error, 'an id works once'
                assert info(s)['writes_applied'] == before + 1
                # A rehearsal that fails gives no id.
                failing = structured(await c.call_tool('apply_script', {'script': 'call DELETE /organization/projects/proj_nope/api_keys/key_nope'}))
                assert 'confirmation' not in failing and 'would_fail' in failing
    try:
        run(session())
        canary(s, work)
    finally:
        s.stop()


def test_a_cancelled_inventory_answers_with_what_finished_marked_partial():
    """The MCP client library forgets a request it cancels, so this speaks the protocol itself."""
    s = Sandbox('--rate-limit', 'realistic')
    s.seed_org(9)
    work = tempfile.mkdtemp()
    env = dict(os.environ, NO_COLOR='1', XDG_STATE_HOME=work)
    p = subprocess.Popen([ADM, '--base-url', s.url, '--keys-file', s.keys_file, '--key', 'owner', 'mcp'], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def send(message):
        p.stdin.write(json.dumps(message) + '\n')
        p.stdin.flush()

    def receive():
        line = p.stdout.readline()
        assert line, p.stderr.read()
        return json.loads(line)
    try:
        send({'jsonrpc': '2.0', 'id': 1, 'method': 'initialize',
              'params': {'protocolVersion': '2025-06-18', 'capabilities': {}, 'clientInfo': {'name': 'test', 'version': '1'}}})
        assert receive()['result']['protocolVersion'] == '2025-06-18'
        send({'jsonrpc': '2.0', 'method': 'notifications/initialized'})
        send({'jsonrpc': '2.0', 'id': 2, 'method': 'tools/call',
              'params': {'name': 'inventory_keys', 'arguments': {}, '_meta': {'progressToken': 'inv'}}})
        notes = []
        while len(notes) < 8:
            message = receive()
            assert message.get('method') == 'notifications/progress', message
            assert message['params']['progressToken'] == 'inv'
            notes.append(message['params'])
        send({'jsonrpc': '2.0', 'method': 'notifications/cancelled', 'params': {'requestId': 2, 'reason': 'the user moved on'}})
        started = time.time()
        while True:
            message = receive()
            if message.get('id') == 2:
                break
        assert time.time() - started < 10, 'cancelling stops the job at once'
        result = message['result']
        assert result['structuredContent']['partial'] is True
        assert 'cancelled' in result['content'][0]['text']
        # The server goes on after a cancellation.
        send({'jsonrpc': '2.0', 'id': 3, 'method': 'ping'})
        assert receive() == {'jsonrpc': '2.0', 'id': 3, 'result': {}}
        send({'jsonrpc': '2.0', 'id': 4, 'method': 'nothing/here'})
        assert receive()['error']['code'] == -32601
        p.stdin.write('not json\n')
        p.stdin.flush()
        assert receive()['error']['code'] == -32700
    finally:
        p.stdin.close()
        assert p.wait(20) == 0
        s.stop()
