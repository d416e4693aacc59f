"""Configuration: file, environment, secret files; bad input is one clear line."""

import pytest

from cashbot.config import ConfigError, load_settings

TOKEN = "123456:TEST-abcdefghijklmnopqrstuvwxyz012345"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    import os

    for key in list(os.environ):
        if key.startswith("CASHBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no ./cashbot.toml unless a test writes one
    monkeypatch.setenv("CASHBOT_SECRETS_DIR", str(tmp_path / "no-secrets"))


def test_defaults(monkeypatch):
    settings = load_settings()
    assert settings.timezone == "Europe/Moscow"
    assert settings.access.mode == "approval"
    assert settings.telegram.api_base == "https://api.telegram.org"
    assert "Онлайн-касса" in settings.categories and len(settings.categories) == 7
    assert settings.telegram.token is None


def test_file_then_environment_with_nested_names(monkeypatch, tmp_path):
    config = tmp_path / "bot.toml"
    config.write_text(
        'timezone = "Asia/Yekaterinburg"\nadmins = [1]\n[access]\nmode = "open"\nemail_domains = ["Example.RU"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CASHBOT_CONFIG", str(config))
    monkeypatch.setenv("CASHBOT_ADMINS", "[5, 6]")
    monkeypatch.setenv("CASHBOT_TELEGRAM__TOKEN", TOKEN)
    monkeypatch.setenv("CASHBOT_TELEGRAM__API_BASE", "http://127.0.0.1:8081/")
    monkeypatch.setenv("CASHBOT_DATABASE__PATH", str(tmp_path / "x.sqlite3"))
    settings = load_settings()
    assert settings.timezone == "Asia/Yekaterinburg"  # from the file
    assert settings.admins == [5, 6]  # the environment wins
    assert settings.access.mode == "open" and settings.access.email_domains == ["example.ru"]
    assert settings.require_token() == TOKEN
    assert settings.telegram.api_base == "http://127.0.0.1:8081"
    assert settings.log_dir == tmp_path / "logs"


def test_secret_files_named_like_the_variables(monkeypatch, tmp_path):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "CASHBOT_TELEGRAM__TOKEN").write_text(TOKEN + "\n")
    (secrets / "CASHBOT_DEV_CODE").write_text("s3cret\n")
    monkeypatch.setenv("CASHBOT_SECRETS_DIR", str(secrets))
    settings = load_settings()
    assert settings.require_token() == TOKEN
    assert settings.dev_code.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings) and TOKEN not in repr(settings)


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"CASHBOT_TIMEZONE": "Mars/Olympus"}, "timezone: unknown time zone 'Mars/Olympus'"),
        ({"CASHBOT_TELEGRAM__TOKEN": "not-a-token"}, "telegram.token: malformed token"),
        ({"CASHBOT_ADMINS": "[1,"}, "admins"),
        ({"CASHBOT_ACCESS__MODE": "everyone"}, "access.mode"),
        ({"CASHBOT_ACCESS__COLOUR": "red"}, "access.colour: unknown key"),
        ({"CASHBOT_CONFIG": "/nonexistent/cashbot.toml"}, "config file '/nonexistent/cashbot.toml' not found"),
    ],
)
def test_bad_values_are_one_clear_line(monkeypatch, env, expected):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    message = str(error.value)
    assert expected in message
    assert "\n" not in message


def test_unknown_key_and_bad_syntax_in_the_file(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[reminders]\nsend_tme = '09:00'\n")
    with pytest.raises(ConfigError, match=r"reminders\.send_tme: unknown key"):
        load_settings(config)
    config.write_text("[reminders\n")
    with pytest.raises(ConfigError, match="c.toml"):
        load_settings(config)


def test_missing_token_is_reported_when_the_bot_needs_it():
    settings = load_settings()
    with pytest.raises(ConfigError, match="CASHBOT_TELEGRAM__TOKEN"):
        settings.require_token()


def test_the_committed_example_config_is_valid(monkeypatch):
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "cashbot.toml"
    settings = load_settings(example)
    assert settings.timezone == "Europe/Moscow"


def test_other_files_in_a_shared_secrets_folder_are_ignored(monkeypatch, tmp_path):
    secrets = tmp_path / "shared-secrets"
    secrets.mkdir()
    (secrets / "postgres.key").write_bytes(b"\xff\xfe\x00 binary")
    (secrets / "cashbot_telegram__token").write_text(TOKEN)
    monkeypatch.setenv("CASHBOT_SECRETS_DIR", str(secrets))
    assert load_settings().require_token() == TOKEN
    (secrets / "cashbot_telegram__token").write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match="secret file .*cashbot_telegram__token is unreadable"):
        load_settings()


@pytest.mark.parametrize(
    "token, problem",
    [
        ("123456:ABCdef", "6 characters after the colon"),
        ("123456ABCdefghijklmnopqrstuvwxyz", "no colon"),
        ("bot123:ABCdefghijklmnopqrstuvwxyz", "the part before the colon is not a number"),
        ("123456:ABCdefghijklmnopqrstu vwxyz", "a character after the colon that is not a Latin letter"),
    ],
)
def test_a_malformed_token_message_states_the_rule_and_not_the_secret(monkeypatch, token, problem):
    monkeypatch.setenv("CASHBOT_TELEGRAM__TOKEN", token)
    with pytest.raises(ConfigError) as error:
        load_settings()
    message = str(error.value)
    assert f"malformed token ({problem}" in message
    assert "numeric id, a colon, then at least 20 Latin letters, digits" in message
    assert token.split(":")[-1] not in message and "\n" not in message
