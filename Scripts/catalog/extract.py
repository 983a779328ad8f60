#!/usr/bin/env python3
"""Extract the Admin API operations from the two outside witnesses into one JSON file.

Inputs: OpenAI's admin OpenAPI subset (reference/openai-admin-openapi.yaml) and the
official Python SDK (openai==3.51.0, module openai.resources.admin). Output (stdout): a JSON list
with one entry per operation: method, path, operationId, summary, source (spec|sdk), the SDK
method, its pager, path/query parameters and body fields with types, enums, defaults and ranges.

This is a development tool: its output feeds Scripts/catalog/generate.py, whose Swift output is
committed. adm itself never runs Python.
"""
import ast, glob, json, os, re, subprocess, sys, yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, '..', '..', 'reference', 'openai-admin-openapi.yaml')
SDK_VERSION = '3.51.0'
SDK_DIR = os.environ.get('ADM_SDK_DIR', '/tmp/adm-openai-sdk')


def sdk_root():
    root = os.path.join(SDK_DIR, 'openai')
    if not os.path.isdir(root):
        os.makedirs(SDK_DIR, exist_ok=True)
        subprocess.check_call([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps',
                               f'openai=={SDK_VERSION}', '-d', SDK_DIR])
        whl = glob.glob(os.path.join(SDK_DIR, f'openai-{SDK_VERSION}-*.whl'))[0]
        subprocess.check_call(['unzip', '-q', '-o', whl, '-d', SDK_DIR])
    return root


def ann_to_type(ann):
    """Map a Python annotation string of the SDK to a catalog field type."""
    a = ann.replace(' | Omit', '').replace('Optional[', '').strip()
    if 'Union[' in a and any(k in a for k in ('List', 'SequenceNotStr', 'Iterable', 'Dict')):
        return {'type': 'object'}  # several shapes: the handler checks which
    lits = re.findall(r'Literal\[([^\]]*)\]', a)
    if lits and not a.startswith(('SequenceNotStr', 'List', 'Iterable')):
        vals = []
        for l in lits:
            vals += [v.strip().strip('"\'') for v in l.split(',')]
        return {'type': 'string', 'enum': vals}
    if a.startswith(('SequenceNotStr[str]', 'List[str]')):
        return {'type': 'array', 'items': 'string'}
    if a.startswith(('Iterable', 'List', 'SequenceNotStr')):
        return {'type': 'array', 'items': 'object'}
    if a.startswith('str'):
        return {'type': 'string'}
    if a.startswith('int'):
        return {'type': 'integer'}
    if a.startswith('float'):
        return {'type': 'number'}
    if a.startswith('bool'):
        return {'type': 'boolean'}
    return {'type': 'object'}


def sdk_operations():
    root = sdk_root()
    ops = []
    base = os.path.join(root, 'resources', 'admin', 'organization')
    for f in sorted(glob.glob(os.path.join(base, '**', '*.py'), recursive=True)):
        rel = os.path.relpath(f, base)[:-3]
        src = open(f).read()
        tree = ast.parse(src)
        for cls in tree.body:
            if not isinstance(cls, ast.ClassDef) or cls.name.startswith('Async') or 'WithRawResponse' in cls.name \
                    or 'WithStreaming' in cls.name:
                continue
            methods = {}
            for fn in cls.body:
                if isinstance(fn, ast.FunctionDef) and not fn.name.startswith('_'):
                    if any(isinstance(d, ast.Name) and d.id == 'overload' for d in fn.decorator_list):
                        continue
                    methods[fn.name] = fn
            for name, fn in methods.items():
                call = None
                for node in ast.walk(fn):
                    if isinstance(node, ast.Return) and isinstance(node.value, ast.Call) and \
                            isinstance(node.value.func, ast.Attribute) and node.value.func.attr in (
                            '_get', '_post', '_delete', '_get_api_list'):
                        call = node.value
                if call is None:
                    continue
                verb = {'_get': 'GET', '_post': 'POST', '_delete': 'DELETE', '_get_api_list': 'GET'}[call.func.attr]
                page = None
                for kw in call.keywords:
                    if kw.arg == 'method' and isinstance(kw.value, ast.Constant):
                        verb = kw.value.value.upper()
                    if kw.arg == 'page':
                        page = ast.unparse(kw.value).split('[')[0]
                path = None
                for node in ast.walk(call.args[0]):
                    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith('/'):
                        path = node.value
                        break
                body_keys, query_keys = [], []
                for node in ast.walk(fn):
                    if isinstance(node, ast.keyword) and node.arg in ('body', 'query') and \
                            isinstance(node.value, ast.Call) and getattr(node.value.func, 'id', '') == 'maybe_transform' \
                            and isinstance(node.value.args[0], ast.Dict):
                        keys = [k.value for k in node.value.args[0].keys]
                        (body_keys if node.arg == 'body' else query_keys).extend(keys)
                args = {}
                kw_defaults = fn.args.kw_defaults
                for a, dflt in zip(fn.args.kwonlyargs, kw_defaults):
                    if a.arg in ('extra_headers', 'extra_query', 'extra_body', 'timeout'):
                        continue
                    ann = ast.unparse(a.annotation) if a.annotation else 'object'
                    t = ann_to_type(ann)
                    t['required'] = dflt is None
                    args[a.arg] = t
                path_params = re.findall(r'\{(\w+)\}', path)
                sdk_name = 'admin.organization.' + rel.replace('/', '.').replace('.groups.groups', '.groups') \
                    .replace('projects.projects', 'projects').replace('users.users', 'users') \
                    .replace('service_accounts.service_accounts', 'service_accounts') \
                    .replace('workload_identity_providers.workload_identity_providers', 'workload_identity_providers') \
                    .replace('groups.groups', 'groups') + '.' + name
                ops.append({
                    'method': verb, 'path': path, 'sdk': sdk_name, 'page': page,
                    'path_params': path_params,
                    'query': [dict(name=k, **args.get(k, {'type': 'string', 'required': False})) for k in query_keys],
                    'body': [dict(name=k, **args.get(k, {'type': 'object', 'required': False})) for k in body_keys],
                    'doc': (ast.get_docstring(fn) or '').split('\n')[0],
                })
    return ops


