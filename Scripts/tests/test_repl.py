"""The interactive shell in a real pseudo-terminal (pexpect): completion, history, Ctrl-C,
Ctrl-D, and a canary key that must never reach the screen or the history file."""
import os
import re
import stat
import subprocess
import tempfile
import time

import httpx2
import pexpect

from conftest import ADM, Sandbox

PROMPT = r'adm [\w-]+(@\S+)?> '


def settle(child):
    """libedit prints the prompt a moment before it puts the terminal in raw mode; a ^D sent in
    that moment is read as a canonical-mode EOF and lost. Wait until it has the terminal: in
    raw mode it echoes by itself, so the terminal's own ECHO flag goes off."""
    assert child.waitnoecho(timeout=20), 'waited 20 s for libedit to take the terminal (ECHO off) after the prompt'


def leave(child):
    """Ctrl-D at the prompt, once libedit has the terminal; the shell ends."""
    settle(child)
    child.sendeof()
    child.expect(pexpect.EOF)


def wait_for(condition, what, timeout=30):
    """Polls `condition` until it holds; fails naming what it waited for."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f'waited {timeout} s for {what}')


def spawn(*args, env=None, home=None, columns=200):
    home = home or tempfile.mkdtemp(prefix='adm-home-')
    e = dict(os.environ, NO_COLOR='1', TERM='xterm', HOME=home, XDG_STATE_HOME=os.path.join(home, 'state'),
             XDG_CONFIG_HOME=os.path.join(home, 'config'))
    e.pop('OPENAI_ADMIN_KEY', None)
    # The terminal's own size is what counts (a COLUMNS from the test runner would win over it).
    e.pop('COLUMNS', None)
    e.pop('LINES', None)
    # Long output scrolls unless a test is about the pager (it names one, or $PAGER).
    if not {'ADM_PAGER', 'PAGER'} & set(env or {}):
        e['ADM_PAGER'] = ''
    e.update(env or {})
    child = pexpect.spawn(ADM, list(args), env=e, encoding='utf-8', timeout=10, dimensions=(40, columns))
    child.home = home
    if os.environ.get('ADM_TEST_LOG'):
        child.logfile_read = open(os.environ['ADM_TEST_LOG'], 'a')
    return child


def test_tab_completes_a_command_and_a_live_project_id():
    child = spawn('--sandbox')
    child.expect(PROMPT)
    child.send('create-')
    child.send('\t')
    child.expect_exact('sa ')  # the completion, echoed: a condition, not a pause
    child.sendline('name=tabbed')  # runs only if Tab made the line "create-sa name=tabbed"
    child.expect(r'name\s+tabbed')
    child.expect(PROMPT)
    child.sendline('projects --quiet')
    child.expect(PROMPT)
    child.send('use project proj_')
    child.send('\t')
    child.expect(r'[A-Za-z0-9]{24} ')
    child.sendline('')  # runs only if Tab completed the whole id
    child.expect(r'using project proj_[A-Za-z0-9]{24}\r\n')
    child.expect(PROMPT)
    leave(child)


def test_up_recalls_the_previous_line():
    child = spawn('--sandbox')
    child.expect(PROMPT)
    child.sendline('print recalled-line')
    child.expect('recalled-line')
    child.expect(PROMPT)
    child.send('\x1b[A')  # Up
    child.sendline('')
    child.expect('recalled-line')
    child.expect(PROMPT)
    leave(child)


def test_ctrl_c_cancels_a_slow_request_and_the_prompt_works():
    # The request takes 120 s; "cancelled" long before that means Ctrl-C stopped it.
    sandbox = Sandbox('--faults', 'latency=120000')
    child = spawn('--base-url', sandbox.url, '--keys-file', sandbox.keys_file)
    child.expect(PROMPT)
    child.sendline('projects')
    wait_for(lambda: httpx2.get(sandbox.control + '/info').json()['requests']['in_flight'] >= 1,
             'the sandbox to hold the request in flight')
    child.sendintr()
    child.expect('cancelled', timeout=30)
    child.expect(PROMPT)
    child.sendline('print still-here')
    child.expect('still-here')
    child.expect(PROMPT)
    child.send('half a line')
    child.sendintr()
    child.expect(PROMPT)
    child.sendline('print fresh-line')
    child.expect('fresh-line')
    child.expect(PROMPT)
    leave(child)
    child.close()
    sandbox.stop()
    assert child.exitstatus == 0


def test_ctrl_d_exits_0():
    child = spawn('--sandbox')
    child.expect(PROMPT)
    leave(child)
    child.close()
    assert child.exitstatus == 0


def test_a_line_ending_in_backslash_continues_as_one_statement():
    # The lines are joined as in a script: run as one statement, kept as one history line, and
    # saved as one. (Before, the second line ran on its own: `"hello"` was not a command.)
    child = spawn('--sandbox')
    child.expect(PROMPT)
    child.sendline('print \\')
    child.expect(r'\.\.\. ')
    child.sendline('"hello"')
    child.expect('\r\nhello\r\n')
    child.expect(PROMPT)
    assert 'error' not in child.before
    saved = os.path.join(child.home, 'joined.adm')
    child.sendline(f'save {saved}')
    child.expect(PROMPT)
    leave(child)
    statements = [l for l in open(saved).read().splitlines() if not l.startswith('#')]
    assert statements == ['print "hello"'], statements
    history = open(os.path.join(child.home, 'state', 'adm', 'history')).read()
    assert 'print \\ "hello"' in history.replace('\\040', ' ') or 'print  "hello"' in history.replace('\\040', ' '), history


def test_a_line_ending_inside_a_quote_or_a_json_literal_goes_on_at_the_next():
    # As psql does: a body pasted over lines is one statement (before, each line was an error).
    child = spawn('--sandbox')
    child.expect(PROMPT)
    child.sendline('print {"a": [1,')
    child.expect(r'\.\.\.\{ ')
    child.sendline('2]}')
    child.expect(r'a\s+\[1,2\]')
    child.expect(PROMPT)
    assert 'error' not in child.before
    child.sendline('print "two')
    child.expect(r'\.\.\." ')
    child.sendline('lines"')
    child.expect('two\r\nlines\r\n')
    child.expect(PROMPT)
    # Ctrl-C at the continuation abandons the statement: nothing runs, a fresh prompt comes.
    child.sendline("print 'never")
    child.expect(r"\.\.\.' ")
    child.sendintr()
    child.expect('\r\n' + PROMPT)
    child.sendline('print after')
    child.expect('\r\nafter\r\n')
    child.expect(PROMPT)
    leave(child)


def test_edit_opens_the_previous_line_in_the_editor_and_runs_what_is_saved():
    # psql's \\e. The editor here is a script that rewrites the file, as a person would; the
    # file it was given is adm's own, private, and gone afterwards.
    home = tempfile.mkdtemp(prefix='adm-home-')
    editor = os.path.join(home, 'editor.sh')
    seen = os.path.join(home, 'seen')
    with open(editor, 'w') as f:
        f.write('#!/bin/sh\nstat -c %a "$1" > ' + seen + '\necho "$1" >> ' + seen + '\n'
                'sed -i "s/alpha/omega/" "$1"\n')
    os.chmod(editor, 0o755)
    child = spawn('--sandbox', home=home, env={'VISUAL': editor})
    child.expect(PROMPT)
    child.sendline('print alpha')
    child.expect('\r\nalpha\r\n')
    child.expect(PROMPT)
    child.sendline('edit')
    child.expect('\r\nomega\r\n')
    child.expect(PROMPT)
    mode, path = open(seen).read().split()
    assert mode == '600', mode
    assert not os.path.exists(path), 'the edited file is removed'
    # What ran is in the history as typed there; `edit N` opens line N as history numbers it.
    child.sendline('history 2')
    child.expect(PROMPT)
    assert 'print omega' in child.before, child.before
    child.sendline('history')
    child.expect(PROMPT)
    number = re.search(r'(\d+)\s+print alpha', child.before).group(1)
    child.sendline(f'edit {number}')
    child.expect('\r\nomega\r\n')
    child.expect(PROMPT)
    child.sendline('edit 99999')
    child.expect(r"edit: no history line '99999' \(history lists lines 1 to \d+\)")
    child.expect(PROMPT)
    leave(child)
    child = spawn('--sandbox', home=home, env={'VISUAL': 'false'})
    child.expect(PROMPT)
    child.sendline('print beta')
    child.expect(PROMPT)
    child.sendline('edit')
    child.expect(r'edit: the editor .false. did not end cleanly \(status 1\): nothing was run')
    child.expect(PROMPT)
    assert 'beta' not in child.before
    leave(child)
    # In a script edit is an error that says where it works.
    r = subprocess.run([ADM, '--sandbox', '-e', 'edit'], capture_output=True, text=True, env=dict(os.environ, HOME=home))
    assert r.returncode == 2 and 'edit: only at the prompt' in r.stderr, r.stderr


def test_vi_mode_from_editrc():
    home = tempfile.mkdtemp(prefix='adm-home-')
    with open(os.path.join(home, '.editrc'), 'w') as f:
        f.write('bind -v\n')
    child = spawn('--sandbox', home=home)
    child.expect(PROMPT)
    child.send('print Xvi-mode')
    child.send('\x1b')  # Esc: command mode
    child.send('0fXx')  # to the start, find X, delete it
    child.sendline('')
    child.expect('\r\nvi-mode\r\n')
    child.expect(PROMPT)
    leave(child)


def test_a_canary_key_never_reaches_the_screen_or_the_history():
    sandbox = Sandbox()
    try:
        canary = httpx2.post(sandbox.control + '/keys', json={'name': 'canary', 'profile': 'restricted:management=read'}).json()['value']
        other = httpx2.post(sandbox.control + '/keys', json={'name': 'other', 'profile': 'all'}).json()['value']
        child = spawn('--base-url', sandbox.url, env={'OPENAI_ADMIN_KEY': canary, 'CANARY': canary})
        log = []
        child.logfile_read = type('L', (), {'write': lambda self, s: log.append(s), 'flush': lambda self: None})()
        child.expect(PROMPT)
        lines = [
            'key add c2 --env CANARY', 'key list', 'whoami', 'projects', 'create-sa name=x --project nope',
            'let p = projects | .data[0].id', 'use project $p', 'create-sa name=leaky', 'repro', 'repro --curl',
            'export http', 'scopes', 'retry-with c2', 'vars', 'print $_', 'keys --json', 'call GET /organization/nothing',
            'history', 'what-changed', 'scopes --all-keys',
        ]
        for line in lines:
            child.sendline(line)
            child.expect(PROMPT, timeout=20)
        # A key typed at the hidden prompt is not echoed.
        child.sendline('key add typed')
        child.expect('not shown')
        child.sendline(other)
        child.expect(PROMPT)
        child.sendline('use key typed')
        child.expect(PROMPT)
        child.sendline('projects --quiet')
        child.expect(PROMPT)
        # A key typed on the line is refused and stored redacted in the history.
        child.sendline('key add lit ' + other)
        child.expect('refusing a key typed on the command line')
        child.expect(PROMPT)
        settle(child)
        child.sendeof()
        child.expect(pexpect.EOF)
        screen = ''.join(log)
        history_path = os.path.join(child.home, 'state', 'adm', 'history')
        history = open(history_path).read()
        assert stat.S_IMODE(os.stat(history_path).st_mode) == 0o600
        for secret in (canary,):
            for i in range(len(secret) - 11):
                assert secret[i:i + 12] not in screen, f'canary slice {i} on screen'
                assert secret[i:i + 12] not in history, f'canary slice {i} in history'
        for i in range(len(other) - 11):
            assert other[i:i + 12] not in history, 'typed key in history'
        screen_without_echo = screen.replace('key add lit ' + other, '')
        for i in range(len(other) - 11):
            assert other[i:i + 12] not in screen_without_echo, 'hidden-prompt key on screen'
        assert 'key\\040add\\040lit\\040sk-admin-…' in history  # libedit stores spaces as \040
    finally:
        sandbox.stop()


def test_the_shell_works_in_the_c_locale():
    # libedit's readline emulation crashes at the first prompt in a single-byte locale;
    # adm switches the character type to UTF-8 (containers often have no LANG at all).
    child = spawn('--sandbox', env={'LANG': '', 'LC_ALL': 'C'})
    child.expect(PROMPT)
    child.sendline('print ünïcode')
    child.expect('ünïcode\r\n')
    child.expect(PROMPT)
    leave(child)
    child.close()
    assert child.exitstatus == 0


def test_history_keeps_no_key_in_any_form_and_a_recalled_redacted_line_never_becomes_a_key():
    """Issue "The shell people live in": a key pasted with `Bearer`, in JSON, in a header or after
    `=` is redacted in the history file; recalling the redacted `key add` line is refused."""
    sandbox = Sandbox()
    try:
        other = httpx2.post(sandbox.control + '/keys', json={'name': 'other', 'profile': 'all'}).json()['value']
        child = spawn('--base-url', sandbox.url, '--keys-file', sandbox.keys_file, '--allow-literal-key')
        child.expect(PROMPT)
        for line in [f'print "Bearer {other}"', f"print 'Authorization: Bearer {other}'", f'print {{"key": "{other}"}}',
                     f'print key={other}', f'key add real {other}']:
            child.sendline(line)
            child.expect(PROMPT)
        child.sendline('use key real')
        child.expect(PROMPT)
        child.sendline('whoami --quiet')
        child.expect(PROMPT)
        # Up twice: the redacted `key add real sk-admin-…` line; Enter must not replace the key.
        child.send('\x1b[A\x1b[A\x1b[A')
        child.sendline('')
        child.expect('redacted key')
        child.expect(PROMPT)
        child.sendline('whoami')
        child.expect(r'name\s+other')  # the working key is still the one added
        child.expect(PROMPT)
        settle(child)
        child.sendeof()
        child.expect(pexpect.EOF)
        history = open(os.path.join(child.home, 'state', 'adm', 'history')).read()
        for i in range(len(other) - 11):
            assert other[i:i + 12] not in history, f'a slice of the key in history:\n{history}'
        assert 'Bearer\\040…' in history or 'Bearer\\040sk-admin-…' in history, history
    finally:
        sandbox.stop()


def test_ctrl_c_or_an_empty_line_at_the_hidden_key_prompt_adds_nothing():
    child = spawn('--sandbox')
    child.expect(PROMPT)
    child.sendline('key add t3')
    child.expect('not shown')
    child.sendintr()
    child.expect('cancelled, no key added')
    child.expect(PROMPT)
    child.sendline('key add t4')
    child.expect('not shown')
    child.sendline('')
    child.expect('cancelled, no key added')
    child.expect(PROMPT)
    child.sendline('key list')
    child.expect(PROMPT)
    assert 't3' not in child.before and 't4' not in child.before
    leave(child)


def test_two_shells_side_by_side_both_keep_their_lines():
    home = tempfile.mkdtemp(prefix='adm-home-')
    a = spawn('--sandbox', home=home)
    b = spawn('--sandbox', home=home)
    for child in (a, b):
        child.expect(PROMPT)
    for n in range(3):
        for name, child in (('a', a), ('b', b)):
            child.sendline(f'print from-{name}-{n}')
            child.expect(PROMPT)
    for child in (a, b):
        settle(child)
        child.sendeof()
        child.expect(pexpect.EOF)
    history = open(os.path.join(home, 'state', 'adm', 'history')).read()
    for name in 'ab':
        for n in range(3):
            assert f'from-{name}-{n}' in history, history
    # A third shell starts with everyone's lines.
    c = spawn('--sandbox', home=home)
    c.expect(PROMPT)
    c.sendline('history')
    c.expect(PROMPT)
    assert 'from-a-2' in c.before and 'from-b-2' in c.before
    settle(c)
    c.sendeof()
    c.expect(pexpect.EOF)


def test_the_terminal_comes_back_after_sigterm_sighup_or_sigquit():
    """The modes of the terminal adm ran on, read from its side of the pseudo-terminal after adm
    ended by each signal: echo and canonical input are back."""
    import signal
    import termios
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        child = spawn('--sandbox')
        child.expect(PROMPT)
        settle(child)  # libedit has the terminal: echo off
        child.kill(sig)
        child.expect(pexpect.EOF, timeout=10)
        attrs = termios.tcgetattr(child.child_fd)
        lflag = attrs[3]
        assert lflag & termios.ECHO and lflag & termios.ICANON, f'after {sig.name}: echo or canonical mode left off'
        child.close()


def test_names_files_run_and_strict_words_at_the_prompt():
    """`use project NAME` resolves (an unknown name changes nothing); file arguments complete
    paths; `run FILE` runs a script in the session; a stray word is an error with the usage;
    errors at the prompt carry no `1:1:`; `clear` and Ctrl-L clear the screen."""
    home = tempfile.mkdtemp(prefix='adm-home-')
    work = os.path.join(home, 'work')
    os.makedirs(work)
    with open(os.path.join(work, 'check-projects.adm'), 'w') as f:
        f.write('let seen = projects | .data[0].name\nexpect $seen == "Default project"\n')
    child = spawn('--sandbox', home=home)
    child.expect(PROMPT)
    # Names, not ids.
    child.sendline('use project "Default project"')
    child.expect(r'using project proj_\w+ \(Default project\)')
    child.expect(r'adm owner@proj_\w+')
    child.sendline('use project nope')
    child.expect("no project is named 'nope'")
    child.expect(r'adm owner@proj_\w+')  # the prompt keeps its project
    # Paths complete for file arguments.
    child.send(f'run {work}/check-pr')
    child.send('\t')
    child.expect_exact('ojects.adm')
    child.sendline('')
    child.expect(PROMPT)
    child.sendline('print $seen')
    child.expect('Default project')
    child.expect(PROMPT)
    # A stray word is an error with the usage, and no `1:1:` at the prompt.
    child.sendline('projects foo bar --limit 2')
    child.expect("error: projects: unexpected argument 'foo'")
    child.expect(PROMPT)
    assert '1:1' not in child.before and '1:10' not in child.before
    child.sendline('prjects')
    child.expect("error: unknown command 'prjects'")
    child.expect(PROMPT)
    assert '1:1:' not in child.before
    child.sendline('print a=b')
    child.expect('a=b')
    child.expect(PROMPT)
    # Clearing the screen: the command, and Ctrl-L at the prompt.
    child.sendline('clear')
    child.expect_exact('\x1b[2J')
    child.expect(PROMPT)
    settle(child)
    child.send('\x0c')
    child.expect(r'\x1b\[(H|2J|J)')
    child.sendline('')
    child.expect(PROMPT)
    leave(child)


def test_tables_never_cut_ids_or_emails_and_narrow_terminals_get_one_record_per_block():
    import re
    for columns, layout in ((60, 'records'), (200, 'table')):
        child = spawn('--sandbox', columns=columns)
        child.expect(PROMPT)
        child.sendline('sandbox seed users 3 --quiet')
        child.expect(PROMPT)
        child.sendline('users')
        child.expect(PROMPT)
        screen = child.before
        ids = re.findall(r'user-[A-Za-z0-9]{24}', screen)
        assert len(ids) == 4, f'{columns} columns: every id whole:\n{screen}'
        assert 'user-' in screen and '…' not in screen.split('users', 1)[1], screen
        if layout == 'records':
            assert re.search(r'^ID +user-', screen, re.M) and re.search(r'^EMAIL +sam.owner@example.com', screen, re.M), screen
        else:
            assert re.search(r'^ID +NAME +EMAIL', screen, re.M), screen
        assert all(len(line) <= columns for line in screen.splitlines()), 'no line wider than the terminal'
        settle(child)
        child.sendeof()
        child.expect(pexpect.EOF)


def test_long_messages_wrap_at_words_with_a_hanging_indent_and_pipes_get_whole_lines():
    import re
    message_words = ['insufficient', 'permissions', 'api.management.write', 'create-project-service-account']
    for columns in (60, 120):
        child = spawn('--sandbox', columns=columns)
        child.expect(PROMPT)
        child.sendline('use key mgmt-read')
        child.expect(PROMPT)
        child.sendline('create-sa name=wrapped')
        child.expect(PROMPT)
        lines = [re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', l) for l in child.before.replace('\r', '').split('\n')]
        # Only a word longer than the line itself (a long path) may pass the edge: words are not cut.
        assert all(len(l) <= columns or ' ' not in l.strip() for l in lines), f'{columns}: a line wider than the terminal:\n' + '\n'.join(lines)
        text = ' '.join(' '.join(lines).split())
        for word in message_words:
            assert word in text, f'{columns}: "{word}" cut:\n' + '\n'.join(lines)
        missing = next(i for i, l in enumerate(lines) if l.lstrip().startswith('missing'))
        if columns == 60:
            label = lines[missing].index('api.management.write')
            assert lines[missing + 1].startswith(' ' * label) and lines[missing + 1][label] != ' ', 'the continuation hangs under the text'
        settle(child)
        child.sendeof()
        child.expect(pexpect.EOF)
    piped = subprocess.run([ADM, '--sandbox', '-e', 'use key mgmt-read; create-sa name=piped'], capture_output=True, text=True,
                           env=dict(os.environ, NO_COLOR='1', COLUMNS='60'))
    assert any(len(l) > 60 for l in piped.stderr.splitlines()), 'a pipe gets whole lines'


def test_keys_typed_while_a_command_runs_wait_for_the_next_prompt_undrawn():
    child = spawn('--sandbox')
    child.expect(PROMPT)
    child.sendline('sleep 3s')  # a command that takes its time (a paced job is the same to the terminal)
    time.sleep(1)
    child.send('print type-ahead')  # typed during it, no Enter
    child.expect(PROMPT, timeout=20)
    during = child.before
    assert 'print type-ahead' not in during, f'typed keys drawn into the output:\n{during}'
    child.sendline('')  # the next prompt has them: Enter runs them
    child.expect('type-ahead')
    child.expect(PROMPT)
    leave(child)


def test_long_output_goes_through_the_pager_short_output_does_not():
    home = tempfile.mkdtemp(prefix='adm-home-')
    paged = os.path.join(home, 'paged')
    # A pager that keeps what it was given and says it ran: the screen and the file show both.
    child = spawn('--sandbox', home=home, env={'ADM_PAGER': f'cat > {paged}; echo PAGER-RAN'})
    child.expect(PROMPT)
    child.sendline('print short-output')
    child.expect('short-output')
    child.expect(PROMPT)
    assert 'PAGER-RAN' not in child.before and not os.path.exists(paged), 'a short answer needs no pager'
    child.sendline('help call')  # 264 lines on a 40-row screen
    child.expect('PAGER-RAN')
    child.expect(PROMPT)
    with open(paged) as f:
        text = f.read()
    assert 'usage:' in text and len(text.splitlines()) > 40, text[:400]
    os.remove(paged)
    child.sendline('pager off')
    child.expect('pager off')
    child.expect(PROMPT)
    child.sendline('help call')
    child.expect(PROMPT)
    assert 'PAGER-RAN' not in child.before and not os.path.exists(paged), 'pager off: long output scrolls'
    leave(child)
    # --no-pager starts the shell with it off.
    child = spawn('--sandbox', '--no-pager', home=home, env={'ADM_PAGER': f'cat > {paged}; echo PAGER-RAN'})
    child.expect(PROMPT)
    child.sendline('help call')
    child.expect(PROMPT)
    assert not os.path.exists(paged)
    leave(child)


def test_a_one_liner_on_a_terminal_pages_too_and_no_pager_turns_it_off():
    home = tempfile.mkdtemp(prefix='adm-home-')
    paged = os.path.join(home, 'paged')
    pager = {'ADM_PAGER': f'cat > {paged}; echo PAGER-RAN'}
    child = spawn('--sandbox', '-e', 'help call', home=home, env=pager)
    child.expect('PAGER-RAN')
    child.expect(pexpect.EOF)
    assert 'usage:' in open(paged).read()
    os.remove(paged)
    child = spawn('--sandbox', '--no-pager', '-e', 'help call', home=home, env=pager)
    child.expect(pexpect.EOF)
    assert 'PAGER-RAN' not in child.before and not os.path.exists(paged)
    # A hostile screen size never crashes the count of rows.
    for size in ('9223372036854775807', '0', '-1', '1e16', 'nan'):
        child = spawn('--sandbox', '-e', 'help call', home=home, env=dict(pager, COLUMNS=size, LINES=size))
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, (size, child.exitstatus, child.signalstatus)


def test_less_pages_long_output_and_q_brings_the_prompt_back():
    child = spawn('--sandbox', env={'PAGER': '', 'LESS': ''})
    child.expect(PROMPT)
    child.sendline('help call')
    child.expect(r'\r\n:')  # less's prompt at the bottom of the first screen
    child.send('q')
    child.expect(PROMPT)
    child.sendline('print after-the-pager')  # the terminal is the shell's again: echo and editing
    child.expect('after-the-pager')
    child.expect(PROMPT)
    leave(child)


def test_redirection_sends_a_statements_output_to_a_file_and_never_replaces_one_unasked():
    child = spawn('--sandbox', '--rate-limit', 'off')
    work = tempfile.mkdtemp(prefix='adm-out-')
    out = os.path.join(work, 'out.txt')
    child.expect(PROMPT)
    child.sendline(f'projects > {out}')
    child.expect(PROMPT)
    assert 'Default project' not in child.before, 'the table went to the file, not the screen'
    with open(out) as f:
        first = f.read()
    assert first.startswith('ID') and 'Default project' in first and '\x1b' not in first, first
    child.sendline(f'print more > {out}')  # a file with content is not replaced unasked
    child.expect('exists')
    child.expect(PROMPT)
    assert open(out).read() == first
    child.sendline(f'print more >> {out}')
    child.expect(PROMPT)
    assert open(out).read() == first + 'more\n'
    child.sendline(f'projects | .data[].id >| {out}')
    child.expect(PROMPT)
    assert open(out).read().startswith('proj_')
    child.sendline('create-sa name=redirected > ' + os.path.join(work, 'sa.txt'))
    child.expect(PROMPT)
    saved = open(os.path.join(work, 'sa.txt')).read()
    assert 'redirected' in saved and not re.search(r'sk-[\w-]{20,}', saved), 'a new secret never goes into a file'
    assert "kept the new key as session key" in child.before
    leave(child)


def test_archiving_the_active_project_asks_first_and_the_prompt_shows_it_archived():
    child = spawn('--sandbox', '--rate-limit', 'off')
    child.expect(PROMPT)
    child.sendline('project create doomed --quiet')
    child.expect(PROMPT)
    child.sendline('use project doomed')
    child.expect(r'using project proj_')
    child.expect(PROMPT)
    child.sendline('project archive')
    child.expect(r'Archive the active project proj_\w+\? \[y/N\] ')
    child.sendline('n')
    child.expect('not archived: nothing was changed')
    child.expect(PROMPT)
    assert '(archived)' not in child.after
    child.sendline('project archive')
    child.expect(r'\[y/N\] ')
    child.sendline('y')
    child.expect(r'archived')
    child.expect(r'@proj_\S+\(archived\)> ')
    leave(child)
    # A script names the project or says --yes.
    script = subprocess.run([ADM, '--sandbox', '-e', 'project create s --quiet; use project $_.id; project archive'],
                            capture_output=True, text=True)
    assert script.returncode != 0 and 'add --yes' in script.stderr, script.stderr


def test_users_by_email_and_names_complete_including_a_project_adm_just_made():
    child = spawn('--sandbox', '--rate-limit', 'off')
    child.expect(PROMPT)
    child.sendline('user show sam.owner@example.com --quiet')  # an email where a user id goes
    child.expect(PROMPT)
    child.sendline('print $_.id')
    child.expect(r'user-\w+')
    child.expect(PROMPT)
    child.sendline('user show "Nobody Here"')
    child.expect("no user is 'Nobody Here'")
    child.expect(PROMPT)
    child.sendline('project create "Tab Made Project" --quiet')
    child.expect(PROMPT)
    # The name of a project adm just made completes (quoted), and resolves.
    child.send('use project Tab')
    child.send('\t')
    child.expect_exact("'Tab Made Project' ")
    child.sendline('')
    child.expect(r'using project proj_\w+')
    child.expect(PROMPT)
    child.send('user show sam.o')
    child.send('\t')
    child.expect_exact('example.com ')  # libedit redraws only what changed
    child.sendline('--quiet')
    child.expect(PROMPT)
    assert 'error' not in child.before, child.before
    leave(child)


def test_a_long_wait_for_a_turn_says_why_and_a_changed_limit_is_not_paced_by_the_old_one():
    # The sandbox's faithful default limit: the shell learns the pace from its 429s.
    child = spawn('--sandbox', '--verbose', env={'COLUMNS': '250'}, columns=250)
    child.expect(PROMPT)
    saw_wait = False
    for _ in range(10):
        child.sendline('projects --limit 1 --quiet')
        child.expect(PROMPT, timeout=60)
        saw_wait = saw_wait or 'waiting ~' in child.before
        if saw_wait:
            break
    assert saw_wait, 'a call that waited its turn said nothing'
    assert 'learned from its 429s' in child.before
    child.sendline('sandbox rate-limit off')
    child.expect('the pace adm had learned is forgotten')
    child.expect(PROMPT)
    for _ in range(5):
        child.sendline('projects --limit 1 --quiet')
        child.expect(PROMPT, timeout=60)
        assert 'waiting ~' not in child.before and 'waited' not in child.before, child.before
    leave(child)


def test_a_resize_at_the_prompt_redraws_the_line_so_what_is_drawn_is_what_runs():
    child = spawn('--sandbox', columns=120)
    child.expect(PROMPT)
    settle(child)
    line = 'print ' + ' '.join(c * 10 for c in 'abcdefgh')
    child.send(line)
    child.expect_exact('hhhhhhhhhh')
    child.setwinsize(40, 50)  # SIGWINCH at the prompt
    child.expect(PROMPT + r'print aaaa')  # libedit was told: it draws the prompt and line anew
    child.send('\x1b[H' + '\x1b[C' * 6 + 'X')  # Home, six Rights, X (drawn with insert codes)
    child.sendline('')
    child.expect_exact('Xaaaaaaaaaa bbbbbbbbbb')
    child.expect(PROMPT)
    leave(child)


def test_back_from_the_background_the_prompt_and_the_pending_line_are_drawn_again():
    import signal
    child = spawn('--sandbox')
    child.expect(PROMPT)
    settle(child)
    child.send('print pending-line')
    child.expect_exact('pending-line')
    os.kill(child.pid, signal.SIGSTOP)  # as Ctrl-Z in a job-control shell stops it
    time.sleep(0.3)
    os.kill(child.pid, signal.SIGCONT)  # `fg`
    child.expect(PROMPT + 'print pending-line')  # drawn again, line and all
    child.sendline('')
    child.expect('pending-line')
    child.expect(PROMPT)
    leave(child)
