"""The sandbox against outside truth: the official Python SDK (openai==3.51.0) with strict
response validation calls every method of `client.admin` (and the three fine-tuning
checkpoint-permission operations), and every 200 body also validates against the response
schema of OpenAI's published spec."""
import re

import httpx2
import jsonschema
import openai
import pytest

import yaml
from openai._resource import SyncAPIResource

from conftest import SPEC

PEM = """-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUKfakefakefakefakefakefakefakewCgYIKoZIzj0EAwIw
-----END CERTIFICATE-----"""


def every_method(resource, path):
    """Every public method of an SDK resource tree, as dotted names."""
    out = set()
    for name in dir(type(resource)):
        if name.startswith('_') or name in ('with_raw_response', 'with_streaming_response'):
            continue
        value = getattr(resource, name)
        if isinstance(value, SyncAPIResource):
            out |= every_method(value, f'{path}.{name}')
        elif callable(value):
            out.add(f'{path}.{name}')
    return out


class Recorder:
    """Wraps SDK resources and records each method called; captures every HTTP exchange."""

    def __init__(self, target, path, calls):
        self._target, self._path, self._calls = target, path, calls

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if isinstance(value, SyncAPIResource):
            return Recorder(value, f'{self._path}.{name}', self._calls)
        if callable(value):
            def call(*args, **kwargs):
                self._calls.add(f'{self._path}.{name}')
                return value(*args, **kwargs)
            return call
        return value


def drain(page, at_most=50):
    """Iterates an SDK pager across its pages (the SDK fetches each next page itself)."""
    items = []
    for item in page:
        items.append(item)
        if len(items) >= at_most:
            break
    return items


@pytest.fixture(scope='module')
def spec():
    return yaml.safe_load(open(SPEC))


def schema_validators(spec):
    """(method, path regex) → a validator of the 200 response schema."""
    out = []
    registry_doc = {'components': spec['components']}
    for path, item in spec['paths'].items():
        for method, op in item.items():
            if method not in ('get', 'post', 'delete'):
                continue
            schema = op.get('responses', {}).get('200', {}).get('content', {}).get('application/json', {}).get('schema')
            if not schema:
                continue
            full = dict(registry_doc, **schema)
            rx = re.compile('^' + re.sub(r'\\\{\w+\\\}', '[^/]+', re.escape(path)) + '$')
            out.append((method.upper(), rx, jsonschema.Draft202012Validator(full), op['operationId']))
    return out


