"""Generated sources are what their generators write: the launch options' one declaration
(Scripts/options/generate.py) and the Swift file made from it."""
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
GENERATOR = os.path.join(ROOT, 'Scripts', 'options', 'generate.py')
GENERATED = os.path.join(ROOT, 'Sources', 'adm', 'LaunchOptions+Generated.swift')


def check(path):
    return subprocess.run([sys.executable, GENERATOR, '--check', path], capture_output=True, text=True)


def test_launch_options_file_is_generated_from_its_declaration():
    result = check(GENERATED)
    assert result.returncode == 0, result.stderr


def test_the_check_fails_on_a_hand_edit(tmp_path):
    edited = tmp_path / 'LaunchOptions+Generated.swift'
    edited.write_text(open(GENERATED).read().replace('var timeout: Double = 60', 'var timeout: Double = 61', 1))
    result = check(str(edited))
    assert result.returncode == 1
    assert 'is not what Scripts/options/generate.py writes' in result.stderr
