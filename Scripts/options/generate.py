#!/usr/bin/env python3
"""Writes Sources/adm/LaunchOptions+Generated.swift from the one declaration of adm's launch
options below: swift-argument-parser's `GlobalOptions`, the plain `LaunchOptions` they become,
the table the one-liner fast path reads them with (`OneLiner`, no reflection), and the mapping
from one to the other. Add or change an option here, then run this script.

    Scripts/options/generate.py            write the file (and swift-format it)
    Scripts/options/generate.py --check    exit 1 when the file is not what this would write
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'Sources', 'adm', 'LaunchOptions+Generated.swift')

# Each option: the Swift property; its kind — `flag` (Bool), `text` (String?), `integer` and
# `decimal` (with a default), `list` (repeatable, [String]); its help; the value's name in help.
# `short` adds the one-letter name. The long name is the property's, as swift-argument-parser
# derives it (baseURL → --base-url).
OPTIONS = [
    dict(name='sandbox', kind='flag', help='Start the built-in sandbox inside adm, with its fixture keys as session keys.'),
    dict(name='baseURL', kind='text', value='url', help='API base URL (default $OPENAI_BASE_URL, else https://api.openai.com/v1).'),
    dict(name='keysFile', kind='text', value='path',
         help='Load NAME=VALUE keys from this 0600 file (for `adm sandbox`: where its fixture keys are written).'),
    dict(name='profile', kind='text', value='name', help='Use this profile of the config file ($XDG_CONFIG_HOME/adm/config).'),
    dict(name='key', kind='text', value='name', help='Start with this session key active.'),
    dict(name='project', kind='text', value='id', help='Start with this project active (default $OPENAI_PROJECT_ID).'),
    dict(name='timeout', kind='decimal', default='60', value='seconds', help='Seconds before a request is abandoned (0.1 to 86400).'),
    dict(name='retries', kind='integer', default='2', value='n',
         help='Retries for calls that are safe to repeat (GET, DELETE; a POST only when it provably never arrived or got 429); 0 to 10.'),
    dict(name='concurrency', kind='integer', default='8', value='n', help='Calls in flight when a command fans out over a list (1 to 64).'),
    dict(name='cacert', kind='text', value='path', help='Also trust the CA certificates in this PEM file (verification stays on).'),
    dict(name='verbose', kind='flag', short='v', help='Print each request and its status (never a key).'),
    dict(name='allowLiteralKey', kind='flag',
         help='Allow `key add NAME VALUE` (a value on the command line lands in shell history and ps).'),
    dict(name='record', kind='text', value='path', help='Record requests and responses (secrets stripped) to this cassette.'),
    dict(name='replay', kind='text', value='path', help='Answer from this cassette instead of the network.'),
    dict(name='noColor', kind='flag', help='No colours (NO_COLOR is honoured too).'),
    dict(name='noPager', kind='flag',
         help='Long output on a terminal (the shell, one-liners) scrolls instead of going through $ADM_PAGER, $PAGER or less -FRX.'),
    dict(name='db', kind='text', value='path', help="Keep the sandbox's organization in this SQLite file (--sandbox, adm sandbox)."),
    dict(name='faults', kind='text', value='spec',
         help='Sandbox faults (--sandbox, adm sandbox), e.g. latency=20,error-rate=0.1,reset-rate=0.05 (the rate limit is --rate-limit).'),
    dict(name='knownIssue', kind='list', value='name',
         help='Sandbox known-issue mode (--sandbox, adm sandbox): stale-permissions, cost-amount-strings.'),
    dict(name='rateLimit', kind='text', value='spec',
         help='Sandbox rate limit (--sandbox, adm sandbox): realistic (the default: 8/min, burst 7, per key and endpoint, a bare 429), '
              'off, or N/min[,burst=B][,scope=key|org][,retry-after][,ratelimit-headers].'),
    dict(name='maxWait', kind='text', value='duration',
         help='How long a call may keep being refused by a rate limit before it fails (default 30m; 0s to 7d: 90s, 2h).'),
    dict(name='twin', kind='text', value='path',
         help='Start the built-in sandbox as a twin of the organization in this snapshot (`snapshot FILE`), '
              'or of a reproduction (`repro --twin FILE`).'),
]

TYPES = {'flag': 'Bool', 'text': 'String?', 'integer': 'Int', 'decimal': 'Double', 'list': '[String]'}
DEFAULTS = {'flag': 'false', 'text': None, 'list': '[]', 'integer': None, 'decimal': None}


def long_name(name):
    """swift-argument-parser's long name for a property: camelCase to kebab-case, an acronym kept whole."""
    out = ''
    for i, c in enumerate(name):
        if c.isupper() and i > 0 and not name[i - 1].isupper():
            out += '-'
        out += c.lower()
    return '--' + out


