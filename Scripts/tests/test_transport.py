"""The client against servers that are not the sandbox: TLS with a self-signed certificate, and
responses that are malformed (truncated JSON, wrong content type, HTML error pages, huge
bodies, a dropped connection). Each gives a clear one-line error and the right exit status,
never a crash."""
import http.server
import os
import socket
import ssl
import subprocess
import tempfile
import threading

import pytest

from conftest import ADM

PROJECTS = b'{"object":"list","data":[{"id":"proj_tls000000000000000000000","object":"organization.project","name":"Over TLS","created_at":1,"archived_at":null,"status":"active"}],"first_id":null,"last_id":null,"has_more":false}'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    responses_by_path = {}

    def do_GET(self):
        path = self.path.split('?')[0]
        status, ctype, body = self.responses_by_path.get(path, (200, 'application/json', PROJECTS))
        if body is None:  # drop the connection without an answer
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        if callable(body):
            self.send_header('Content-Length', str(200 * 1024 * 1024))
            self.end_headers()
            chunk = b'x' * 65536
            try:
                for _ in range(200 * 16):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(tls=None):
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def adm(*args):
    env = dict(os.environ, NO_COLOR='1', OPENAI_ADMIN_KEY='sk-admin-' + 'x' * 40, XDG_STATE_HOME=tempfile.mkdtemp())
    return subprocess.run([ADM, *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture(scope='module')
def certificate():
    d = tempfile.mkdtemp()
    cert, key = os.path.join(d, 'cert.pem'), os.path.join(d, 'key.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
                    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], check=True, capture_output=True)
    return cert, key


def test_tls_refuses_a_self_signed_certificate_by_default_and_trusts_it_with_cacert(certificate):
    server = serve(tls=certificate)
    url = f'https://127.0.0.1:{server.server_port}/v1'
    refused = adm('--base-url', url, '--retries', '0', '-e', 'projects')
    assert refused.returncode == 3
    assert 'TLS with 127.0.0.1' in refused.stderr
    assert 'certificate' in refused.stderr
    trusted = adm('--base-url', url, '--cacert', certificate[0], '-e', 'projects | .data[0].name')
    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout == 'Over TLS\n'
    server.shutdown()


def test_a_silent_server_times_out_clearly():
    Handler.responses_by_path = {'/v1/organization/users': (200, 'application/json', lambda: None)}
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)  # never served: accepts, never answers
    r = adm('--base-url', f'http://127.0.0.1:{server.server_port}/v1', '--retries', '0', '--timeout', '1', '-e', 'users')
    server.server_close()
    Handler.responses_by_path = {}
    assert r.returncode == 3
    assert 'no complete response within 1 s (request timeout; change it with --timeout)' in r.stderr


def test_no_plain_http_for_a_non_loopback_host():
    r = adm('--base-url', 'http://example.com/v1', '-e', 'projects')
    assert r.returncode == 3
    assert 'refusing plain http:// for a non-loopback host' in r.stderr


@pytest.mark.parametrize('path,status,ctype,body,expected', [
    ('/v1/organization/users', 500, 'application/json', b'{"error": {"message": "trunc', 'HTTP 500 Internal Server Error with a body that is not valid JSON (application/json): unterminated string'),
    ('/v1/organization/users', 502, 'text/html', b'<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', 'HTTP 502 Bad Gateway with an HTML page ("502 Bad Gateway")'),
    ('/v1/organization/users', 200, 'text/plain', b'hello', 'the answer is not JSON'),
    ('/v1/organization/users', 403, 'application/json', b'{"error": "You made it with the following key type: secret."}', '403'),
    ('/v1/organization/users', 200, 'application/json', lambda: None, 'response body larger than 64 MiB; refused'),
    ('/v1/organization/users', 200, 'application/json', None, 'closed the connection before a complete response'),
])
def test_malformed_responses_give_clear_errors(path, status, ctype, body, expected):
    Handler.responses_by_path = {path: (status, ctype, body)}
    server = serve()
    r = adm('--base-url', f'http://127.0.0.1:{server.server_port}/v1', '--retries', '0', '--timeout', '10', '-e', 'users')
    server.shutdown()
    Handler.responses_by_path = {}
    assert r.returncode in (1, 3), r.stderr
    assert expected in r.stderr, r.stderr
    assert 'Program crashed' not in r.stderr


def test_doctor_names_what_is_wrong_with_each_broken_address_and_passes_on_the_sandbox(certificate):
    """`adm doctor` against the sandbox (all is well, exit 0) and three addresses that fail in
    different ways: each named in plain words, exit 1."""
    ok = subprocess.run([ADM, '--sandbox', 'doctor'], capture_output=True, text=True, env=dict(os.environ, NO_COLOR='1'), timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert 'all is well' in ok.stdout and 'reads admin keys, projects, costs, audit log' in ok.stdout
    assert 'sk-admin-' not in ok.stdout.replace('sk-admin-…', '')  # the key by name and redacted form only

    refused = adm('--base-url', 'http://127.0.0.1:1/v1', 'doctor')
    assert refused.returncode == 1
    assert 'problem  API' in refused.stdout and 'connection refused' in refused.stdout

    silent = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)  # accepts, never answers
    timed_out = adm('--base-url', f'http://127.0.0.1:{silent.server_port}/v1', '--retries', '0', '--timeout', '1', 'doctor')
    silent.server_close()
    assert timed_out.returncode == 1
    assert 'no answer in time' in timed_out.stdout, timed_out.stdout

    server = serve(tls=certificate)
    untrusted = adm('--base-url', f'https://127.0.0.1:{server.server_port}/v1', '--retries', '0', 'doctor')
    server.shutdown()
    assert untrusted.returncode == 1
    assert 'certificate is not trusted' in untrusted.stdout and '--cacert' in untrusted.stdout, untrusted.stdout