def test_every_admin_method_validates(sandbox, spec):
    exchanges = []

    # Every write that succeeds leaves an audit event: the sandbox's log must grow after each.
    audit_size = [0]
    unlogged = []

    def logged():
        return httpx2.get(sandbox.control + '/info').json()['counts']['auditLog']

    def keep(response):
        response.read()
        exchanges.append((response.request.method, response.request.url.path, response.status_code, response.text))
        # (A `validate` checks a key or a bucket and changes nothing: no event.)
        write = response.request.method != 'GET' and not response.request.url.path.endswith('/validate')
        if write and response.status_code == 200:
            size = logged()
            if size <= audit_size[0]:
                unlogged.append(f'{response.request.method} {response.request.url.path}')
            audit_size[0] = size

    http = httpx2.Client(event_hooks={'response': [keep]})
    owner = sandbox.keys['owner']
    client = openai.OpenAI(api_key=owner, admin_api_key=owner, base_url=sandbox.url, http_client=http,
                           max_retries=0, _strict_response_validation=True)
    calls = set()
    org = Recorder(client.admin.organization, 'admin.organization', calls)
    ft = Recorder(client.fine_tuning.checkpoints.permissions, 'ft', calls)
    httpx2.post(sandbox.control + '/seed', json={'kind': 'users', 'count': 3}).raise_for_status()
    audit_size[0] = logged()

    # Admin API keys.
    key = org.admin_api_keys.create(name='conformance', expires_in_seconds=86400)
    assert key.value.startswith('sk-admin-')
    assert org.admin_api_keys.retrieve(key.id).name == 'conformance'
    assert len(drain(org.admin_api_keys.list(limit=2))) >= 6
    assert org.admin_api_keys.delete(key.id).deleted

    # Projects.
    project = org.projects.create(name='Conformance', residency='EU_STORAGE_PROCESSING')
    pid = project.id
    assert org.projects.retrieve(pid).name == 'Conformance'
    assert org.projects.update(pid, name='Conformance 2').name == 'Conformance 2'
    assert len(drain(org.projects.list(limit=1))) == 2
    spare = org.projects.create(name='To archive')

    # Users and project users.
    users = drain(org.users.list(limit=2))
    owner_user = next(u for u in users if u.role == 'owner')
    others = [u for u in users if u.role != 'owner']
    assert org.users.retrieve(owner_user.id).id == owner_user.id
    assert org.users.update(others[0].id, role='reader').role == 'reader'
    assert org.users.delete(others[-1].id).deleted
    member = org.projects.users.create(pid, user_id=others[0].id, role='member')
    assert org.projects.users.retrieve(member.id, project_id=pid).role == 'member'
    assert org.projects.users.update(member.id, project_id=pid, role='owner').role == 'owner'
    assert len(drain(org.projects.users.list(pid, limit=1))) == 2

    # Invites.
    invite = org.invites.create(email='new.person@example.com', role='reader', projects=[{'id': pid, 'role': 'member'}])
    assert org.invites.retrieve(invite.id).status == 'pending'
    assert len(drain(org.invites.list(limit=1))) == 1
    assert org.invites.delete(invite.id).deleted

    # Service accounts, their keys, project API keys.
    sa = org.projects.service_accounts.create(pid, name='conformance-bot')
    assert sa.api_key.value.startswith('sk-svcacct-')
    bare = org.projects.service_accounts.create(pid, name='bare', create_service_account_only=True)
    assert bare.api_key is None and bare.role == 'none'
    assert org.projects.service_accounts.retrieve(sa.id, project_id=pid).name == 'conformance-bot'
    assert org.projects.service_accounts.update(sa.id, project_id=pid, name='renamed', role='owner').role == 'owner'
    assert len(drain(org.projects.service_accounts.list(pid, limit=1))) == 2
    extra = org.projects.service_accounts.api_keys.create(sa.id, project_id=pid, name='scoped', scopes=['api.model.read'])
    assert extra.value.startswith('sk-svcacct-')
    keys = drain(org.projects.api_keys.list(pid, limit=1))
    assert len(keys) == 2
    assert org.projects.api_keys.retrieve(extra.id, project_id=pid).name == 'scoped'
    assert org.projects.api_keys.update(extra.id, project_id=pid, scopes=['api.model.read', 'api.model.request']).id == extra.id
    default_keys = drain(org.projects.api_keys.list(sandbox_default_project(client), owner_project_access='any'))
    user_key = next(k for k in default_keys if k.owner.type == 'user')
    assert org.projects.api_keys.delete(user_key.id, project_id=sandbox_default_project(client)).deleted

    # Rate limits, permissions, settings.
    limits = drain(org.projects.rate_limits.list_rate_limits(pid, limit=2))
    assert len(limits) == 6
    assert org.projects.rate_limits.update_rate_limit(limits[0].id, project_id=pid, max_requests_per_1_minute=99).max_requests_per_1_minute == 99
    assert org.projects.model_permissions.update(pid, mode='allow_list', model_ids=['gpt-4o']).mode == 'allow_list'
    assert org.projects.model_permissions.retrieve(pid).api_model_ids == ['gpt-4o']
    assert org.projects.model_permissions.delete(pid).deleted
    assert org.projects.hosted_tool_permissions.retrieve(pid).web_search.enabled
    assert not org.projects.hosted_tool_permissions.update(pid, web_search={'enabled': False}).web_search.enabled
    assert org.projects.service_tier_settings.retrieve(pid).default == 'standard'
    assert org.projects.service_tier_settings.update(pid, default='standard', enabled_tiers=['flex']).enabled_tiers == ['flex']
    assert org.projects.data_retention.retrieve(pid).type == 'organization_default'
    assert org.projects.data_retention.update(pid, retention_type='zero_data_retention').type == 'zero_data_retention'
    assert org.data_retention.retrieve().object == 'organization.data_retention'
    assert org.data_retention.update(retention_type='zero_data_retention').type == 'zero_data_retention'

    # Spend limits and alerts.
    channel = {'type': 'email', 'recipients': ['billing@example.com'], 'subject_prefix': '[spend]'}
    assert org.spend_limit.update(threshold_amount=100000, currency='USD', interval='month').enforcement.status == 'inactive'
    assert org.spend_limit.retrieve().threshold_amount == 100000
    assert org.spend_limit.delete().deleted
    assert org.projects.spend_limit.update(pid, threshold_amount=5000, currency='USD', interval='month').threshold_amount == 5000
    assert org.projects.spend_limit.retrieve(pid).currency == 'USD'
    assert org.projects.spend_limit.delete(pid).deleted
    alert = org.spend_alerts.create(threshold_amount=1000, currency='USD', interval='month', notification_channel=channel)
    assert org.spend_alerts.retrieve(alert.id).threshold_amount == 1000
    assert org.spend_alerts.update(alert.id, threshold_amount=2000, currency='USD', interval='month', notification_channel=channel).threshold_amount == 2000
    assert len(drain(org.spend_alerts.list(limit=1))) == 1
    assert org.spend_alerts.delete(alert.id).deleted
    palert = org.projects.spend_alerts.create(pid, threshold_amount=10, currency='USD', interval='month', notification_channel=channel)
    assert org.projects.spend_alerts.retrieve(palert.id, project_id=pid).id == palert.id
    assert org.projects.spend_alerts.update(palert.id, project_id=pid, threshold_amount=20, currency='USD', interval='month', notification_channel=channel).threshold_amount == 20
    assert len(drain(org.projects.spend_alerts.list(pid))) == 1
    assert org.projects.spend_alerts.delete(palert.id, project_id=pid).deleted

    # Certificates.
    cert = org.certificates.create(certificate=PEM, name='mtls')
    assert org.certificates.retrieve(cert.id, include=['content']).certificate_details.content.startswith('-----BEGIN')
    assert org.certificates.update(cert.id, name='mtls-2').name == 'mtls-2'
    assert drain(org.certificates.list(limit=1))[0].id == cert.id
    assert drain(org.certificates.activate(certificate_ids=[cert.id]))[0].active
    assert not drain(org.certificates.deactivate(certificate_ids=[cert.id]))[0].active
    assert drain(org.projects.certificates.activate(pid, certificate_ids=[cert.id]))[0].active
    assert drain(org.projects.certificates.list(pid))[0].active
    assert not drain(org.projects.certificates.deactivate(pid, certificate_ids=[cert.id]))[0].active
    assert org.certificates.delete(cert.id).id == cert.id

    # Roles, groups and role assignments.
    org_roles = drain(org.roles.list(limit=1))
    reader_role = next(r for r in org_roles if r.name == 'reader')
    role = org.roles.create(role_name='auditor', permissions=['api.groups.read'], description='reads groups')
    assert org.roles.retrieve(role.id).name == 'auditor'
    assert org.roles.update(role.id, description='still reads groups').description == 'still reads groups'
    group = org.groups.create(name='platform')
    assert org.groups.retrieve(group.id).name == 'platform'
    assert org.groups.update(group.id, name='platform-team').name == 'platform-team'
    assert len(drain(org.groups.list(limit=1))) == 1
    assert org.groups.users.create(group.id, user_id=others[0].id).user_id == others[0].id
    assert org.groups.users.retrieve(others[0].id, group_id=group.id).id == others[0].id
    assert len(drain(org.groups.users.list(group.id, limit=1))) == 1
    assert org.groups.roles.create(group.id, role_id=role.id).role.id == role.id
    assert org.groups.roles.retrieve(role.id, group_id=group.id).name == 'auditor'
    assert len(drain(org.groups.roles.list(group.id))) == 1
    assert org.groups.roles.delete(role.id, group_id=group.id).deleted
    assert org.users.roles.create(others[0].id, role_id=reader_role.id).role.id == reader_role.id
    assert org.users.roles.retrieve(reader_role.id, user_id=others[0].id).predefined_role
    assert len(drain(org.users.roles.list(others[0].id))) == 1
    assert org.users.roles.delete(reader_role.id, user_id=others[0].id).deleted
    prole = org.projects.roles.create(pid, role_name='deployer', permissions=['api.model.request'])
    assert org.projects.roles.retrieve(prole.id, project_id=pid).resource_type == 'api.project'
    assert org.projects.roles.update(prole.id, project_id=pid, permissions=['api.model.request', 'api.files.read']).permissions == ['api.model.request', 'api.files.read']
    assert len(drain(org.projects.roles.list(pid, limit=2))) == 4
    assert org.projects.users.roles.create(others[0].id, project_id=pid, role_id=prole.id).role.id == prole.id
    assert org.projects.users.roles.retrieve(prole.id, project_id=pid, user_id=others[0].id).id == prole.id
    assert len(drain(org.projects.users.roles.list(others[0].id, project_id=pid))) == 1
    assert org.projects.users.roles.delete(prole.id, project_id=pid, user_id=others[0].id).deleted
    pgroup = org.projects.groups.create(pid, group_id=group.id, role=prole.id)
    assert pgroup.group_name == 'platform-team'
    assert org.projects.groups.retrieve(group.id, project_id=pid).group_id == group.id
    assert len(drain(org.projects.groups.list(pid))) == 1
    assert org.projects.groups.roles.create(group.id, project_id=pid, role_id=prole.id).role.id == prole.id
    assert org.projects.groups.roles.retrieve(prole.id, project_id=pid, group_id=group.id).id == prole.id
    assert len(drain(org.projects.groups.roles.list(group.id, project_id=pid))) == 1
    assert org.projects.groups.roles.delete(prole.id, project_id=pid, group_id=group.id).deleted
    assert org.projects.groups.delete(group.id, project_id=pid).deleted
    assert org.groups.users.delete(others[0].id, group_id=group.id).deleted
    assert org.groups.delete(group.id).deleted
    assert org.projects.roles.delete(prole.id, project_id=pid).deleted
    assert org.roles.delete(role.id).deleted

    # Usage and costs.
    start = 1767225600
    for kind in ['audio_speeches', 'audio_transcriptions', 'code_interpreter_sessions', 'completions', 'decisions',
                 'embeddings', 'file_search_calls', 'images', 'moderations', 'vector_stores', 'web_search_calls']:
        page = getattr(org.usage, kind)(start_time=start, end_time=start + 3 * 86400, group_by=['project_id'])
        assert page.object == 'page' and len(page.data) == 3
    costs = org.usage.costs(start_time=start, end_time=start + 86400 * 10, limit=5, group_by=['line_item'])
    assert costs.has_more and costs.next_page
    more = org.usage.costs(start_time=start, end_time=start + 86400 * 10, limit=5, page=costs.next_page)
    assert not more.has_more

    # External keys and storage.
    ek = org.external_keys.create(type='aws', name='kms', external_id=sandbox_org(client), kms_arn='arn:aws:kms:us-east-1:123456789012:key/abc',
                                  role_arn='arn:aws:iam::123456789012:role/openai')
    assert org.external_keys.retrieve(ek.id).type == 'aws'
    assert len(drain(org.external_keys.list(limit=1))) == 1
    assert org.external_keys.validate(ek.id).status == 'valid'
    storage = org.external_storage.create(project_id=pid, provider={'type': 'aws', 'bucket': 'b', 'role_arn': 'arn:aws:iam::123456789012:role/s'})
    assert org.external_storage.retrieve(storage.id).provider.account_id == '123456789012'
    assert len(drain(org.external_storage.list(project_id=pid))) == 1
    assert org.external_storage.validate(storage.id).status == 'validated'
    assert org.external_storage.delete(storage.id).deleted
    assert org.external_keys.delete(ek.id).deleted

    # Workload identity providers and federation rules.
    wip = org.workload_identity_providers.create(audience='openai', issuer='https://token.actions.githubusercontent.com', name='github', type='oidc',
                                                 attribute_transformations=[{'attribute': 'repo', 'expression': 'assertion.repository'}])
    assert org.workload_identity_providers.retrieve(wip.id).verification.type == 'discovery'
    assert org.workload_identity_providers.update(wip.id, description='CI').description == 'CI'
    assert len(drain(org.workload_identity_providers.list(limit=1))) == 1
    rule = org.workload_identity_providers.federation_rules.create(wip.id, attribute_matchers={'repo': 'acme/app', 'pr': False}, project_id=pid,
                                                                    service_account_id=sa.id, permissions={'type': 'restricted', 'scopes': ['api.model.request']})
    assert org.workload_identity_providers.federation_rules.retrieve(rule.id, workload_identity_provider_id=wip.id).permissions.type == 'restricted'
    assert org.workload_identity_providers.federation_rules.update(rule.id, workload_identity_provider_id=wip.id, enabled=False).enabled is False
    assert len(drain(org.workload_identity_providers.federation_rules.list(wip.id, service_account_id=sa.id))) == 1
    assert org.workload_identity_providers.federation_rules.delete(rule.id, workload_identity_provider_id=wip.id).deleted
    assert org.workload_identity_providers.delete(wip.id).deleted

    # Fine-tuning checkpoint permissions (the ordinary api_key credential carries the admin key).
    ckpt = 'ft:gpt-4o-mini-2024-07-18:org:conf:ckpt-step-10'
    shared = ft.create(ckpt, project_ids=[pid])
    perms = drain(ft.list(ckpt))
    assert [p.project_id for p in perms] == [pid]
    assert ft.retrieve(ckpt).data[0].id == shared.data[0].id
    assert ft.delete(shared.data[0].id, fine_tuned_model_checkpoint=ckpt).deleted

    # Audit log, after everything above; and the last cleanups.
    entries = drain(org.audit_logs.list(limit=5, event_types=['project.created']), at_most=10)
    assert {e.type for e in entries} == {'project.created'}
    assert org.projects.service_accounts.delete(sa.id, project_id=pid).deleted
    assert org.projects.users.delete(member.id, project_id=pid).deleted
    assert org.projects.archive(spare.id).status == 'archived'

    assert unlogged == [], f'writes that left no audit event: {unlogged}'
    documented = set(spec['components']['schemas']['AuditLogEventType']['enum'])
    events = drain(org.audit_logs.list(limit=100), at_most=10_000)
    assert {e.type for e in events} <= documented, {e.type for e in events} - documented
    assert len(events) >= len([x for x in exchanges if x[0] != 'GET' and x[2] == 200 and not x[1].endswith('/validate')])

    missing = every_method(client.admin, 'admin') - {c.replace('admin.organization', 'admin.organization') for c in calls}
    assert missing == set(), f'admin methods not exercised: {sorted(missing)}'
    assert {c for c in calls if c.startswith('ft.')} == {'ft.create', 'ft.list', 'ft.retrieve', 'ft.delete'}

    # Every 200 body also validates against the spec's schema for its operation.
    validators = schema_validators(spec)
    checked = set()
    problems = []
    for method, path, status, text in exchanges:
        if status != 200:
            continue
        rel = path[path.index('/v1') + 3:]
        for m, rx, validator, op in validators:
            if m == method and rx.match(rel):
                checked.add(op)
                errors = sorted(validator.iter_errors(yaml.safe_load(text)), key=str)
                if errors:
                    problems.append(f'{op} {method} {rel}: {errors[0].message} at {list(errors[0].absolute_path)}')
                break
    assert problems == []
    assert len(checked) >= 110, f'only {len(checked)} spec operations were validated'
    print(f'{len(calls)} SDK methods called; {len(checked)} spec operations validated against their schemas')