def quoted(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'


def declaration(o):
    default = o.get('default', DEFAULTS[o['kind']])
    value = f' = {default}' if default is not None else ''
    wrapper = 'Flag' if o['kind'] == 'flag' else 'Option'
    name = 'name: .shortAndLong, ' if o.get('short') else ''
    help = quoted(o['help']) if o['kind'] == 'flag' else f'ArgumentHelp({quoted(o["help"])}, valueName: {quoted(o["value"])})'
    return [f'    @{wrapper}({name}help: {help})', f'    var {o["name"]}: {TYPES[o["kind"]]}{value}', '']


def table_entry(o):
    names = ', '.join(quoted(n) for n in [long_name(o['name'])] + (['-' + o['short']] if o.get('short') else []))
    return f'        .{o["kind"]}({names}, to: \\.{o["name"]}),'


def swift():
    lines = [
        '// Generated by Scripts/options/generate.py from its one declaration of the launch options. Do not edit',
        '// by hand: change the declaration there and rerun it (Scripts/tests/test_generated.py checks this file).',
        '',
        'import ArgumentParser',
        '',
        '/// Options every mode shares: where to connect, which keys, how to behave.',
        'struct GlobalOptions: ParsableArguments {',
    ]
    for o in OPTIONS:
        lines += declaration(o)
    lines[-1:] = ['}', '']
    lines += [
        '/// What a session is started with: `GlobalOptions` as plain values, and their defaults. The',
        '/// one-liner fast path (`OneLiner`) fills it without swift-argument-parser; every other path',
        '/// converts the parsed `GlobalOptions`.',
        'struct LaunchOptions: Equatable, Sendable {',
    ]
    for o in OPTIONS:
        default = o.get('default', DEFAULTS[o['kind']])
        lines.append(f'    var {o["name"]}: {TYPES[o["kind"]]}' + (f' = {default}' if default is not None else ''))
    lines += ['}', '', 'extension LaunchOptions {', '    /// Every launch option, for the one-liner fast path.',
              '    static let table: [LaunchOption] = [']
    lines += [table_entry(o) for o in OPTIONS]
    lines += ['    ]', '}', '', 'extension GlobalOptions {', '    /// The parsed options as plain values.',
              '    var launchOptions: LaunchOptions {', '        LaunchOptions(']
    lines += [f'            {o["name"]}: {o["name"]}' + (',' if i < len(OPTIONS) - 1 else '') for i, o in enumerate(OPTIONS)]
    lines += ['        )', '    }', '}', '']
    return '\n'.join(lines)


def formatted(text):
    with tempfile.NamedTemporaryFile('w', suffix='.swift', delete=False) as f:
        f.write(text)
    try:
        subprocess.run(['swift', 'format', '-i', '--configuration', os.path.join(HERE, '..', '..', '.swift-format'), f.name], check=True)
        return open(f.name).read()
    finally:
        os.unlink(f.name)


def main():
    text = formatted(swift())
    if '--check' in sys.argv:
        # `--check PATH` compares another copy (the tests hand-edit one).
        after = sys.argv[sys.argv.index('--check') + 1:]
        path = after[0] if after else OUT
        current = open(path).read() if os.path.exists(path) else ''
        if current != text:
            print(f'{os.path.relpath(path)} is not what Scripts/options/generate.py writes: run it', file=sys.stderr)
            sys.exit(1)
        return
    open(OUT, 'w').write(text)
    print(f'wrote {len(OPTIONS)} launch options to {os.path.relpath(OUT)}', file=sys.stderr)


if __name__ == '__main__':
    main()
