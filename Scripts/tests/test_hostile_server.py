"""A hostile server: every way an answer can try to hang adm, crash it, make it read without end
or carry its key elsewhere. Each case is a path prefix of one test server
(`http://127.0.0.1:PORT/CASE/v1`); each test runs `adm -e projects` against it and checks that adm
ends within its bound, by itself (no signal), with one plain explanation, the right exit status,
and no key in anything it printed.

Cases covered: 429 with Retry-After of 600 s, of a date a day ahead, and of garbage; rate headers
that overflow; a 200 with HTML; truncated and malformed JSON; a 2 GB body; a body that drips one
byte a second; a redirect to another host."""
import http.server
import os
import subprocess
import tempfile
import threading
import time
from email.utils import formatdate

import pytest

from conftest import ADM

KEY = 'sk-admin-' + 'h0st1le' * 8
PROJECTS = (b'{"object":"list","data":[{"id":"proj_hostile00000000000000000","object":"organization.project",'
            b'"name":"Survived","created_at":1,"archived_at":null,"status":"active"}],'
            b'"first_id":null,"last_id":null,"has_more":false}')


class Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    requests = []

    def log_message(self, *args):
        pass

    def answer(self, status, headers=(), body=b'', length=None):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body) if length is None else length))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        case = self.path.split('/')[1]
        Hostile.requests.append((case, self.path, self.headers.get('Authorization', '')))
        seen = sum(1 for c, _, _ in Hostile.requests if c == case)
        json = [('Content-Type', 'application/json')]
        too_many = b'{"error":{"message":"You\'re making too many requests, please slow down.","type":"rate_limit_error"}}'
        if case == 'retry-after-600':
            self.answer(429, json + [('Retry-After', '600')], too_many)
        elif case == 'retry-after-date':
            self.answer(429, json + [('Retry-After', formatdate(time.time() + 86400, usegmt=True))], too_many)
        elif case == 'retry-after-garbage':
            if seen == 1:
                self.answer(429, json + [('Retry-After', 'soon, maybe'), ('retry-after-ms', 'inf')], too_many)
            else:
                self.answer(200, json, PROJECTS)
        elif case == 'ratelimit-overflow':
            if seen == 1:
                self.answer(429, json + [('x-ratelimit-limit-requests', '9223372036854775807'),
                                         ('x-ratelimit-remaining-requests', '-1'),
                                         ('x-ratelimit-reset-requests', '99999999999999999999999h')], too_many)
            elif seen == 2:
                self.answer(429, json + [('x-ratelimit-limit-requests', '9223372036854775807'),
                                         ('x-ratelimit-remaining-requests', '9223372036854775806'),
                                         ('x-ratelimit-reset-requests', '1s')], too_many)
            else:
                self.answer(200, json, PROJECTS)
        elif case == 'html-200':
            self.answer(200, [('Content-Type', 'text/html')], b'<html><head><title>Sign in</title></head><body>proxy</body></html>')
        elif case == 'truncated-json':
            self.answer(200, json, PROJECTS[:40])
        elif case == 'malformed-json':
            self.answer(200, json, b'{"object":"list","data":[1,,2]}')
        elif case == 'huge-body':
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(2 * 1024 ** 3))
            self.end_headers()
            chunk = b'[' * 65536
            try:
                for _ in range(2 * 1024 ** 3 // 65536):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif case == 'drip':
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(PROJECTS)))
            self.end_headers()
            try:
                for b in PROJECTS:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                    time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif case == 'redirect':
            self.answer(302, [('Location', 'https://evil.example/v1/organization/projects'), ('Content-Type', 'text/plain')], b'moved')
        else:
            self.answer(404, json, b'{"error":{"message":"no such case"}}')


@pytest.fixture(scope='module')
def server():
    s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Hostile)
    s.daemon_threads = True
    threading.Thread(target=s.serve_forever, daemon=True).start()
    yield s
    s.shutdown()


def run(server, case, *args, bound=30):
    state = tempfile.mkdtemp(prefix='adm-hostile-')
    env = dict(os.environ, NO_COLOR='1', OPENAI_ADMIN_KEY=KEY, XDG_STATE_HOME=state, XDG_CONFIG_HOME=state)
    url = f'http://127.0.0.1:{server.server_port}/{case}/v1'
    start = time.monotonic()
    r = subprocess.run([ADM, '--base-url', url, *args, '-e', 'projects | .data[0].name'],
                       capture_output=True, text=True, env=env, timeout=bound)
    r.seconds = time.monotonic() - start
    assert r.returncode >= 0, f'adm ended by signal {-r.returncode}: {r.stderr}'
    assert r.returncode != 132 and r.returncode < 128, r.stderr
    assert KEY not in r.stdout + r.stderr
    assert 'Fatal error' not in r.stderr and 'Program crashed' not in r.stderr
    # Anything adm kept between processes holds no key either.
    for root, _, files in os.walk(state):
        for f in files:
            assert KEY not in open(os.path.join(root, f), errors='replace').read()
    return r


@pytest.mark.parametrize('case', ['retry-after-600', 'retry-after-date'])
def test_a_long_server_wait_is_capped_and_max_wait_honoured_while_waiting(server, case):
    r = run(server, case, '--max-wait', '5s', bound=30)
    assert r.seconds < 12, f'took {r.seconds:.1f} s with --max-wait 5s'
    assert r.returncode == 1, r.stderr
    assert 'past --max-wait (5 s)' in r.stderr, r.stderr
    assert 'the server asked to wait' in r.stderr, r.stderr
    assert r.stdout == ''


def test_a_garbage_retry_after_is_ignored_and_adm_finds_the_next_turn_itself(server):
    r = run(server, 'retry-after-garbage', '--max-wait', '20s', bound=40)
    assert r.returncode == 0, r.stderr
    assert r.stdout == 'Survived\n'
    assert r.seconds < 15


def test_rate_headers_that_overflow_are_ignored_without_a_trap(server):
    r = run(server, 'ratelimit-overflow', '--max-wait', '30s', bound=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == 'Survived\n'


@pytest.mark.parametrize('case,expected', [
    ('html-200', 'but the answer is not JSON (text/html'),
    ('truncated-json', 'but the answer is not JSON (application/json'),
    ('malformed-json', 'but the answer is not JSON (application/json'),
])
def test_a_200_that_is_not_json_is_one_plain_error(server, case, expected):
    r = run(server, case, '--retries', '0')
    assert r.returncode == 3, r.stderr
    assert expected in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_a_2_gb_body_is_refused_without_reading_it(server):
    r = run(server, 'huge-body', '--retries', '0', bound=60)
    assert r.returncode == 3, r.stderr
    assert 'response body larger than 64 MiB; refused' in r.stderr
    assert r.seconds < 30


def test_a_body_that_drips_a_byte_a_second_ends_at_the_timeout(server):
    r = run(server, 'drip', '--retries', '0', '--timeout', '3', bound=30)
    assert r.returncode == 3, r.stderr
    assert 'no complete response within 3 s' in r.stderr
    assert r.seconds < 10


def test_a_redirect_to_another_host_is_not_followed_and_the_key_goes_nowhere(server):
    before = len(Hostile.requests)
    r = run(server, 'redirect', '--retries', '0')
    assert r.returncode == 3, r.stderr
    assert 'the server redirected to evil.example; adm does not follow redirects (the key would go with it)' in r.stderr, r.stderr
    assert len(Hostile.requests) - before == 1