def sandbox_default_project(client):
    return next(p for p in client.admin.organization.projects.list() if p.name == 'Default project').id


def sandbox_org(client):
    return client.admin.organization.projects.list().data[0].id


def test_errors_raise_the_sdk_exceptions(sandbox):
    reader = openai.OpenAI(api_key='x', admin_api_key=sandbox.keys['mgmt-read'], base_url=sandbox.url, max_retries=0, _strict_response_validation=True)
    with pytest.raises(openai.AuthenticationError) as e:
        reader.admin.organization.projects.create(name='nope')
    assert 'Missing scopes: api.management.write' in str(e.value)
    with pytest.raises(openai.NotFoundError):
        reader.admin.organization.projects.retrieve('proj_missing')
    bad = openai.OpenAI(api_key='x', admin_api_key='sk-admin-wrong0000', base_url=sandbox.url, max_retries=0)
    with pytest.raises(openai.AuthenticationError) as e:
        bad.admin.organization.projects.list()
    assert e.value.code == 'invalid_api_key'
    owner = openai.OpenAI(api_key='x', admin_api_key=sandbox.keys['owner'], base_url=sandbox.url, max_retries=0)
    with pytest.raises(openai.BadRequestError) as e:
        owner.admin.organization.projects.create(name='x', residency='MARS')
    assert e.value.param == 'residency'


def test_the_sdk_retries_a_rate_limited_call_and_succeeds(sandbox):
    # The live API's bare 429 (no Retry-After): the SDK's own backoff waits it out.
    httpx2.post(sandbox.control + '/rate-limit', json={'rule': '60/min,burst=1'}).raise_for_status()
    client = openai.OpenAI(api_key='x', admin_api_key=sandbox.keys['owner'], base_url=sandbox.url, max_retries=3)
    for _ in range(3):
        assert client.admin.organization.projects.list().data