def resolve(spec, ref):
    name = ref.split('/')[-1]
    return name, spec['components']['schemas'][name]


def schema_type(spec, s):
    if '$ref' in s:
        name, s2 = resolve(spec, s['$ref'])
        t = schema_type(spec, s2)
        t['ref'] = name
        return t
    for key in ('anyOf', 'oneOf'):
        if key in s:
            alts = [a for a in s[key] if a.get('type') != 'null']
            t = schema_type(spec, alts[0]) if len(alts) == 1 else {'type': 'object'}
            t['nullable'] = True
            return t
    t = {}
    typ = s.get('type', 'object')
    if isinstance(typ, list):
        t['nullable'] = 'null' in typ
        typ = [x for x in typ if x != 'null'][0]
    t['type'] = typ
    if 'enum' in s:
        t['enum'] = [v for v in s['enum'] if v is not None]
    if 'default' in s:
        t['default'] = s['default']
    for k in ('minimum', 'maximum', 'minLength', 'maxLength', 'maxItems', 'minItems'):
        if k in s:
            t[k] = s[k]
    if s.get('nullable'):
        t['nullable'] = True
    if typ == 'array':
        items = s.get('items', {})
        it = schema_type(spec, items)
        t['items'] = it.get('type', 'object')
        if 'enum' in it:
            t['item_enum'] = it['enum']
    return t


def limit_range(desc):
    m = re.search(r'range between (\d+) and (\d+)', desc or '')
    return (int(m.group(1)), int(m.group(2))) if m else None


def spec_operations():
    spec = yaml.safe_load(open(SPEC))
    ops = []
    for path, item in spec['paths'].items():
        for verb, op in item.items():
            if verb not in ('get', 'post', 'delete'):
                continue
            q, pp = [], []
            for p in op.get('parameters', []):
                t = schema_type(spec, p.get('schema', {}))
                rng = limit_range(p.get('description'))
                if rng and 'minimum' not in t:
                    t['minimum'], t['maximum'] = rng
                t['required'] = bool(p.get('required'))
                t['name'] = p['name']
                t['help'] = ' '.join((p.get('description') or '').split())[:160]
                (pp if p['in'] == 'path' else q).append(t)
            body = []
            rb = op.get('requestBody')
            if rb:
                s = rb['content']['application/json']['schema']
                name, s2 = resolve(spec, s['$ref']) if '$ref' in s else (None, s)
                req = set(s2.get('required', []))
                for fname, fs in s2.get('properties', {}).items():
                    t = schema_type(spec, fs)
                    t['name'] = fname
                    t['required'] = fname in req
                    t['help'] = ' '.join((fs.get('description') or '').split())[:160]
                    body.append(t)
            resp = None
            r200 = op.get('responses', {}).get('200', {})
            sch = r200.get('content', {}).get('application/json', {}).get('schema', {})
            if '$ref' in sch:
                resp = sch['$ref'].split('/')[-1]
            ops.append({
                'method': verb.upper(), 'path': path, 'operationId': op['operationId'],
                'summary': ' '.join(op.get('summary', '').split()),
                'name': op.get('x-oaiMeta', {}).get('name', ''),
                'path_params': [p['name'] for p in pp], 'query': q, 'body': body,
                'response': resp, 'body_required': bool(rb and rb.get('required')),
            })
    return ops


def norm(path):
    return re.sub(r'\{\w+\}', '{}', path)


def main():
    spec_ops = spec_operations()
    sdk_ops = sdk_operations()
    by_key = {(o['method'], norm(o['path'])): o for o in sdk_ops}
    out = []
    seen = set()
    for o in spec_ops:
        k = (o['method'], norm(o['path']))
        s = by_key.get(k)
        o['source'] = 'spec'
        o['sdk'] = s['sdk'] if s else None
        o['page'] = s['page'] if s else None
        if s:
            # The SDK is newer than the spec snapshot: take the fields it sends that the spec
            # does not list yet (e.g. projects.create's geography).
            for kind in ('query', 'body'):
                known = {f['name'].rstrip('[]') for f in o[kind]}
                for f in s[kind]:
                    if f['name'] not in known:
                        o[kind].append(dict(f, required=False, help='(from the official SDK; newer than the spec)'))
        seen.add(k)
        out.append(o)
    for s in sdk_ops:
        k = (s['method'], norm(s['path']))
        if k in seen:
            continue
        slug = s['sdk'].replace('admin.organization.', '').replace('.', '-').replace('_', '-')
        out.append({
            'method': s['method'], 'path': s['path'], 'operationId': slug,
            'summary': s['doc'], 'name': s['doc'], 'path_params': s['path_params'],
            'query': s['query'], 'body': s['body'], 'response': None, 'source': 'sdk',
            'sdk': s['sdk'], 'page': s['page'], 'body_required': bool(s['body']),
        })
    json.dump(out, sys.stdout, indent=1)
    print(f'{len(spec_ops)} spec operations, {len(sdk_ops)} SDK methods, {len(out)} in all', file=sys.stderr)


if __name__ == '__main__':
    main()
