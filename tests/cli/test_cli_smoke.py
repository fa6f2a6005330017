import json


def test_version_and_help(cli):
    assert cli("--version").stdout.startswith("stocktake ")
    result = cli("--help")
    assert result.exit_code == 0 and "partnerships" in result.stdout


def test_partnerships_add_camden_then_list_json(cli):
    assert cli("partnerships", "add", "E09000007").exit_code == 0
    result = cli("partnerships", "list", "--json")
    assert json.loads(result.stdout) == [
        {"code": "E09000007", "name": "Camden", "region": "London", "type": "London borough"}]


def test_unknown_gss_code_is_refused_without_traceback(cli):
    result = cli("partnerships", "add", "E09999999")
    assert result.exit_code == 1
    assert "E09999999" in result.stderr and "Traceback" not in result.output
